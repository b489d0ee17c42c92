package apidelegation

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Access Management's view of delegated API access. On the platform a
// delegation scheme is a resource-registry resource of type
// MaskinportenSchema whose resourceReferences of type MaskinportenScope
// name its scopes, and a delegation is a policy rule in Access Management
// giving its one right to the supplier. Here a scheme is a row of
// api_delegation_schemes whose identifier is the resource id the API
// names, and a delegation a row of api_delegations: the same rows /token
// reads, so a delegation given through these APIs counts from the next
// grant (README, "Delegated API access").

// The attribute ids Access Management reads in delegation bodies
// (AltinnXacmlConstants.MatchAttributeIdentifiers).
const (
	attrOrgNo    = "urn:altinn:organizationnumber"
	attrPartyID  = "urn:altinn:partyid"
	attrResource = "urn:altinn:resource"
	attrPersonID = "urn:altinn:person:identifier-no"
	attrRoleCode = "urn:altinn:rolecode"
)

// ScopeAccessAction is the one right of a Maskinporten schema: its
// policy's action, and the rightKey "<resource>:ScopeAccess" of upstream's
// test data (MaskinportenSchema/DelegationCheck/scope-access-schema).
const ScopeAccessAction = "ScopeAccess"

// RegistryResource is what the Access Management API needs of a
// resource-registry resource: its type, whether it may be delegated, its
// service owner and the Maskinporten scopes its references name.
type RegistryResource struct {
	Identifier   string
	ResourceType string
	Delegable    bool
	OwnerOrgNo   string
	Title        string
	Scopes       []string
}

// Registry finds resources of the resource registry (an error wrapping
// dberr.ErrNotFound when there is none); nil: schemes only.
type Registry interface {
	RegistryResource(ctx context.Context, id string) (RegistryResource, error)
}

// AttributeMatch is Access Management's {id, value} pair.
type AttributeMatch struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// BaseRight is one right of a request: the resource it is on (an
// action, when given, is not read: a scheme has the one).
type BaseRight struct {
	Resource []AttributeMatch `json:"resource"`
}

// RightsDelegationRequest is POST …/maskinportenschema/offered's body
// (RightsDelegationRequestExternal); the revokes take the same rights with
// "to" (offered) or "from" (received).
type RightsDelegationRequest struct {
	To     []AttributeMatch `json:"to"`
	From   []AttributeMatch `json:"from"`
	Rights []BaseRight      `json:"rights"`
}

// RightDelegationResult is one right of a delegation's answer.
type RightDelegationResult struct {
	RightKey string           `json:"rightKey"`
	Resource []AttributeMatch `json:"resource"`
	Action   string           `json:"action"`
	Status   string           `json:"status"`
}

// RightsDelegationResponse is POST …/maskinportenschema/offered's 201 body.
type RightsDelegationResponse struct {
	To                     []AttributeMatch        `json:"to"`
	RightDelegationResults []RightDelegationResult `json:"rightDelegationResults"`
}

// Detail explains a delegation check's status.
type Detail struct {
	Code        string                      `json:"code"`
	Description string                      `json:"description"`
	Parameters  map[string][]DetailArgument `json:"parameters,omitempty"`
}

// DetailArgument is an attribute in a detail's parameters (Pascal case,
// as upstream's test data has it).
type DetailArgument struct {
	ID    string `json:"Id"`
	Value string `json:"Value"`
}

// RightDelegationCheckResult is one right of a delegation check's answer.
type RightDelegationCheckResult struct {
	RightKey string           `json:"rightKey"`
	Resource []AttributeMatch `json:"resource"`
	Action   string           `json:"action"`
	Status   string           `json:"status"`
	Details  []Detail         `json:"details,omitempty"`
}

// DelegationCheckRequest is POST …/maskinportenschema/delegationcheck's body.
type DelegationCheckRequest struct {
	Resource []AttributeMatch `json:"resource"`
}

// SchemaDelegation is one delegation in the offered and received lists
// (MaskinportenSchemaDelegationExternal).
type SchemaDelegation struct {
	OfferedByPartyID            int64     `json:"offeredByPartyId"`
	OfferedByName               string    `json:"offeredByName"`
	OfferedByOrganizationNumber string    `json:"offeredByOrganizationNumber"`
	CoveredByPartyID            *int64    `json:"coveredByPartyId"`
	CoveredByName               string    `json:"coveredByName"`
	CoveredByOrganizationNumber string    `json:"coveredByOrganizationNumber"`
	PerformedByUserID           int64     `json:"performedByUserId"`
	Created                     time.Time `json:"created"`
	ResourceID                  string    `json:"resourceId"`
}

// MPDelegation is one delegation as Maskinporten's lookup answers it
// (MPDelegationExternal, snake case but for delegation_scheme_Id).
type MPDelegation struct {
	ConsumerOrg        string     `json:"consumer_org"`
	SupplierOrg        string     `json:"supplier_org"`
	DelegationSchemeID *uuid.UUID `json:"delegation_scheme_Id"`
	Scopes             []string   `json:"scopes"`
	Created            *time.Time `json:"created"`
	ResourceID         string     `json:"resourceid"`
}

// aspValidation is ASP.NET's ValidationProblemDetails: errors keyed by the
// field, each with its messages, as Access Management's controllers answer
// a request the service found invalid.
func aspValidation(key, msg string) *problem.Problem {
	return aspValidationAll(map[string][]string{key: {msg}})
}

func aspValidationAll(errs map[string][]string) *problem.Problem {
	return &problem.Problem{
		Type:       "https://tools.ietf.org/html/rfc9110#section-15.5.1",
		Title:      "One or more validation errors occurred.",
		Status:     http.StatusBadRequest,
		Extensions: map[string]any{"errors": errs},
	}
}

// plainProblem is a ProblemDetails with only type, title and status, as
// the Maskinporten lookup builds its own 400 and 403.
func plainProblem(status int, typ, title string) *problem.Problem {
	return &problem.Problem{Type: typ, Title: title, Status: status}
}

// The validation messages of MaskinportenSchemaService, word for word.
const (
	msgSingleRight     = "This operation only support requests specifying a single right identifying a Maskinporten schema resource registered in the Altinn Resource Registry"
	msgNotRegistry     = "This operation only support requests for resources from the Altinn Resource Registry using the " + attrResource + " attribute id"
	msgNotAvailable    = "The resource: %s, does not exist or is not available for delegation"
	msgNotSchema       = "This operation only support requests for Maskinporten schema resources. Invalid resource: Identifier: %s, ResourceType: %s"
	msgFromNotOrg      = "Maskinporten schema delegation can only be delegated from a valid organization (identified by either " + attrOrgNo + " or " + attrPartyID + " attribute id). Invalid value: %s"
	msgToNotOrg        = "Maskinporten schema delegation can only be delegated to a valid organization (identified by either " + attrOrgNo + " or " + attrPartyID + " attribute id). Invalid value: %s"
	msgSameParty       = "Maskinporten schema delegation can not have the same party in the From and To Attributes: %s"
	msgCheckNoResource = "The specified resource is not recognized. The operation only support requests for a single resource from the Altinn Resource Registry, identified by using the " + attrResource + " attribute id."
	msgCheckNotAvail   = "The resource does not exist or is not available for delegation"
	msgCheckNotSchema  = "This operation only supports MaskinportenSchema resources. Please use the Single Rights DelegationCheck API. Invalid resource: %s. Invalid resource type: %s"
)

// resourceIDOf reads the resource registry id of a right's resource: a
// single urn:altinn:resource attribute ("" when the right names anything
// else, e.g. an app's org and app).
func resourceIDOf(attrs []AttributeMatch) string {
	if len(attrs) != 1 || attrs[0].ID != attrResource || strings.TrimSpace(attrs[0].Value) == "" {
		return ""
	}
	return attrs[0].Value
}

// firstValue is the value upstream quotes in its From/To errors: the
// first attribute's ("" when none).
func firstValue(attrs []AttributeMatch) string {
	if len(attrs) == 0 {
		return ""
	}
	return attrs[0].Value
}

// amScheme is a scheme as the Access Management API resolves a resource id.
type amScheme struct {
	Scheme
	exists bool // a scheme row exists
}

// found is what a resource id names: a registry resource (res, inRegistry)
// and a scheme row (sc, exists).
type found struct {
	res        RegistryResource
	inRegistry bool
	sc         Scheme
	exists     bool
}

// schemaResource: the registry's resource is a Maskinporten schema.
func (f found) schemaResource() bool {
	return f.inRegistry && f.res.ResourceType == "MaskinportenSchema"
}

func (s *Service) find(ctx context.Context, id string) (found, error) {
	var f found
	if s.registry != nil {
		r, err := s.registry.RegistryResource(ctx, id)
		switch {
		case err == nil:
			f.res, f.inRegistry = r, true
		case !errors.Is(err, dberr.ErrNotFound):
			return f, fmt.Errorf("resource %s: %w", id, err)
		}
	}
	sc, err := getScheme(ctx, s.pool, id)
	switch {
	case err == nil:
		f.sc, f.exists = sc, true
	case !errors.Is(err, dberr.ErrNotFound):
		return f, err
	}
	return f, nil
}

// resolveResource finds what a resource id names for Access Management:
// a MaskinportenSchema resource of the registry (for a delegation its
// scheme row is brought to the resource's scopes: the resource is the
// platform's scheme), else a scheme of the control API or seed. It answers
// upstream's validation problems for anything else; forDelegation also
// refuses a resource that is not delegable (a revoke does not ask).
func (s *Service) resolveResource(ctx context.Context, id string, forDelegation bool) (amScheme, error) {
	f, err := s.find(ctx, id)
	if err != nil {
		return amScheme{}, err
	}
	notAvailable := aspValidation("right[0].Resource", fmt.Sprintf(msgNotAvailable, id))
	switch {
	case f.schemaResource() && !forDelegation:
		return amScheme{Scheme: f.sc, exists: f.exists}, nil
	case f.schemaResource():
		if !f.res.Delegable || len(f.res.Scopes) == 0 {
			return amScheme{}, notAvailable
		}
		sc, err := s.adoptResource(ctx, f.res, f.sc, f.exists)
		if err != nil {
			return amScheme{}, err
		}
		return amScheme{Scheme: sc, exists: true}, nil
	case f.exists:
		return amScheme{Scheme: f.sc, exists: true}, nil
	case f.inRegistry:
		return amScheme{}, aspValidation("right[0].Resource", fmt.Sprintf(msgNotSchema, f.res.Identifier, f.res.ResourceType))
	}
	return amScheme{}, notAvailable
}

// adoptResource writes the scheme row of a MaskinportenSchema resource:
// the registry is the platform's record of a scheme, so its scopes, owner
// and title win over the row's. A resource whose id or owner the scheme
// table cannot hold is not available for delegation here.
func (s *Service) adoptResource(ctx context.Context, res RegistryResource, old Scheme, exists bool) (Scheme, error) {
	title := strings.TrimSpace(res.Title)
	if title == "" {
		title = res.Identifier
	}
	if len(title) > 255 {
		// Cut on a character boundary: half a character is no UTF-8.
		cut := 255
		for cut > 0 && !utf8.RuneStart(title[cut]) {
			cut--
		}
		title = title[:cut]
	}
	sc := Scheme{Identifier: res.Identifier, OwnerOrgNo: res.OwnerOrgNo, Scopes: res.Scopes, Title: title, Created: s.now()}
	if exists {
		sc.Description, sc.Created = old.Description, old.Created
	}
	if errs := ValidateScheme(NewScheme{Identifier: sc.Identifier, OwnerOrgNo: sc.OwnerOrgNo, Scopes: sc.Scopes, Title: sc.Title}); len(errs) > 0 {
		return Scheme{}, aspValidation("right[0].Resource", fmt.Sprintf(msgNotAvailable, res.Identifier))
	}
	if exists {
		if old.OwnerOrgNo == sc.OwnerOrgNo && old.Title == sc.Title && equalStrings(old.Scopes, sc.Scopes) {
			return old, nil
		}
		return sc, updateScheme(ctx, s.pool, sc)
	}
	err := insertScheme(ctx, s.pool, sc)
	if errors.Is(err, dberr.ErrConflict) {
		// Adopted by a request at the same time: read its row.
		return getScheme(ctx, s.pool, sc.Identifier)
	}
	return sc, err
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// orgOf resolves a From or To attribute to an organisation: by
// organisation number or by party id (ok false when it names no
// organisation: a person, an unknown party, another attribute).
func (s *Service) orgOf(ctx context.Context, attrs []AttributeMatch) (parties.Organization, bool, error) {
	if len(attrs) == 0 {
		return parties.Organization{}, false, nil
	}
	var o parties.Organization
	var err error
	switch a := attrs[0]; a.ID {
	case attrOrgNo:
		if !parties.ValidOrgNo(a.Value, true) {
			return o, false, nil
		}
		o, err = s.orgs.Org(ctx, a.Value)
	case attrPartyID:
		var id int64
		if _, scanErr := fmt.Sscan(a.Value, &id); scanErr != nil || id <= 0 {
			return o, false, nil
		}
		o, err = s.orgs.OrgByPartyID(ctx, id)
	default:
		return o, false, nil
	}
	if errors.Is(err, dberr.ErrNotFound) {
		return o, false, nil
	}
	if err != nil {
		return o, false, fmt.Errorf("organisation of %s: %w", attrs[0].Value, err)
	}
	return o, true, nil
}

// amAction is what a delegate or revoke resolved: the scheme and the two
// organisations.
type amAction struct {
	scheme   amScheme
	from, to parties.Organization
}

// validateAction checks a delegate or revoke as MaskinportenSchemaService's
// ValidateMaskinportenDelegationModel does, in its order: one right, a
// registry resource id, a Maskinporten schema (delegable, for a
// delegation), an organisation at each end, two different ones (for a
// delegation).
func (s *Service) validateAction(ctx context.Context, rights []BaseRight, from, to []AttributeMatch, delegation bool) (amAction, error) {
	if len(rights) != 1 {
		return amAction{}, aspValidation("Rights", msgSingleRight)
	}
	id := resourceIDOf(rights[0].Resource)
	if id == "" {
		return amAction{}, aspValidation("right[0].Resource", msgNotRegistry)
	}
	sc, err := s.resolveResource(ctx, id, delegation)
	if err != nil {
		return amAction{}, err
	}
	fromOrg, ok, err := s.orgOf(ctx, from)
	if err != nil {
		return amAction{}, err
	}
	if !ok {
		return amAction{}, aspValidation("From", fmt.Sprintf(msgFromNotOrg, firstValue(from)))
	}
	toOrg, ok, err := s.orgOf(ctx, to)
	if err != nil {
		return amAction{}, err
	}
	if !ok {
		return amAction{}, aspValidation("To", fmt.Sprintf(msgToNotOrg, firstValue(to)))
	}
	if delegation && fromOrg.OrgNo == toOrg.OrgNo {
		return amAction{}, aspValidation("To", fmt.Sprintf(msgSameParty, firstValue(to)))
	}
	return amAction{scheme: sc, from: fromOrg, to: toOrg}, nil
}

// scopeAccessRight is the scheme's one right, as the answers name it.
func scopeAccessRight(id string) (string, []AttributeMatch) {
	return id + ":" + ScopeAccessAction, []AttributeMatch{{ID: attrResource, Value: id}}
}

// DelegateSchema is POST {party}/maskinportenschema/offered: the party
// (from) gives the resource's scheme to the organisation in to; pid is
// the person doing it. Giving what is already given answers the same, as
// writing the same rule again does upstream.
func (s *Service) DelegateSchema(ctx context.Context, from parties.Organization, in RightsDelegationRequest, pid string) (RightsDelegationResponse, error) {
	act, err := s.validateAction(ctx, in.Rights, []AttributeMatch{{ID: attrOrgNo, Value: from.OrgNo}}, in.To, true)
	if err != nil {
		return RightsDelegationResponse{}, err
	}
	if _, _, err := s.Delegate(ctx, NewDelegation{Scheme: act.scheme.Identifier, ConsumerOrgNo: act.from.OrgNo, SupplierOrgNo: act.to.OrgNo}, pid); err != nil {
		return RightsDelegationResponse{}, err
	}
	key, res := scopeAccessRight(act.scheme.Identifier)
	return RightsDelegationResponse{To: in.To, RightDelegationResults: []RightDelegationResult{
		{RightKey: key, Resource: res, Action: ScopeAccessAction, Status: "Delegated"}}}, nil
}

// RevokeSchema is POST {party}/maskinportenschema/offered/revoke (from is
// the party) and …/received/revoke (to is the party): the live delegation
// of the scheme between the two is withdrawn. Like upstream it answers
// the same when there was none to withdraw.
func (s *Service) RevokeSchema(ctx context.Context, rights []BaseRight, from, to []AttributeMatch, pid string) error {
	act, err := s.validateAction(ctx, rights, from, to, false)
	if err != nil {
		return err
	}
	if !act.scheme.exists {
		return nil
	}
	_, err = withdrawLive(ctx, s.pool, act.scheme.Identifier, act.from.OrgNo, act.to.OrgNo, s.now(), pid)
	return err
}

// Offered lists the live delegations the organisation gave; Received the
// ones it was given.
func (s *Service) Offered(ctx context.Context, org parties.Organization) ([]SchemaDelegation, error) {
	return s.schemaDelegations(ctx, Filter{ConsumerOrgNo: org.OrgNo})
}

// Received lists the live delegations other organisations gave org.
func (s *Service) Received(ctx context.Context, org parties.Organization) ([]SchemaDelegation, error) {
	return s.schemaDelegations(ctx, Filter{SupplierOrgNo: org.OrgNo})
}

func (s *Service) schemaDelegations(ctx context.Context, f Filter) ([]SchemaDelegation, error) {
	ds, err := listDelegations(ctx, s.pool, f)
	if err != nil {
		return nil, err
	}
	orgs := map[string]parties.Organization{}
	org := func(no string) (parties.Organization, error) {
		if o, ok := orgs[no]; ok {
			return o, nil
		}
		o, err := s.orgs.Org(ctx, no)
		if err != nil && !errors.Is(err, dberr.ErrNotFound) {
			return o, fmt.Errorf("organisation %s: %w", no, err)
		}
		o.OrgNo = no
		orgs[no] = o
		return o, nil
	}
	users := map[string]int64{}
	out := make([]SchemaDelegation, 0, len(ds))
	for _, d := range ds {
		c, err := org(d.ConsumerOrgNo)
		if err != nil {
			return nil, err
		}
		sp, err := org(d.SupplierOrgNo)
		if err != nil {
			return nil, err
		}
		uid, ok := users[d.CreatedBy]
		if !ok && d.CreatedBy != "" {
			p, err := s.orgs.Person(ctx, d.CreatedBy)
			if err != nil && !errors.Is(err, dberr.ErrNotFound) {
				return nil, fmt.Errorf("person who delegated: %w", err)
			}
			uid, users[d.CreatedBy] = p.UserID, p.UserID
		}
		covered := sp.PartyID
		out = append(out, SchemaDelegation{OfferedByPartyID: c.PartyID, OfferedByName: c.Name, OfferedByOrganizationNumber: c.OrgNo,
			CoveredByPartyID: &covered, CoveredByName: sp.Name, CoveredByOrganizationNumber: sp.OrgNo,
			PerformedByUserID: uid, Created: d.Created, ResourceID: d.Scheme})
	}
	return out, nil
}

// MaskinportenLookup is Maskinporten's GET maskinporten/delegations: the
// live delegations of every scheme holding scope (every scheme when scope
// is ""), narrowed to a consumer and a supplier when given. Each names
// all of its scheme's scopes. The organisations must be known (400 as
// upstream's ArgumentException, consumer first).
func (s *Service) MaskinportenLookup(ctx context.Context, supplier, consumer, scope string) ([]MPDelegation, error) {
	for _, o := range []struct{ name, no string }{{"consumerOrg", consumer}, {"supplierOrg", supplier}} {
		if o.no == "" {
			continue
		}
		if _, err := s.orgs.Org(ctx, o.no); errors.Is(err, dberr.ErrNotFound) {
			return nil, aspValidation(o.name, fmt.Sprintf("The specified %s: %s, is not a valid organization number", o.name, o.no))
		} else if err != nil {
			return nil, fmt.Errorf("organisation %s: %w", o.no, err)
		}
	}
	ds, err := lookupDelegations(ctx, s.pool, consumer, supplier, scope)
	if err != nil {
		return nil, err
	}
	out := make([]MPDelegation, 0, len(ds))
	for _, d := range ds {
		created := d.Created
		out = append(out, MPDelegation{ConsumerOrg: d.ConsumerOrgNo, SupplierOrg: d.SupplierOrgNo, Scopes: d.Scopes, Created: &created, ResourceID: d.Scheme})
	}
	return out, nil
}

// DelegationCheck is POST {party}/maskinportenschema/delegationcheck: what
// the person may delegate of the resource for org. A person who reached
// it may manage the organisation's access, so the scheme's one right is
// Delegable, through the roles the person holds there.
func (s *Service) DelegationCheck(ctx context.Context, org parties.Organization, pid string, in DelegationCheckRequest) ([]RightDelegationCheckResult, error) {
	id := resourceIDOf(in.Resource)
	if id == "" {
		return nil, aspValidation("right[0].Resource", msgCheckNoResource)
	}
	f, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	switch {
	case f.schemaResource() && (!f.res.Delegable || len(f.res.Scopes) == 0):
		return nil, aspValidation("right[0].Resource", msgCheckNotAvail)
	case f.schemaResource(), f.exists:
	case f.inRegistry:
		return nil, aspValidation("right[0].Resource", fmt.Sprintf(msgCheckNotSchema, id, f.res.ResourceType))
	default:
		return nil, aspValidation("right[0].Resource", msgCheckNotAvail)
	}
	roles, err := s.orgs.RolesOfPerson(ctx, pid)
	if err != nil {
		return nil, fmt.Errorf("roles of the person: %w", err)
	}
	var codes []string
	var args []DetailArgument
	for _, r := range roles {
		if r.OrgNo == org.OrgNo && parties.CanManageAccess(r.RoleCode) {
			codes = append(codes, attrRoleCode+":"+r.RoleCode)
			args = append(args, DetailArgument{ID: attrRoleCode, Value: r.RoleCode})
		}
	}
	key, res := scopeAccessRight(id)
	out := RightDelegationCheckResult{RightKey: key, Resource: res, Action: ScopeAccessAction, Status: "Delegable"}
	if len(codes) > 0 {
		out.Details = []Detail{{Code: "RoleAccess",
			Description: "Delegator have access through having one of the following role(s) for the reportee party: " + strings.Join(codes, ", ") +
				". Note: if the user is a Main Administrator (HADM) the user might not have direct access to the role other than for delegation purposes.",
			Parameters: map[string][]DetailArgument{"RoleRequirementsMatches": args}}}
	}
	return []RightDelegationCheckResult{out}, nil
}
