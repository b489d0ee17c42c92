// Package registry is the system register (Altinn Authentication's
// SystemRegisterController): vendors
// register the systems their customers will create system users for, with
// the rights and access packages those system users may get and the
// Maskinporten clients the system uses.
package registry

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// AttributePair is one attribute of a right's resource, e.g.
// {"id":"urn:altinn:resource","value":"ske-krav-og-betalinger"}.
type AttributePair struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// Right is a resource a system may be given rights to.
type Right struct {
	Action   string          `json:"action,omitempty"`
	Resource []AttributePair `json:"resource"`
}

// AccessPackageRef names an access package by URN.
type AccessPackageRef struct {
	URN string `json:"urn"`
}

// VendorInfo is the vendor as the platform's JSON carries it — note the
// capital "ID".
type VendorInfo struct {
	Authority string `json:"authority"`
	ID        string `json:"ID"`
}

// VendorAuthority is the only authority the platform accepts.
const VendorAuthority = "iso6523-actorid-upis"

// VendorFor returns the VendorInfo for an organisation number.
func VendorFor(orgNo string) VendorInfo {
	return VendorInfo{Authority: VendorAuthority, ID: "0192:" + orgNo}
}

// OrgNo is the organisation number in ID (without "0192:").
func (v VendorInfo) OrgNo() string {
	_, no, _ := strings.Cut(v.ID, ":")
	return no
}

// RegisteredSystem is a system in the register.
type RegisteredSystem struct {
	InternalID          uuid.UUID          `json:"-"`
	ID                  string             `json:"id"`
	Vendor              string             `json:"-"` // organisation number
	Name                map[string]string  `json:"name"`
	Description         map[string]string  `json:"description"`
	Rights              []Right            `json:"rights"`
	AccessPackages      []AccessPackageRef `json:"accessPackages"`
	ClientIDs           []string           `json:"clientId"`
	AllowedRedirectURLs []string           `json:"allowedRedirectUrls"`
	IsVisible           bool               `json:"isVisible"`
	IsDeleted           bool               `json:"isDeleted"`
	// Version is bumped by every change; the HTTP API sends it as the ETag.
	Version     int64     `json:"-"`
	Created     time.Time `json:"-"`
	LastChanged time.Time `json:"-"`
}

// MarshalJSON writes the vendor GET shape (RegisteredSystemResponse):
// id, vendor{authority,ID}, name, description, rights, accessPackages,
// isDeleted, clientId, isVisible, allowedRedirectUrls.
func (s RegisteredSystem) MarshalJSON() ([]byte, error) {
	return json.Marshal(systemResponse{
		ID: s.ID, Vendor: VendorFor(s.Vendor), Name: s.Name, Description: s.Description,
		Rights: nonNil(s.Rights), AccessPackages: nonNil(s.AccessPackages), IsDeleted: s.IsDeleted,
		ClientID: nonNil(s.ClientIDs), IsVisible: s.IsVisible, AllowedRedirectURLs: nonNil(s.AllowedRedirectURLs),
	})
}

type systemResponse struct {
	ID                  string             `json:"id"`
	Vendor              VendorInfo         `json:"vendor"`
	Name                map[string]string  `json:"name"`
	Description         map[string]string  `json:"description"`
	Rights              []Right            `json:"rights"`
	AccessPackages      []AccessPackageRef `json:"accessPackages"`
	IsDeleted           bool               `json:"isDeleted"`
	ClientID            []string           `json:"clientId"`
	IsVisible           bool               `json:"isVisible"`
	AllowedRedirectURLs []string           `json:"allowedRedirectUrls"`
}

// SystemDTO is the list/portal shape (RegisteredSystemDTO).
type SystemDTO struct {
	SystemID              string             `json:"systemId"`
	SystemVendorOrgNumber string             `json:"systemVendorOrgNumber"`
	SystemVendorOrgName   string             `json:"systemVendorOrgName"`
	Name                  map[string]string  `json:"name"`
	Description           map[string]string  `json:"description"`
	Rights                []Right            `json:"rights"`
	AccessPackages        []AccessPackageRef `json:"accessPackages"`
	IsVisible             bool               `json:"isVisible"`
}

// DTO returns the list/portal shape of s.
func (s RegisteredSystem) DTO() SystemDTO {
	return SystemDTO{
		SystemID: s.ID, SystemVendorOrgNumber: s.Vendor, SystemVendorOrgName: "",
		Name: s.Name, Description: s.Description, Rights: nonNil(s.Rights),
		AccessPackages: nonNil(s.AccessPackages), IsVisible: s.IsVisible,
	}
}

// dtos returns the list shape of systems ([] when none).
func dtos(systems []RegisteredSystem) []SystemDTO {
	out := make([]SystemDTO, 0, len(systems))
	for _, sys := range systems {
		out = append(out, sys.DTO())
	}
	return out
}

// RegisterRequest is the POST/PUT body (RegisterSystemRequest). Decode it
// into the value NewRegisterRequest returns so that isVisible defaults to
// true like the platform's.
type RegisterRequest struct {
	ID                  string             `json:"id"`
	Vendor              VendorInfo         `json:"vendor"`
	Name                map[string]string  `json:"name"`
	Description         map[string]string  `json:"description"`
	Rights              []Right            `json:"rights"`
	AccessPackages      []AccessPackageRef `json:"accessPackages"`
	ClientID            []string           `json:"clientId"`
	IsVisible           bool               `json:"isVisible"`
	AllowedRedirectURLs []string           `json:"allowedRedirectUrls"`

	// missing are the required members a decoded body left out.
	missing []string
}

// requiredMembers are the members the platform's RegisterSystemRequest
// marks required: a body without one fails model binding with 400 before
// any other check (a PUT without id or vendor is a 400, not a 404).
var requiredMembers = []string{"id", "vendor", "name", "description"}

// UnmarshalJSON decodes as usual and notes which required members the
// body does not have (names match case-insensitively, as everywhere).
func (r *RegisterRequest) UnmarshalJSON(b []byte) error {
	type plain RegisterRequest
	p := plain(*r)
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return err
	}
	seen := map[string]bool{}
	for k := range members {
		seen[strings.ToLower(k)] = true
	}
	p.missing = nil
	for _, m := range requiredMembers {
		if !seen[m] {
			p.missing = append(p.missing, m)
		}
	}
	*r = RegisterRequest(p)
	return nil
}

// missingMembers is ASP.NET's answer to a body without required members.
func (r RegisterRequest) missingMembers() error {
	if len(r.missing) == 0 {
		return nil
	}
	names := make([]string, len(r.missing))
	for i, m := range r.missing {
		names[i] = "'" + m + "'"
	}
	detail := "JSON deserialization for type 'Altinn.Platform.Authentication.Core.SystemRegister.Models.RegisterSystemRequest' was missing required properties including: " + strings.Join(names, ", ") + "."
	p := problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Invalid JSON", Detail: detail, Paths: []string{"$"}})
	p.Detail = detail
	return p
}

// NewRegisterRequest returns a body with the platform's defaults.
func NewRegisterRequest() RegisterRequest { return RegisterRequest{IsVisible: true} }

// UpdateResult is the body of a successful update or delete.
type UpdateResult struct {
	Succeeded bool `json:"succeeded"`
}

// ChangeLog is one entry of a system's change log.
type ChangeLog struct {
	SystemInternalID   uuid.UUID       `json:"systemInternalId"`
	ChangedByOrgNumber string          `json:"changedByOrgNumber"`
	ChangeType         string          `json:"changeType"`
	ChangedData        json.RawMessage `json:"changedData"`
	ClientID           string          `json:"clientId"`
	Created            time.Time       `json:"created"`
}

// Change types as the JSON carries them.
const (
	ChangeCreate              = "create"
	ChangeUpdate              = "update"
	ChangeRightsUpdate        = "rightsupdate"
	ChangeAccessPackageUpdate = "accesspackageupdate"
	ChangeDelete              = "delete"
)

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// The change log's changedData is what the platform stores: its request
// objects serialized with .NET's default JSON options, so property names
// are PascalCase except where the model names them (vendor "ID", a
// resource's "id"/"value"), a right without action has "Action": null,
// and the vendor's authority is left out (it is a field, which the .NET
// serializer skips). Missing lists are empty lists, as the platform's
// model defaults them.
type (
	loggedSystem struct {
		ID                  string            `json:"Id"`
		Vendor              loggedVendor      `json:"Vendor"`
		Name                map[string]string `json:"Name"`
		Description         map[string]string `json:"Description"`
		Rights              []loggedRight     `json:"Rights"`
		AccessPackages      []loggedPackage   `json:"AccessPackages"`
		ClientID            []string          `json:"ClientId"`
		IsVisible           bool              `json:"IsVisible"`
		AllowedRedirectURLs []string          `json:"AllowedRedirectUrls"`
	}
	loggedVendor struct {
		ID string `json:"ID"`
	}
	loggedRight struct {
		Action   *string         `json:"Action"`
		Resource []AttributePair `json:"Resource"`
	}
	loggedPackage struct {
		URN string `json:"Urn"`
	}
)

func logSystem(r RegisterRequest) loggedSystem {
	return loggedSystem{
		ID: r.ID, Vendor: loggedVendor{ID: r.Vendor.ID}, Name: r.Name, Description: r.Description,
		Rights: logRights(r.Rights), AccessPackages: logPackages(r.AccessPackages), ClientID: nonNil(r.ClientID),
		IsVisible: r.IsVisible, AllowedRedirectURLs: nonNil(r.AllowedRedirectURLs),
	}
}

func logRights(rs []Right) []loggedRight {
	out := make([]loggedRight, 0, len(rs))
	for _, r := range rs {
		lr := loggedRight{Resource: nonNil(r.Resource)}
		if r.Action != "" {
			a := r.Action
			lr.Action = &a
		}
		out = append(out, lr)
	}
	return out
}

func logPackages(ps []AccessPackageRef) []loggedPackage {
	out := make([]loggedPackage, 0, len(ps))
	for _, p := range ps {
		out = append(out, loggedPackage{URN: p.URN})
	}
	return out
}
