// Package register is the part of Altinn Register a vendor's integration
// or a platform service looks parties up in: /register/api/v1 (an
// organisation, a party by id or uuid, a party lookup by organisation or
// national identity number, names, lists, identifiers, and the person
// lookup by number and last name) in the platform's V1 wire shapes, and
// v2's internal party reads (/register/api/v2/internal/parties) in its
// v2 contract shapes, over the emulator's parties and system users.
package register

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// ScopeLookup is the scope Register's InternalOrPlatformAccess policy takes
// from a token in place of a platform access token.
const ScopeLookup = "altinn:register/partylookup.admin"

// Parties is what the lookups read: the emulator's organisations and
// persons (parties.Service).
type Parties interface {
	Org(ctx context.Context, orgNo string) (parties.Organization, error)
	OrgByPartyID(ctx context.Context, partyID int64) (parties.Organization, error)
	OrgByPartyUUID(ctx context.Context, id uuid.UUID) (parties.Organization, error)
	Person(ctx context.Context, pid string) (parties.Person, error)
	PersonByPartyID(ctx context.Context, partyID int64) (parties.Person, error)
	PersonByPartyUUID(ctx context.Context, id uuid.UUID) (parties.Person, error)
	PersonByUserID(ctx context.Context, userID int64) (parties.Person, error)
	RolesOfPerson(ctx context.Context, pid string) ([]parties.Role, error)
}

// Service answers the lookups.
type Service struct {
	parties Parties
	// lenient accepts organisation numbers that fail MOD11, as the seed does.
	lenient bool
	// pool and clock keep the person lookup's failed attempts.
	pool   *pgxpool.Pool
	clock  clock.Clock
	policy throttlePolicy
	// systemUsers, when set, lets the v2 reads find system users.
	systemUsers SystemUsers
}

// New makes the service; lenient follows the parties' setting.
func New(p Parties, lenient bool) *Service {
	return &Service{parties: p, lenient: lenient, clock: clock.System{}, policy: PersonLookupPolicy}
}

// WithStore gives the service the database and clock the person lookup
// counts failed attempts with.
func (s *Service) WithStore(pool *pgxpool.Pool, clk clock.Clock) *Service {
	s.pool, s.clock = pool, clk
	return s
}

// Party types of the V1 contract (Altinn.Register.Contracts.V1.PartyType),
// written as numbers.
const (
	PartyTypePerson       = 1
	PartyTypeOrganisation = 2
)

// Party is Register's V1 Party.
type Party struct {
	PartyID                          int64         `json:"partyId"`
	PartyUUID                        uuid.UUID     `json:"partyUuid"`
	ExternalURN                      string        `json:"externalUrn"`
	PartyTypeName                    int           `json:"partyTypeName"`
	OrgNumber                        *string       `json:"orgNumber"`
	SSN                              *string       `json:"ssn"`
	UnitType                         *string       `json:"unitType"`
	Name                             string        `json:"name"`
	IsDeleted                        bool          `json:"isDeleted"`
	OnlyHierarchyElementWithNoAccess bool          `json:"onlyHierarchyElementWithNoAccess"`
	Person                           *Person       `json:"person"`
	Organization                     *Organization `json:"organization"`
	ChildParties                     []Party       `json:"childParties"`
	LastChangedInAltinn              *string       `json:"lastChangedInAltinn"`
	LastChangedInExternalRegister    *string       `json:"lastChangedInExternalRegister"`
}

// Organization is Register's V1 Organization. The emulator keeps no
// contact details or addresses, so those are null.
type Organization struct {
	OrgNumber          string  `json:"orgNumber"`
	Name               string  `json:"name"`
	UnitType           string  `json:"unitType"`
	TelephoneNumber    *string `json:"telephoneNumber"`
	MobileNumber       *string `json:"mobileNumber"`
	FaxNumber          *string `json:"faxNumber"`
	EMailAddress       *string `json:"eMailAddress"`
	InternetAddress    *string `json:"internetAddress"`
	MailingAddress     *string `json:"mailingAddress"`
	MailingPostalCode  *string `json:"mailingPostalCode"`
	MailingPostalCity  *string `json:"mailingPostalCity"`
	BusinessAddress    *string `json:"businessAddress"`
	BusinessPostalCode *string `json:"businessPostalCode"`
	BusinessPostalCity *string `json:"businessPostalCity"`
	UnitStatus         *string `json:"unitStatus"`
}

// Person is Register's V1 Person; no addresses are kept.
type Person struct {
	SSN                    string  `json:"ssn"`
	Name                   string  `json:"name"`
	FirstName              string  `json:"firstName"`
	MiddleName             *string `json:"middleName"`
	LastName               string  `json:"lastName"`
	TelephoneNumber        *string `json:"telephoneNumber"`
	MobileNumber           *string `json:"mobileNumber"`
	MailingAddress         *string `json:"mailingAddress"`
	MailingPostalCode      *string `json:"mailingPostalCode"`
	MailingPostalCity      *string `json:"mailingPostalCity"`
	AddressMunicipalNumber *string `json:"addressMunicipalNumber"`
	AddressMunicipalName   *string `json:"addressMunicipalName"`
	AddressStreetName      *string `json:"addressStreetName"`
	AddressHouseNumber     *string `json:"addressHouseNumber"`
	AddressHouseLetter     *string `json:"addressHouseLetter"`
	AddressPostalCode      *string `json:"addressPostalCode"`
	AddressCity            *string `json:"addressCity"`
	DateOfDeath            *string `json:"dateOfDeath"`
}

// Lookup is the body of POST /parties/lookup.
type Lookup struct {
	SSN   *string `json:"ssn"`
	OrgNo *string `json:"orgNo"`
}

// Register's problems (Altinn.Register.Core.Errors.Problems) and
// validation errors (ValidationErrors, StdValidationErrors).
var (
	ErrOrganizationNotFound = problem.Descriptor{Code: "REG-00006", Status: http.StatusNotFound, Title: "Organization not found"}
	ErrPartyNotFound        = problem.Descriptor{Code: "REG-00007", Status: http.StatusNotFound, Title: "Party not found"}

	vldRequired          = problem.ValidationDescriptor{Code: "STD.VLD-00000", Title: "The field is required."}
	vldInvalidOrgNo      = problem.ValidationDescriptor{Code: "REG.VLD-00006", Title: "Invalid organization number"}
	vldInvalidPersonNo   = problem.ValidationDescriptor{Code: "REG.VLD-00007", Title: "Invalid person number"}
	vldMutuallyExclusive = problem.ValidationDescriptor{Code: "REG.VLD-00008", Title: "Values are mutually exclusive"}
	vldInvalidPartyID    = problem.ValidationDescriptor{Code: "REG.VLD-00009", Title: "Invalid party id"}
)

func withDetail(e problem.ValidationError, detail string) problem.ValidationError {
	e.Detail = detail
	return e
}

// notFound is a Register problem carrying the identifier it was asked for,
// as its problem extensions do.
func notFound(d problem.Descriptor, key, value string) *problem.Problem {
	p := d.New()
	p.Extensions = map[string]any{key: value}
	return p
}

// CheckLookup is Register's LookupV1PartyRequestValidator: exactly one of
// ssn and orgNo, and that one well-formed. It returns the validation
// problem, or nil.
func (s *Service) CheckLookup(l Lookup) *problem.Problem {
	switch {
	case l.SSN == nil && l.OrgNo == nil:
		return problem.Validation(withDetail(vldRequired.At("/ssn", "/orgNo"), "Either ssn or orgNo is required."))
	case l.SSN != nil && l.OrgNo != nil:
		return problem.Validation(withDetail(vldMutuallyExclusive.At("/ssn", "/orgNo"), "Only one of ssn and orgNo is allowed."))
	case l.SSN != nil && !parties.ValidPID(*l.SSN):
		return problem.Validation(vldInvalidPersonNo.At("/ssn"))
	case l.OrgNo != nil && !parties.ValidOrgNo(*l.OrgNo, s.lenient):
		return problem.Validation(vldInvalidOrgNo.At("/orgNo"))
	}
	return nil
}

// Lookup answers POST /parties/lookup for a checked body.
func (s *Service) Lookup(ctx context.Context, l Lookup) (Party, error) {
	if p := s.CheckLookup(l); p != nil {
		return Party{}, p
	}
	if l.OrgNo != nil {
		o, err := s.parties.Org(ctx, *l.OrgNo)
		if errors.Is(err, dberr.ErrNotFound) {
			return Party{}, notFound(ErrPartyNotFound, "organizationIdentifier", *l.OrgNo)
		}
		if err != nil {
			return Party{}, err
		}
		return OrgParty(o), nil
	}
	p, err := s.parties.Person(ctx, *l.SSN)
	if errors.Is(err, dberr.ErrNotFound) {
		return Party{}, notFound(ErrPartyNotFound, "personIdentifier", *l.SSN)
	}
	if err != nil {
		return Party{}, err
	}
	return PersonParty(p), nil
}

// Organization answers GET /organizations/{orgNr}.
func (s *Service) Organization(ctx context.Context, orgNo string) (Organization, error) {
	if !parties.ValidOrgNo(orgNo, s.lenient) {
		return Organization{}, problem.Validation(vldInvalidOrgNo.At("/$PATH/orgNr"))
	}
	o, err := s.parties.Org(ctx, orgNo)
	if errors.Is(err, dberr.ErrNotFound) {
		return Organization{}, notFound(ErrOrganizationNotFound, "organizationIdentifier", orgNo)
	}
	if err != nil {
		return Organization{}, err
	}
	return orgOf(o), nil
}

// PartyByID finds a party by its id; an id that is not positive is
// Register's invalid-party-id problem.
func (s *Service) PartyByID(ctx context.Context, id int64) (Party, error) {
	if id <= 0 {
		return Party{}, problem.Validation(vldInvalidPartyID.At("/$PATH/partyId"))
	}
	o, err := s.parties.OrgByPartyID(ctx, id)
	if err == nil {
		return OrgParty(o), nil
	}
	if !errors.Is(err, dberr.ErrNotFound) {
		return Party{}, err
	}
	p, err := s.parties.PersonByPartyID(ctx, id)
	if errors.Is(err, dberr.ErrNotFound) {
		return Party{}, notFound(ErrPartyNotFound, "partyId", strconv.FormatInt(id, 10))
	}
	if err != nil {
		return Party{}, err
	}
	return PersonParty(p), nil
}

// PartyByUUID finds a party by its uuid.
func (s *Service) PartyByUUID(ctx context.Context, id uuid.UUID) (Party, error) {
	o, err := s.parties.OrgByPartyUUID(ctx, id)
	if err == nil {
		return OrgParty(o), nil
	}
	if !errors.Is(err, dberr.ErrNotFound) {
		return Party{}, err
	}
	p, err := s.parties.PersonByPartyUUID(ctx, id)
	if errors.Is(err, dberr.ErrNotFound) {
		return Party{}, notFound(ErrPartyNotFound, "partyUuid", id.String())
	}
	if err != nil {
		return Party{}, err
	}
	return PersonParty(p), nil
}

// MayRepresent is Register's check for a person's token (AuthorizePartyLookup
// through Authorization's ValidateSelectedParty): the person's own party,
// or an organisation the person holds a role at.
func (s *Service) MayRepresent(ctx context.Context, pid string, ownPartyID int64, party Party) (bool, error) {
	if party.PartyID == ownPartyID {
		return true, nil
	}
	if party.OrgNumber == nil || pid == "" {
		return false, nil
	}
	roles, err := s.parties.RolesOfPerson(ctx, pid)
	if err != nil {
		return false, fmt.Errorf("roles of the caller: %w", err)
	}
	for _, r := range roles {
		if r.OrgNo == *party.OrgNumber {
			return true, nil
		}
	}
	return false, nil
}

func orgOf(o parties.Organization) Organization {
	return Organization{OrgNumber: o.OrgNo, Name: o.Name, UnitType: o.OrgForm}
}

// OrgParty is an organisation as a V1 party.
func OrgParty(o parties.Organization) Party {
	org := orgOf(o)
	return Party{
		PartyID: o.PartyID, PartyUUID: o.PartyUUID,
		ExternalURN:   "urn:altinn:organization:identifier-no:" + o.OrgNo,
		PartyTypeName: PartyTypeOrganisation,
		OrgNumber:     &org.OrgNumber, UnitType: &org.UnitType, Name: o.Name,
		Organization: &org,
	}
}

// PersonParty is a person as a V1 party. The emulator keeps one name; its
// first word is the first name, its last the last name, any between the
// middle name.
func PersonParty(p parties.Person) Party {
	first, middle, last := SplitName(p.Name)
	person := Person{SSN: p.PID, Name: p.Name, FirstName: first, MiddleName: middle, LastName: last}
	return Party{
		PartyID: p.PartyID, PartyUUID: p.PartyUUID,
		ExternalURN:   "urn:altinn:person:identifier-no:" + p.PID,
		PartyTypeName: PartyTypePerson,
		SSN:           &person.SSN, Name: p.Name,
		Person: &person,
	}
}

// SplitName splits "Kari Ann Nordmann" into Kari, Ann, Nordmann.
func SplitName(name string) (first string, middle *string, last string) {
	words := strings.Fields(name)
	switch len(words) {
	case 0:
		return "", nil, ""
	case 1:
		return words[0], nil, ""
	}
	if len(words) > 2 {
		m := strings.Join(words[1:len(words)-1], " ")
		middle = &m
	}
	return words[0], middle, words[len(words)-1]
}
