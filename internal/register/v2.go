package register

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
)

// Register v2's party fields (Altinn.Register.Core.Parties.PartyFieldIncludes),
// by the names its fields query takes.
const (
	FieldUUID uint64 = 1 << iota
	FieldID
	FieldType
	FieldExtURN
	FieldDisplayName
	FieldPersonID
	FieldOrgID
	FieldCreated
	FieldModified
	FieldDeleted
	FieldDeletedAt
	FieldVersion
	FieldOwnerUUID
	FieldPersonSource
	FieldPersonFirstName
	FieldPersonMiddleName
	FieldPersonLastName
	FieldPersonShortName
	FieldPersonAddress
	FieldPersonMailingAddress
	FieldPersonDateOfBirth
	FieldPersonDateOfDeath
	FieldOrgSource
	FieldOrgStatus
	FieldOrgType
	FieldOrgTelephone
	FieldOrgMobile
	FieldOrgFax
	FieldOrgEmail
	FieldOrgInternet
	FieldOrgMailingAddress
	FieldOrgBusinessAddress
	FieldSIType
	FieldSIEmail
	FieldSIExtRef
	FieldSysUserType
	FieldSubUnits
	FieldUserID
	FieldUsername
)

const (
	fieldIdentifiers = FieldUUID | FieldID | FieldPersonID | FieldOrgID | FieldExtURN
	fieldPersonName  = FieldPersonFirstName | FieldPersonMiddleName | FieldPersonLastName | FieldPersonShortName
	// DefaultFields is what the v2 reads give without a fields query.
	DefaultFields = fieldIdentifiers | FieldDisplayName
	// requiredFields are always given (PartyController.REQUIRED_FIELDS).
	requiredFields = FieldUUID | FieldType | FieldOrgID | FieldPersonID | FieldVersion
)

var fieldNames = map[string]uint64{
	"none": 0, "uuid": FieldUUID, "id": FieldID, "type": FieldType, "ext-urn": FieldExtURN, "display-name": FieldDisplayName,
	"person-id": FieldPersonID, "org-id": FieldOrgID, "created": FieldCreated, "modified": FieldModified, "deleted": FieldDeleted,
	"deleted-at": FieldDeletedAt, "version": FieldVersion, "owner-uuid": FieldOwnerUUID,
	"identifiers":   fieldIdentifiers,
	"party":         fieldIdentifiers | FieldType | FieldDisplayName | FieldCreated | FieldModified | FieldDeleted | FieldDeletedAt | FieldVersion | FieldOwnerUUID,
	"person.source": FieldPersonSource, "person.first-name": FieldPersonFirstName, "person.middle-name": FieldPersonMiddleName,
	"person.last-name": FieldPersonLastName, "person.short-name": FieldPersonShortName, "person.name": fieldPersonName,
	"person.address": FieldPersonAddress, "person.mailing-address": FieldPersonMailingAddress,
	"person.date-of-birth": FieldPersonDateOfBirth, "person.date-of-death": FieldPersonDateOfDeath,
	"person":     FieldPersonSource | fieldPersonName | FieldPersonAddress | FieldPersonMailingAddress | FieldPersonDateOfBirth | FieldPersonDateOfDeath,
	"org.source": FieldOrgSource, "org.status": FieldOrgStatus, "org.type": FieldOrgType, "org.telephone": FieldOrgTelephone,
	"org.mobile": FieldOrgMobile, "org.fax": FieldOrgFax, "org.email": FieldOrgEmail, "org.internet": FieldOrgInternet,
	"org.mailing-address": FieldOrgMailingAddress, "org.business-address": FieldOrgBusinessAddress,
	"org": FieldOrgSource | FieldOrgStatus | FieldOrgType | FieldOrgTelephone | FieldOrgMobile | FieldOrgFax | FieldOrgEmail |
		FieldOrgInternet | FieldOrgMailingAddress | FieldOrgBusinessAddress,
	"si.type": FieldSIType, "si.email": FieldSIEmail, "si.ext-ref": FieldSIExtRef, "si": FieldSIType | FieldSIEmail | FieldSIExtRef,
	"sysuser": FieldSysUserType, "sysuser.type": FieldSysUserType,
	"org.subunits": FieldSubUnits,
	"user.id":      FieldUserID, "user.name": FieldUsername, "user": FieldUserID | FieldUsername,
}

// ParseFields binds the fields query as Register's FlagsEnumModelBinder
// does: comma-separated names (trimmed, empty ones skipped, exact case)
// over every value given; no value at all is DefaultFields. bad lists
// "Invalid value: 'x'" for each unknown name.
func ParseFields(vals []string, given bool) (fields uint64, bad []string) {
	if !given {
		return DefaultFields, nil
	}
	for _, v := range vals {
		for _, name := range strings.Split(v, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			f, ok := fieldNames[name]
			if !ok {
				bad = append(bad, "Invalid value: '"+name+"'")
				continue
			}
			fields |= f
		}
	}
	return fields, bad
}

// Register v2's problems and validation errors.
var (
	ErrReferencedPartyNotFound = problem.Descriptor{Code: "REG-00003", Status: http.StatusBadRequest, Title: "Party not found"}

	vldSubUnitsForbidden = problem.ValidationDescriptor{Code: "REG.VLD-00000", Title: "Cannot request party subunits"}
	vldInvalidPartyURN   = problem.ValidationDescriptor{Code: "REG.VLD-00002", Title: "Invalid party URN"}
)

// MaxPartyQuery is the most URNs POST …/parties/query takes.
const MaxPartyQuery = 100

// PartyURN is one identifier of POST …/parties/query: exactly one field
// is set.
type PartyURN struct {
	ID       int64
	UUID     uuid.UUID
	OrgNo    string
	PID      string
	UserID   int64
	Username string
	Email    string
}

// urnKeys are PartyUrn's keys (the canonical one first in each group);
// the uuid keys' "type" part is not checked, as upstream says.
var urnKeys = []struct {
	key  string
	kind string
}{
	{"urn:altinn:party:id:", "id"}, {"urn:altinn:partyid:", "id"},
	{"urn:altinn:party:uuid:", "uuid"}, {"urn:altinn:person:uuid:", "uuid"}, {"urn:altinn:organization:uuid:", "uuid"},
	{"urn:altinn:systemuser:uuid:", "uuid"}, {"urn:altinn:user:uuid:", "uuid"},
	{"urn:altinn:organization:identifier-no:", "org"},
	{"urn:altinn:person:identifier-no:", "pid"},
	{"urn:altinn:user:id:", "user"}, {"urn:altinn:userid:", "user"},
	{"urn:altinn:party:username:", "username"}, {"urn:altinn:username:", "username"}, {"urn:altinn:person:legacy-selfidentified:", "username"},
	{"urn:altinn:person:idporten-email:", "email"},
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ParsePartyURN reads one party URN; ok is false for anything else.
func (s *Service) ParsePartyURN(v string) (PartyURN, bool) {
	for _, k := range urnKeys {
		rest, found := strings.CutPrefix(v, k.key)
		if !found || rest == "" {
			continue
		}
		switch k.kind {
		case "id", "user":
			n, err := strconv.ParseUint(rest, 10, 32)
			if err != nil || !allDigits(rest) {
				return PartyURN{}, false
			}
			if k.kind == "id" {
				return PartyURN{ID: int64(n)}, true
			}
			return PartyURN{UserID: int64(n)}, true
		case "uuid":
			id, err := uuid.Parse(rest)
			if err != nil || len(rest) != 36 {
				return PartyURN{}, false
			}
			return PartyURN{UUID: id}, true
		case "org":
			return PartyURN{OrgNo: rest}, parties.ValidOrgNo(rest, s.lenient)
		case "pid":
			return PartyURN{PID: rest}, parties.ValidPID(rest)
		case "username":
			return PartyURN{Username: rest}, true
		case "email":
			return PartyURN{Email: rest}, true
		}
	}
	return PartyURN{}, false
}

// SystemUserParty is a live system user as Register v2 lists it: a party
// of its own (its id is its party uuid), owned by the organisation it
// acts for.
type SystemUserParty struct {
	ID        uuid.UUID
	Name      string // the integration title
	OwnerUUID uuid.UUID
	// Agent is a client system user (client-party-system-user); else a
	// standard one (first-party-system-user).
	Agent             bool
	Created, Modified time.Time
}

// SystemUsers finds a live system user by id (dberr.ErrNotFound for none).
type SystemUsers interface {
	SystemUserParty(ctx context.Context, id uuid.UUID) (SystemUserParty, error)
}

// WithSystemUsers lets the v2 reads find system users by party uuid.
func (s *Service) WithSystemUsers(su SystemUsers) *Service {
	s.systemUsers = su
	return s
}

// partyV2 is a found party before rendering: one of the three set.
type partyV2 struct {
	org    *parties.Organization
	person *parties.Person
	sysu   *SystemUserParty
}

func (p partyV2) uuid() uuid.UUID {
	switch {
	case p.org != nil:
		return p.org.PartyUUID
	case p.person != nil:
		return p.person.PartyUUID
	}
	return p.sysu.ID
}

// find resolves one URN; found is false for none.
func (s *Service) find(ctx context.Context, u PartyURN) (partyV2, bool, error) {
	var (
		o   parties.Organization
		p   parties.Person
		err error
	)
	orgOr := func(o parties.Organization, err error, person func() (parties.Person, error)) (partyV2, bool, error) {
		if err == nil {
			return partyV2{org: &o}, true, nil
		}
		if !errors.Is(err, dberr.ErrNotFound) || person == nil {
			return partyV2{}, false, notFoundOK(err)
		}
		p, err := person()
		if err != nil {
			return partyV2{}, false, notFoundOK(err)
		}
		return partyV2{person: &p}, true, nil
	}
	switch {
	case u.ID != 0:
		o, err = s.parties.OrgByPartyID(ctx, u.ID)
		return orgOr(o, err, func() (parties.Person, error) { return s.parties.PersonByPartyID(ctx, u.ID) })
	case u.UUID != uuid.Nil:
		o, err = s.parties.OrgByPartyUUID(ctx, u.UUID)
		p, found, err := orgOr(o, err, func() (parties.Person, error) { return s.parties.PersonByPartyUUID(ctx, u.UUID) })
		if found || err != nil || s.systemUsers == nil {
			return p, found, err
		}
		su, err := s.systemUsers.SystemUserParty(ctx, u.UUID)
		if err != nil {
			return partyV2{}, false, notFoundOK(err)
		}
		return partyV2{sysu: &su}, true, nil
	case u.OrgNo != "":
		o, err = s.parties.Org(ctx, u.OrgNo)
		return orgOr(o, err, nil)
	case u.PID != "":
		p, err = s.parties.Person(ctx, u.PID)
	case u.UserID != 0:
		p, err = s.parties.PersonByUserID(ctx, u.UserID)
	default:
		// Party id 0, user id 0, usernames and ID-porten e-mail
		// addresses: the emulator's parties have none of these.
		return partyV2{}, false, nil
	}
	if err != nil {
		return partyV2{}, false, notFoundOK(err)
	}
	return partyV2{person: &p}, true, nil
}

func notFoundOK(err error) error {
	if errors.Is(err, dberr.ErrNotFound) {
		return nil
	}
	return err
}

func checkFields(fields uint64) []problem.ValidationError {
	if fields&FieldSubUnits != 0 {
		return []problem.ValidationError{vldSubUnitsForbidden.At("/$QUERY/fields")}
	}
	return nil
}

// QueryParties answers POST …/parties/query: each party found once, in the
// order first asked for, and whether every URN found a party (else the
// controller answers 206).
func (s *Service) QueryParties(ctx context.Context, urns []string, fields uint64) ([]map[string]any, bool, error) {
	if len(urns) == 0 {
		// Upstream answers an empty query before it reports any error,
		// the fields' included.
		return []map[string]any{}, true, nil
	}
	errs := checkFields(fields)
	var parsed []PartyURN
	for i, v := range urns {
		u, ok := s.ParsePartyURN(v)
		if !ok {
			errs = append(errs, vldInvalidPartyURN.At(fmt.Sprintf("/data/%d", i)))
			continue
		}
		parsed = append(parsed, u)
		fields |= fieldsOf(u)
	}
	if len(urns) > MaxPartyQuery {
		errs = append(errs, vldTooMany.At("/data"))
	}
	if len(errs) > 0 {
		return nil, false, problem.Validation(errs...)
	}
	out := []map[string]any{}
	seen := map[uuid.UUID]bool{}
	all := true
	for _, u := range parsed {
		p, ok, err := s.find(ctx, u)
		if err != nil {
			return nil, false, err
		}
		if !ok {
			all = false
			continue
		}
		if seen[p.uuid()] {
			continue
		}
		seen[p.uuid()] = true
		out = append(out, renderV2(p, fields|requiredFields))
	}
	return out, all, nil
}

// fieldsOf is the field a URN names; the controller adds the fields of
// every URN of the query to those asked for, so every party of the answer
// holds them.
func fieldsOf(u PartyURN) uint64 {
	switch {
	case u.ID != 0:
		return FieldID
	case u.UserID != 0:
		return FieldUserID
	case u.Username != "":
		return FieldUsername
	case u.Email != "":
		return FieldSIEmail
	}
	return 0
}

// PartyV2 answers GET …/parties/{uuid}.
func (s *Service) PartyV2(ctx context.Context, id uuid.UUID, fields uint64) (map[string]any, error) {
	if errs := checkFields(fields); len(errs) > 0 {
		return nil, problem.Validation(errs...)
	}
	p, ok, err := s.find(ctx, PartyURN{UUID: id})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound(ErrReferencedPartyNotFound, "partyUuid", id.String())
	}
	return renderV2(p, fields|requiredFields), nil
}

// renderV2 writes a party in Register's v2 contract shape: a field not
// asked for is left out (FieldValue's unset), one asked for that the
// emulator does not keep (contact details, addresses, dates) is null.
// versionId is 1: the seeded parties have no change history.
func renderV2(p partyV2, f uint64) map[string]any {
	m := map[string]any{}
	set := func(flag uint64, key string, v any) {
		if f&flag != 0 {
			m[key] = v
		}
	}
	id, uid := int64(0), p.uuid()
	m["partyUuid"] = uid
	m["urn"] = "urn:altinn:party:uuid:" + uid.String()
	m["versionId"] = 1
	var ext, name string
	if p.sysu != nil {
		return renderSystemUser(m, *p.sysu, f)
	}
	if p.org != nil {
		o := p.org
		id, name, ext = o.PartyID, o.Name, "urn:altinn:organization:identifier-no:"+o.OrgNo
		m["partyType"] = "organization"
		m["organizationIdentifier"] = o.OrgNo
		set(FieldOrgSource, "source", "ccr")
		set(FieldOrgStatus, "unitStatus", nil)
		set(FieldOrgType, "unitType", o.OrgForm)
		for _, c := range []struct {
			flag uint64
			key  string
		}{{FieldOrgTelephone, "telephoneNumber"}, {FieldOrgMobile, "mobileNumber"}, {FieldOrgFax, "faxNumber"},
			{FieldOrgEmail, "emailAddress"}, {FieldOrgInternet, "internetAddress"},
			{FieldOrgMailingAddress, "mailingAddress"}, {FieldOrgBusinessAddress, "businessAddress"}} {
			set(c.flag, c.key, nil)
		}
		set(FieldUserID|FieldUsername, "user", nil)
	} else {
		pe := p.person
		id, name, ext = pe.PartyID, pe.Name, "urn:altinn:person:identifier-no:"+pe.PID
		first, middle, last := SplitName(pe.Name)
		m["partyType"] = "person"
		m["personIdentifier"] = pe.PID
		set(FieldPersonSource, "source", "npr")
		set(FieldPersonFirstName, "firstName", first)
		set(FieldPersonMiddleName, "middleName", middle)
		set(FieldPersonLastName, "lastName", last)
		set(FieldPersonShortName, "shortName", nil)
		set(FieldPersonAddress, "address", nil)
		set(FieldPersonMailingAddress, "mailingAddress", nil)
		set(FieldPersonDateOfBirth, "dateOfBirth", nil)
		set(FieldPersonDateOfDeath, "dateOfDeath", nil)
		if f&(FieldUserID|FieldUsername) != 0 {
			user := map[string]any{}
			if f&FieldUserID != 0 {
				user["userId"] = pe.UserID
				user["userIds"] = []int64{pe.UserID}
			}
			if f&FieldUsername != 0 {
				user["username"] = nil
				user["usernames"] = nil
			}
			m["user"] = user
		}
	}
	set(FieldExtURN, "externalUrn", ext)
	set(FieldID, "partyId", id)
	set(FieldDisplayName, "displayName", name)
	set(FieldCreated, "createdAt", nil)
	set(FieldModified, "modifiedAt", nil)
	set(FieldDeleted, "isDeleted", false)
	set(FieldDeletedAt, "deletedAt", nil)
	return m
}

// fieldsQuery binds ?fields=, answering ASP.NET's model-binding 400 for an
// unknown name.
func fieldsQuery(r *http.Request) (uint64, error) {
	vals, given := r.URL.Query()["fields"]
	f, bad := ParseFields(vals, given)
	if len(bad) > 0 {
		return 0, bindError("fields", bad...)
	}
	return f, nil
}

// handleQuery is PartyController.Query: {"data": [party URNs]} → 200 with
// the parties, 206 when a URN found none.
func (s *Service) handleQuery(w http.ResponseWriter, r *http.Request) error {
	fields, err := fieldsQuery(r)
	if err != nil {
		return err
	}
	var body struct {
		Data []any `json:"data"`
	}
	if p := problem.DecodeJSON(w, r, &body); p != nil {
		return p
	}
	urns := make([]string, len(body.Data))
	for i, v := range body.Data {
		urns[i], _ = v.(string) // not a string: "", an invalid URN
	}
	out, all, err := s.QueryParties(r.Context(), urns, fields)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !all {
		status = http.StatusPartialContent
	}
	respond.JSON(w, status, map[string]any{"data": out})
	return nil
}

// handlePartyV2 is PartyController.GetPartyByUuid ({uuid:guid}: anything
// else matches no route).
func (s *Service) handlePartyV2(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(chi.URLParam(r, "uuid"))
	if err != nil {
		return routeMiss()
	}
	fields, err := fieldsQuery(r)
	if err != nil {
		return err
	}
	p, err := s.PartyV2(r.Context(), id, fields)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, p)
	return nil
}

// renderSystemUser is a system user in the v2 shape (SystemUser): no party
// id, no user; its owner by party uuid.
func renderSystemUser(m map[string]any, su SystemUserParty, f uint64) map[string]any {
	set := func(flag uint64, key string, v any) {
		if f&flag != 0 {
			m[key] = v
		}
	}
	m["partyType"] = "system-user"
	typ := "first-party-system-user"
	if su.Agent {
		typ = "client-party-system-user"
	}
	set(FieldSysUserType, "systemUserType", typ)
	set(FieldOwnerUUID, "owner", map[string]any{"partyUuid": su.OwnerUUID, "urn": "urn:altinn:party:uuid:" + su.OwnerUUID.String()})
	set(FieldExtURN, "externalUrn", "urn:altinn:systemuser:uuid:"+su.ID.String())
	set(FieldID, "partyId", nil)
	set(FieldDisplayName, "displayName", su.Name)
	set(FieldCreated, "createdAt", su.Created.UTC().Format(dotnetTime))
	set(FieldModified, "modifiedAt", su.Modified.UTC().Format(dotnetTime))
	set(FieldDeleted, "isDeleted", false)
	set(FieldDeletedAt, "deletedAt", nil)
	set(FieldUserID|FieldUsername, "user", nil)
	return m
}

// dotnetTime is how System.Text.Json writes a DateTimeOffset in UTC
// ("2020-01-02T03:04:05+00:00", up to seven fractional digits).
const dotnetTime = "2006-01-02T15:04:05.9999999-07:00"
