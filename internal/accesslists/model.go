// Package accesslists is the resource registry's access lists
// (/resourceregistry/api/v1/access-lists): a service owner's named lists of
// organisations, connected to its resources with the actions they allow.
// A resource whose accessListMode is Enabled permits only parties on one
// of its lists (the PDP asks Allows), and the platform's internal access-list
// check (/authorization/api/v1/accesslist/accessmanagement/authorization)
// answers from the same rows.
//
// Shapes, status codes, paging and the ETag rules are those of
// Altinn/altinn-resource-registry's AccessListsController and
// AccessListMembershipsController.
package accesslists

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// List is an access list, with its resource connections when asked for.
type List struct {
	ID          uuid.UUID
	Owner       string // the service owner's org code, as the owner register spells it
	Identifier  string
	Name        string
	Description string
	Created     time.Time
	Modified    time.Time
	Version     int64
	// Connections are filled only when an include asked for them (nil
	// otherwise, and then left out of the JSON).
	Connections []Connection
}

// Connection connects a list to a resource. Actions empty: every action.
type Connection struct {
	ResourceID string
	Actions    []string
	Created    time.Time
	Modified   time.Time
}

// Member is a party on a list.
type Member struct {
	Party
	Since time.Time
}

// Party is an organisation as the register identifies it.
type Party struct {
	UUID  uuid.UUID
	ID    int64
	OrgNo string // empty for a party that is no organisation
}

// Membership is one party on one list connected to one resource: what the
// PDP and /access-lists/memberships read.
type Membership struct {
	ListOwner      string
	ListIdentifier string
	PartyUUID      uuid.UUID
	ResourceID     string
	Since          time.Time
	Actions        []string
}

// Allows says whether the membership admits action: a connection without
// actions admits every action (upstream's null actionFilters).
func (m Membership) Allows(action string) bool {
	if len(m.Actions) == 0 {
		return true
	}
	for _, a := range m.Actions {
		if a == action {
			return true
		}
	}
	return false
}

// ListURN is the list's urn as the platform names it.
func ListURN(owner, identifier string) string {
	return "urn:altinn:access-list:" + owner + ":" + identifier
}

// PartyRef is a party as a request names it: one of the three PartyUrn
// forms the registry takes.
type PartyRef struct {
	UUID  uuid.UUID
	ID    int64
	OrgNo string
}

// URN prefixes of the party and resource references.
const (
	prefixPartyUUID = "urn:altinn:party:uuid:"
	prefixPartyID   = "urn:altinn:party:id:"
	prefixOrgNo     = "urn:altinn:organization:identifier-no:"
	prefixResource  = "urn:altinn:resource:"
)

// ParsePartyURN reads urn:altinn:party:uuid:<uuid>,
// urn:altinn:party:id:<id> or urn:altinn:organization:identifier-no:<9
// digits> (upstream's PartyUrn); anything else is false.
func ParsePartyURN(s string) (PartyRef, bool) {
	switch {
	case strings.HasPrefix(s, prefixPartyUUID):
		id, err := uuid.Parse(s[len(prefixPartyUUID):])
		// uuid.Parse also takes urn:uuid: and braces; the registry takes
		// the plain 36-character form only.
		if err != nil || len(s)-len(prefixPartyUUID) != 36 {
			return PartyRef{}, false
		}
		return PartyRef{UUID: id}, true
	case strings.HasPrefix(s, prefixPartyID):
		v := s[len(prefixPartyID):]
		id, err := strconv.ParseInt(v, 10, 32)
		if err != nil || id < 0 || !allDigits(v) {
			return PartyRef{}, false
		}
		return PartyRef{ID: id}, true
	case strings.HasPrefix(s, prefixOrgNo):
		v := s[len(prefixOrgNo):]
		if len(v) != 9 || !allDigits(v) {
			return PartyRef{}, false
		}
		return PartyRef{OrgNo: v}, true
	}
	return PartyRef{}, false
}

// String is the reference as a URN.
func (p PartyRef) String() string {
	switch {
	case p.UUID != uuid.Nil:
		return prefixPartyUUID + p.UUID.String()
	case p.OrgNo != "":
		return prefixOrgNo + p.OrgNo
	}
	return prefixPartyID + strconv.FormatInt(p.ID, 10)
}

// ParseResourceURN reads urn:altinn:resource:<identifier>, the identifier
// as the registry allows it (^[a-z0-9_-]{4,}$).
func ParseResourceURN(s string) (string, bool) {
	if !strings.HasPrefix(s, prefixResource) {
		return "", false
	}
	id := s[len(prefixResource):]
	return id, validResourceID(id)
}

func validResourceID(id string) bool {
	if len(id) < 4 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ---- wire shapes (the registry's DTOs, camelCase, nulls left out) ----

// dotnetTime writes a time as .NET writes a DateTimeOffset: UTC with
// "+00:00", fractional seconds without trailing zeros.
type dotnetTime time.Time

func (t dotnetTime) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Time(t).UTC().Format("2006-01-02T15:04:05.9999999-07:00"))
}

// listDTO is AccessListInfoDto.
type listDTO struct {
	URN                 string          `json:"urn"`
	Identifier          string          `json:"identifier"`
	Name                string          `json:"name"`
	Description         string          `json:"description"`
	CreatedAt           dotnetTime      `json:"createdAt"`
	UpdatedAt           dotnetTime      `json:"updatedAt"`
	ResourceConnections []connectionDTO `json:"resourceConnections,omitempty"`
}

func toListDTO(l List) listDTO {
	d := listDTO{URN: ListURN(l.Owner, l.Identifier), Identifier: l.Identifier, Name: l.Name, Description: l.Description,
		CreatedAt: dotnetTime(l.Created), UpdatedAt: dotnetTime(l.Modified)}
	if l.Connections != nil {
		// An include with no connection is an empty array, not left out.
		d.ResourceConnections = make([]connectionDTO, 0, len(l.Connections))
		for _, c := range l.Connections {
			d.ResourceConnections = append(d.ResourceConnections, toConnectionDTO(c))
		}
	}
	return d
}

// MarshalJSON keeps resourceConnections when it is an empty array: the
// registry leaves out only null.
func (d listDTO) MarshalJSON() ([]byte, error) {
	type plain listDTO
	b, err := json.Marshal(plain(d))
	if err != nil || d.ResourceConnections == nil || len(d.ResourceConnections) > 0 {
		return b, err
	}
	return append(b[:len(b)-1], []byte(`,"resourceConnections":[]}`)...), nil
}

// connectionDTO is AccessListResourceConnectionDto: actionFilters is left
// out when there are none.
type connectionDTO struct {
	ResourceIdentifier string     `json:"resourceIdentifier"`
	ActionFilters      []string   `json:"actionFilters,omitempty"`
	CreatedAt          dotnetTime `json:"createdAt"`
	UpdatedAt          dotnetTime `json:"updatedAt"`
}

func toConnectionDTO(c Connection) connectionDTO {
	return connectionDTO{ResourceIdentifier: c.ResourceID, ActionFilters: c.Actions, CreatedAt: dotnetTime(c.Created), UpdatedAt: dotnetTime(c.Modified)}
}

// memberDTO is AccessListMembershipDto: the party uuid URN and the
// register's identifiers of the party.
type memberDTO struct {
	ID          string     `json:"id"`
	Since       dotnetTime `json:"since"`
	Identifiers identities `json:"identifiers"`
}

// identities is the KeyValueUrnDictionary of the party's identifiers,
// written in the registry's order: uuid, party id, organisation number.
type identities Party

func (p identities) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteString(`{"urn:altinn:party:uuid":"` + p.UUID.String() + `","urn:altinn:party:id":` + strconv.FormatInt(p.ID, 10))
	if p.OrgNo != "" {
		b.WriteString(`,"urn:altinn:organization:identifier-no":"` + p.OrgNo + `"`)
	}
	b.WriteString("}")
	return []byte(b.String()), nil
}

func toMemberDTO(m Member) memberDTO {
	return memberDTO{ID: prefixPartyUUID + m.UUID.String(), Since: dotnetTime(m.Since), Identifiers: identities(m.Party)}
}

// membershipDTO is AccessListResourceMembershipWithActionFilterDto.
type membershipDTO struct {
	Party         string     `json:"party"`
	Resource      string     `json:"resource"`
	Since         dotnetTime `json:"since"`
	ActionFilters []string   `json:"actionFilters,omitempty"`
}

// links and page are the registry's Paginated: {links:{next}, data:[...]}.
type links struct {
	Next *string `json:"next"`
}

type page[T any] struct {
	Links links `json:"links"`
	Data  []T   `json:"data"`
}

// listObject is the registry's ListObject: {data:[...]}.
type listObject[T any] struct {
	Data []T `json:"data"`
}
