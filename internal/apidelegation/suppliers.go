package apidelegation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/amdto"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Access Management's end-user API for delegated API access
// (MaskinportenSuppliersController, MaskinportenConsumersController and
// MaskinportenSupplierService upstream), which replaced the
// maskinportenschema API: a consumer first makes an organisation its
// supplier (an assignment of the role "supplier"), then delegates schemes
// to it; the supplier sees its consumers and may give either back. The
// assignment is a row of api_delegation_suppliers, a delegation the same
// api_delegations row /token, the portal and the older API read.

// The supplier role (RoleConstants.Supplier).
var supplierRole = amdto.CompactRole{ID: uuid.MustParse("961f6ebb-ecf7-4fc6-ab5a-ca0841db4931"), Code: "supplier", URN: "urn:altinn:role:supplier"}

const schemaType = "MaskinportenSchema"

// idSpace derives the ids Access Management gives resources and their
// type, which the emulator's registry has none of: the same name always
// gives the same id.
var idSpace = uuid.MustParse("6f1d3c52-8a7e-4f0b-9d61-2c4b8e7a9f10")

// Errors of MaskinportenSupplierService (Problems and ValidationErrors
// upstream). The library upstream uses (Altinn.Authorization.ProblemDetails
// 4) puts a descriptor's text in detail; the emulator's Access Management
// problems carry it in title, so these carry it in both.
var (
	amMissingConnection    = problem.Descriptor{Code: "AM-00022", Status: 400, Title: "Operation can not be completed, because it requires an existing connection between the parties."}
	amPartyNotFound        = problem.Descriptor{Code: "AM-00023", Status: 400, Title: "The provided identifier cannot be found as a valid party for the operation."}
	amInvalidResource      = problem.Descriptor{Code: "AM-00027", Status: 400, Title: "The resource is invalid"}
	amResourceNotDelegable = problem.Descriptor{Code: "AM-00042", Status: 400, Title: "The resource is not available for delegation"}

	amVldInvalidQuery        = problem.ValidationDescriptor{Code: "AM.VLD-00009", Title: "One or more query parameters are invalid."}
	amVldResourcesDelegated  = problem.ValidationDescriptor{Code: "AM.VLD-00031", Title: "Assignment has resources delegated."}
	amVldInvalidResourceType = problem.ValidationDescriptor{Code: "AM.VLD-00032", Title: "Invalid resource type."}
)

// amProblem is a descriptor's problem with its text as detail too.
func amProblem(d problem.Descriptor) *problem.Problem { return d.WithDetail("%s", d.Title) }

// amVld is one validation error at path with upstream's message as an
// extension member named key.
func amVld(d problem.ValidationDescriptor, path, key, msg string) problem.ValidationError {
	e := d.At(path)
	e.Extensions = map[string]any{key: msg}
	return e
}

// selfProblem: the party and the other organisation are the same
// (EntityValidation.FromIsNotTo, whose names are "party" and "supplier"
// from either controller).
func selfProblem() error {
	const msg = "An organization cannot delegate to itself."
	return problem.Validation(amVld(amVldInvalidQuery, "QUERY/party", "party", msg), amVld(amVldInvalidQuery, "QUERY/supplier", "supplier", msg))
}

// Assignment is AssignmentDto: the supplier assignment.
type Assignment struct {
	ID     uuid.UUID `json:"id"`
	RoleID uuid.UUID `json:"roleId"`
	FromID uuid.UUID `json:"fromId"`
	ToID   uuid.UUID `json:"toId"`
}

// Connection is ConnectionDto: the other organisation and the supplier
// role (the lists a supplier connection has none of are empty).
type Connection struct {
	Party       amdto.CompactEntity `json:"party"`
	Roles       []amdto.CompactRole `json:"roles"`
	Packages    []any               `json:"packages"`
	Resources   []any               `json:"resources"`
	Instances   []any               `json:"instances"`
	Connections []any               `json:"connections"`
}

// ResourceType is ResourceTypeDto.
type ResourceType struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
}

// AMResource is ResourceDto: a scheme as Access Management's resource.
// Its provider is not given (null), as upstream's lists leave it out.
type AMResource struct {
	ID          uuid.UUID     `json:"id"`
	ProviderID  uuid.UUID     `json:"providerId"`
	TypeID      uuid.UUID     `json:"typeId"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	RefID       string        `json:"refId"`
	Provider    any           `json:"provider"`
	Type        *ResourceType `json:"type"`
}

// Permission is PermissionDto: one delegation of a resource.
type Permission struct {
	From    amdto.CompactEntity  `json:"from"`
	To      amdto.CompactEntity  `json:"to"`
	Via     *amdto.CompactEntity `json:"via"`
	Role    amdto.CompactRole    `json:"role"`
	ViaRole *amdto.CompactRole   `json:"viaRole"`
	Reason  any                  `json:"reason"`
}

// ResourcePermission is ResourcePermissionDto: a resource and its
// delegations.
type ResourcePermission struct {
	Resource    AMResource   `json:"resource"`
	Permissions []Permission `json:"permissions"`
}

// Attribute is AttributeDto.
type Attribute struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Right is RightDto.
type Right struct {
	Key      string      `json:"key"`
	Name     string      `json:"name"`
	Resource []Attribute `json:"resource"`
	Action   Attribute   `json:"action"`
}

// RightCheck is RightCheckDto.
type RightCheck struct {
	Right       Right    `json:"right"`
	Result      bool     `json:"result"`
	ReasonCodes []string `json:"reasonCodes"`
}

// ResourceCheck is ResourceCheckDto: what the person may delegate of the
// resource.
type ResourceCheck struct {
	Resource AMResource   `json:"resource"`
	Rights   []RightCheck `json:"rights"`
}

const attrActionID = "urn:oasis:names:tc:xacml:1.0:action:action-id"

// ScopeAccessRightKey is the key Access Management gives the scheme's one
// right: "01" and the SHA-256 of its lower-cased resource and action
// attributes (DelegationCheckHelper.CalculateRightKeys).
func ScopeAccessRightKey(resource string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(attrResource + ":" + resource + ":" + attrActionID + ":" + ScopeAccessAction)))
	return "01" + hex.EncodeToString(sum[:])
}

func compactEntity(o parties.Organization) amdto.CompactEntity {
	return amdto.CompactEntity{ID: o.PartyUUID, Name: o.Name, Type: "Organisasjon", Variant: o.OrgForm, PartyID: o.PartyID, OrganizationIdentifier: o.OrgNo}
}

// amResource is the scheme sc (or the registry resource res when there
// is no scheme row yet) as Access Management's resource.
func amResource(f found) AMResource {
	id, name, desc, owner := f.sc.Identifier, f.sc.Title, f.sc.Description, f.sc.OwnerOrgNo
	if !f.exists {
		id, name, owner = f.res.Identifier, f.res.Title, f.res.OwnerOrgNo
	}
	typ := ResourceType{ID: uuid.NewSHA1(idSpace, []byte("resourcetype:"+schemaType)), Name: schemaType}
	return AMResource{ID: uuid.NewSHA1(idSpace, []byte("resource:"+id)), ProviderID: uuid.NewSHA1(idSpace, []byte("provider:"+owner)),
		TypeID: typ.ID, Name: name, Description: desc, RefID: id, Type: &typ}
}

// supplierResource resolves a resource id as GetResourceByRefId does: a
// MaskinportenSchema resource of the registry or a scheme of the
// emulator's own; a registry resource of another type is AM.VLD-00032,
// anything else AM-00027.
func (s *Service) supplierResource(ctx context.Context, id string) (found, error) {
	f, err := s.find(ctx, id)
	if err != nil {
		return f, err
	}
	switch {
	case f.schemaResource(), f.exists:
		return f, nil
	case f.inRegistry:
		return f, problem.Validation(amVld(amVldInvalidResourceType, "QUERY/resource", "resourceType",
			fmt.Sprintf("Resource '%s' must be of type '%s'.", id, schemaType)))
	}
	return f, amProblem(amInvalidResource)
}

// delegable: a registry resource must be delegable and name scopes; a
// scheme of the emulator's own always is.
func (f found) delegable() bool {
	return !f.schemaResource() || (f.res.Delegable && len(f.res.Scopes) > 0)
}

// orgCache looks organisations up once per request.
type orgCache struct {
	s    *Service
	seen map[string]parties.Organization
}

func (c *orgCache) get(ctx context.Context, no string) (parties.Organization, error) {
	if o, ok := c.seen[no]; ok {
		return o, nil
	}
	o, err := c.s.orgs.Org(ctx, no)
	if err != nil && !errors.Is(err, dberr.ErrNotFound) {
		return o, fmt.Errorf("organisation %s: %w", no, err)
	}
	o.OrgNo = no
	if c.seen == nil {
		c.seen = map[string]parties.Organization{}
	}
	c.seen[no] = o
	return o, nil
}

// AddSupplier makes supplier consumer's supplier (POST
// maskinportensuppliers); making it again answers the same assignment.
func (s *Service) AddSupplier(ctx context.Context, consumer, supplier parties.Organization, by string) (Assignment, error) {
	if consumer.OrgNo == supplier.OrgNo {
		return Assignment{}, selfProblem()
	}
	var a SupplierAssignment
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		var err error
		a, err = ensureSupplier(ctx, q, consumer.OrgNo, supplier.OrgNo, s.now(), by)
		return err
	})
	if err != nil {
		return Assignment{}, err
	}
	return Assignment{ID: a.ID, RoleID: supplierRole.ID, FromID: consumer.PartyUUID, ToID: supplier.PartyUUID}, nil
}

// RemoveSupplier ends supplier's assignment from consumer (DELETE
// maskinportensuppliers, and maskinportenconsumers from the supplier's
// side). While delegations lie under it, cascade must be set, and they
// are withdrawn with it, in one transaction. No assignment: nothing to do.
func (s *Service) RemoveSupplier(ctx context.Context, consumer, supplier parties.Organization, cascade bool, by string) error {
	if consumer.OrgNo == supplier.OrgNo {
		return selfProblem()
	}
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		_, ok, err := lockSupplier(ctx, q, consumer.OrgNo, supplier.OrgNo, false)
		if err != nil || !ok {
			return err
		}
		live, err := listDelegations(ctx, q, Filter{ConsumerOrgNo: consumer.OrgNo, SupplierOrgNo: supplier.OrgNo})
		if err != nil {
			return err
		}
		if len(live) > 0 && !cascade {
			return problem.Validation(amVld(amVldResourcesDelegated, "QUERY/cascade", "assignmentResources",
				"Cannot remove supplier assignment while resources are still delegated. Use cascade=true or remove resources first."))
		}
		if _, err := withdrawAllLive(ctx, q, consumer.OrgNo, supplier.OrgNo, s.now(), by); err != nil {
			return err
		}
		return deleteSupplier(ctx, q, consumer.OrgNo, supplier.OrgNo)
	})
}

// Suppliers lists consumer's suppliers (only supplier when set).
func (s *Service) Suppliers(ctx context.Context, consumer parties.Organization, supplier string) ([]Connection, error) {
	as, err := listSuppliers(ctx, s.pool, consumer.OrgNo, supplier)
	if err != nil {
		return nil, err
	}
	return s.connections(ctx, as, func(a SupplierAssignment) string { return a.SupplierOrgNo })
}

// Consumers lists the organisations that made supplier their supplier
// (only consumer when set).
func (s *Service) Consumers(ctx context.Context, supplier parties.Organization, consumer string) ([]Connection, error) {
	as, err := listSuppliers(ctx, s.pool, consumer, supplier.OrgNo)
	if err != nil {
		return nil, err
	}
	return s.connections(ctx, as, func(a SupplierAssignment) string { return a.ConsumerOrgNo })
}

func (s *Service) connections(ctx context.Context, as []SupplierAssignment, other func(SupplierAssignment) string) ([]Connection, error) {
	orgs := orgCache{s: s}
	out := make([]Connection, 0, len(as))
	for _, a := range as {
		o, err := orgs.get(ctx, other(a))
		if err != nil {
			return nil, err
		}
		out = append(out, Connection{Party: compactEntity(o), Roles: []amdto.CompactRole{supplierRole},
			Packages: []any{}, Resources: []any{}, Instances: []any{}, Connections: []any{}})
	}
	return out, nil
}

// DelegatedResources lists the live delegations matching f grouped by
// scheme, in the order each scheme was first delegated.
func (s *Service) DelegatedResources(ctx context.Context, f Filter) ([]ResourcePermission, error) {
	ds, err := listDelegations(ctx, s.pool, f)
	if err != nil {
		return nil, err
	}
	orgs := orgCache{s: s}
	var out []ResourcePermission
	at := map[string]int{}
	for _, d := range ds {
		i, ok := at[d.Scheme]
		if !ok {
			sc, err := getScheme(ctx, s.pool, d.Scheme)
			if err != nil {
				return nil, err
			}
			i, at[d.Scheme] = len(out), len(out)
			out = append(out, ResourcePermission{Resource: amResource(found{sc: sc, exists: true}), Permissions: []Permission{}})
		}
		from, err := orgs.get(ctx, d.ConsumerOrgNo)
		if err != nil {
			return nil, err
		}
		to, err := orgs.get(ctx, d.SupplierOrgNo)
		if err != nil {
			return nil, err
		}
		out[i].Permissions = append(out[i].Permissions, Permission{From: compactEntity(from), To: compactEntity(to), Role: supplierRole})
	}
	if out == nil {
		out = []ResourcePermission{}
	}
	return out, nil
}

// SupplierDelegationCheck is GET maskinportensuppliers/resources/
// delegationcheck: what the person may delegate of the resource for
// consumer. Whoever reached it may manage the organisation's access (its
// RoleAccess); the scheme's one right is delegable unless the registry's
// resource is not (ResourceNotDelegable). Anything but a Maskinporten
// schema is AM-00027, as the check upstream answers.
func (s *Service) SupplierDelegationCheck(ctx context.Context, id string) (ResourceCheck, error) {
	f, err := s.find(ctx, id)
	if err != nil {
		return ResourceCheck{}, err
	}
	if !f.schemaResource() && !f.exists {
		return ResourceCheck{}, amProblem(amInvalidResource)
	}
	rc := RightCheck{Right: scopeAccess(f), Result: true, ReasonCodes: []string{"RoleAccess"}}
	if !f.delegable() {
		rc.Result = false
		rc.ReasonCodes = append(rc.ReasonCodes, "ResourceNotDelegable")
	}
	return ResourceCheck{Resource: amResource(f), Rights: []RightCheck{rc}}, nil
}

func scopeAccess(f found) Right {
	id := f.sc.Identifier
	if !f.exists {
		id = f.res.Identifier
	}
	return Right{Key: ScopeAccessRightKey(id), Name: ScopeAccessAction, Resource: []Attribute{{Type: attrResource, Value: id}},
		Action: Attribute{Type: attrActionID, Value: ScopeAccessAction}}
}

// AddSupplierResource delegates the resource's scheme from consumer to
// supplier (POST maskinportensuppliers/resources), in upstream's order:
// the two organisations, the resource, whether it may be delegated, then
// the supplier assignment, which must exist (AM-00022). The assignment is
// locked while the delegation is written, so a removal at the same time
// cannot leave the delegation without it. Delegating it again changes
// nothing.
func (s *Service) AddSupplierResource(ctx context.Context, consumer, supplier parties.Organization, id, by string) error {
	if consumer.OrgNo == supplier.OrgNo {
		return selfProblem()
	}
	f, err := s.supplierResource(ctx, id)
	if err != nil {
		return err
	}
	if !f.delegable() {
		return amProblem(amResourceNotDelegable)
	}
	if as, err := listSuppliers(ctx, s.pool, consumer.OrgNo, supplier.OrgNo); err != nil {
		return err
	} else if len(as) == 0 {
		return amProblem(amMissingConnection)
	}
	sc := f.sc
	if f.schemaResource() {
		// The registry's resource is the platform's scheme: its row is
		// brought to it (a resource the table cannot hold is not
		// available for delegation here).
		if sc, err = s.adoptResource(ctx, f.res, f.sc, f.exists); err != nil {
			var p *problem.Problem
			if errors.As(err, &p) && p.Status == 400 {
				return amProblem(amResourceNotDelegable)
			}
			return err
		}
	}
	for attempt := 0; attempt < 2; attempt++ {
		err = db.InTx(ctx, s.pool, func(q db.Querier) error {
			_, ok, err := lockSupplier(ctx, q, consumer.OrgNo, supplier.OrgNo, true)
			if err != nil {
				return err
			}
			if !ok {
				return amProblem(amMissingConnection)
			}
			_, _, err = s.writeDelegation(ctx, q, sc, consumer.OrgNo, supplier.OrgNo, by)
			return err
		})
		if !errors.Is(err, dberr.ErrConflict) {
			return err
		}
	}
	return err
}

// RemoveSupplierResource withdraws the live delegation of the resource's
// scheme from consumer to supplier (DELETE …/resources, from either
// side); none to withdraw is no error, as upstream.
func (s *Service) RemoveSupplierResource(ctx context.Context, consumer, supplier parties.Organization, id, by string) error {
	if consumer.OrgNo == supplier.OrgNo {
		return selfProblem()
	}
	f, err := s.supplierResource(ctx, id)
	if err != nil || !f.exists {
		return err
	}
	_, err = withdrawLive(ctx, s.pool, f.sc.Identifier, consumer.OrgNo, supplier.OrgNo, s.now(), by)
	return err
}
