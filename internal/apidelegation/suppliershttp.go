package apidelegation

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// The end-user API's scopes (AuthzConstants). Each operation also takes
// altinn:portal/enduser, as its ScopeAccessRequirement lists both.
const (
	ScopeSuppliersRead  = "altinn:accessmanagement/enduser:maskinportensuppliers.read"
	ScopeSuppliersWrite = "altinn:accessmanagement/enduser:maskinportensuppliers.write"
	ScopeConsumersRead  = "altinn:accessmanagement/enduser:maskinportenconsumers.read"
	ScopeConsumersWrite = "altinn:accessmanagement/enduser:maskinportenconsumers.write"
	scopePortal         = "altinn:portal/enduser"
)

const (
	suppliersPath = "/accessmanagement/api/v1/enduser/maskinportensuppliers"
	consumersPath = "/accessmanagement/api/v1/enduser/maskinportenconsumers"
)

// SupplierRoutes are Access Management's end-user API for delegated API
// access: a consumer's suppliers and what it delegated to them
// (maskinportensuppliers), and a supplier's consumers
// (maskinportenconsumers).
func (s *Service) SupplierRoutes() []route.Route {
	const tag = "Access Management: Maskinporten suppliers and consumers"
	supR, supW := []string{scopePortal, ScopeSuppliersRead}, []string{scopePortal, ScopeSuppliersWrite}
	conR, conW := []string{scopePortal, ScopeConsumersRead}, []string{scopePortal, ScopeConsumersWrite}
	party := route.QRequired("party", "the organisation's party uuid (a person who may manage its access calls)")
	supplier := func(req bool) route.Param {
		if req {
			return route.QRequired("supplier", "the supplier's organisation number")
		}
		return route.Q("supplier", "only this supplier (organisation number)")
	}
	consumer := func(req bool) route.Param {
		if req {
			return route.QRequired("consumer", "the consumer's organisation number")
		}
		return route.Q("consumer", "only this consumer (organisation number)")
	}
	resource := func(req bool) route.Param {
		if req {
			return route.QRequired("resource", "the Maskinporten schema's resource id (a delegation scheme)")
		}
		return route.Q("resource", "only this Maskinporten schema (resource id)")
	}
	cascade := route.Q("cascade", "true: withdraw the delegations under the assignment with it (else AM.VLD-00031 while there are any)")
	return []route.Route{
		{Method: http.MethodPost, Path: suppliersPath, Guard: route.Bearer, Scopes: supW, Handler: route.E(s.handleAddSupplier),
			Query: []route.Param{party, supplier(true)}, Tag: tag, Summary: "The party makes an organisation its Maskinporten supplier (the same again answers the same assignment)", OKSchema: "Assignment"},
		{Method: http.MethodGet, Path: suppliersPath, Guard: route.Bearer, Scopes: supR, Handler: route.E(s.handleSuppliers),
			Query: []route.Param{party, supplier(false)}, Tag: tag, Summary: "The party's Maskinporten suppliers", OKSchema: "MPConnections"},
		{Method: http.MethodDelete, Path: suppliersPath, Guard: route.Bearer, Scopes: supW, Handler: route.E(s.handleRemoveSupplier),
			Query: []route.Param{party, supplier(true), cascade}, Tag: tag, Summary: "The party removes a supplier (with cascade=true the delegations to it too)", OK: http.StatusNoContent},
		{Method: http.MethodGet, Path: suppliersPath + "/resources/delegationcheck", Guard: route.Bearer, Scopes: supR, Handler: route.E(s.handleSupplierCheck),
			Query: []route.Param{party, resource(true)}, Tag: tag, Summary: "Whether the person may delegate the Maskinporten schema for the party", OKSchema: "MPResourceCheck"},
		{Method: http.MethodPost, Path: suppliersPath + "/resources", Guard: route.Bearer, Scopes: supW, Handler: route.E(s.handleAddSupplierResource),
			Query: []route.Param{party, supplier(true), resource(true)}, Tag: tag, Summary: "The party delegates a Maskinporten schema to its supplier (answers true; AM-00022 when the organisation is not its supplier)", OKSchema: "Boolean"},
		{Method: http.MethodGet, Path: suppliersPath + "/resources", Guard: route.Bearer, Scopes: supR, Handler: route.E(s.handleSupplierResources),
			Query: []route.Param{party, supplier(false), resource(false)}, Tag: tag, Summary: "The Maskinporten schemas the party delegated to its suppliers", OKSchema: "MPResourcePermissions"},
		{Method: http.MethodDelete, Path: suppliersPath + "/resources", Guard: route.Bearer, Scopes: supW, Handler: route.E(s.handleRemoveSupplierResource),
			Query: []route.Param{party, supplier(true), resource(true)}, Tag: tag, Summary: "The party withdraws a Maskinporten schema from its supplier", OK: http.StatusNoContent},
		{Method: http.MethodGet, Path: consumersPath, Guard: route.Bearer, Scopes: conR, Handler: route.E(s.handleConsumers),
			Query: []route.Param{party, consumer(false)}, Tag: tag, Summary: "The organisations that made the party their Maskinporten supplier", OKSchema: "MPConnections"},
		{Method: http.MethodDelete, Path: consumersPath, Guard: route.Bearer, Scopes: conW, Handler: route.E(s.handleRemoveConsumer),
			Query: []route.Param{party, consumer(true), cascade}, Tag: tag, Summary: "The party stops being a consumer's supplier (with cascade=true giving back what it was delegated)", OK: http.StatusNoContent},
		{Method: http.MethodGet, Path: consumersPath + "/resources", Guard: route.Bearer, Scopes: conR, Handler: route.E(s.handleConsumerResources),
			Query: []route.Param{party, consumer(false), resource(false)}, Tag: tag, Summary: "The Maskinporten schemas consumers delegated to the party", OKSchema: "MPResourcePermissions"},
		{Method: http.MethodDelete, Path: consumersPath + "/resources", Guard: route.Bearer, Scopes: conW, Handler: route.E(s.handleRemoveConsumerResource),
			Query: []route.Param{party, consumer(true), resource(true)}, Tag: tag, Summary: "The party gives back a Maskinporten schema a consumer delegated to it", OK: http.StatusNoContent},
	}
}

// endUserParty resolves ?party= and checks the caller, as the operations'
// EndUserResourceAccessRequirement does before anything is bound: a
// missing or malformed party uuid, an unknown party or a person's, a
// caller who is not a person, or a person who may not manage the
// organisation's access is a bare 403 (the platform's PDP decides on the
// altinn_maskinporten_scope_delegation policy; the emulator asks the
// portal's parties.CanManage, as for the maskinportenschema API).
func (s *Service) endUserParty(r *http.Request) (parties.Organization, string, error) {
	ctx := r.Context()
	c, _ := auth.CallerFrom(ctx)
	id, err := uuid.Parse(r.URL.Query().Get("party"))
	if err != nil || id == uuid.Nil || c.PID == "" {
		return parties.Organization{}, "", route.Status(http.StatusForbidden)
	}
	org, err := s.orgs.OrgByPartyUUID(ctx, id)
	if errors.Is(err, dberr.ErrNotFound) {
		return org, "", route.Status(http.StatusForbidden)
	}
	if err != nil {
		return org, "", fmt.Errorf("party %s: %w", id, err)
	}
	ok, err := s.orgs.CanManage(ctx, c.PID, org.OrgNo)
	if err != nil {
		return org, "", fmt.Errorf("may the person act for %s: %w", org.OrgNo, err)
	}
	if !ok {
		return org, "", route.Status(http.StatusForbidden)
	}
	return org, c.PID, nil
}

// bound are an operation's query values after ASP.NET's model binding:
// the [Required] ones present and not blank, cascade a bool.
type bound struct {
	vals    map[string]string
	cascade bool
}

func bind(r *http.Request, required []string, withCascade bool) (bound, error) {
	q := r.URL.Query()
	b := bound{vals: map[string]string{}}
	errs := map[string][]string{}
	for _, n := range required {
		v := q.Get(n)
		if strings.TrimSpace(v) == "" {
			errs[n] = []string{"The " + n + " field is required."}
		}
		b.vals[n] = v
	}
	if withCascade {
		switch v := q.Get("cascade"); {
		case v == "", strings.EqualFold(v, "false"):
		case strings.EqualFold(v, "true"):
			b.cascade = true
		default:
			errs["cascade"] = []string{fmt.Sprintf("The value '%s' is not valid.", v)}
		}
	}
	if len(errs) > 0 {
		return b, aspValidationAll(errs)
	}
	return b, nil
}

// entity finds an organisation by number (GetEntity): AM-00023 when none.
func (s *Service) entity(r *http.Request, orgNo string) (parties.Organization, error) {
	if !parties.ValidOrgNo(orgNo, true) {
		return parties.Organization{}, amProblem(amPartyNotFound)
	}
	o, err := s.orgs.Org(r.Context(), orgNo)
	if errors.Is(err, dberr.ErrNotFound) {
		return o, amProblem(amPartyNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("organisation %s: %w", orgNo, err)
	}
	return o, nil
}

// optionalEntity is entity for a filter: "" (or blank) filters nothing.
func (s *Service) optionalEntity(r *http.Request, name string) (string, error) {
	v := r.URL.Query().Get(name)
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	o, err := s.entity(r, v)
	return o.OrgNo, err
}

// optionalResource is the resource filter: a scheme's id, checked as
// GetResourceByRefId does.
func (s *Service) optionalResource(r *http.Request) (string, error) {
	v := r.URL.Query().Get("resource")
	if strings.TrimSpace(v) == "" {
		return "", nil
	}
	if _, err := s.supplierResource(r.Context(), v); err != nil {
		return "", err
	}
	return v, nil
}

// pair is the operation's party, the other organisation named by the
// required query parameter other, and the person.
func (s *Service) pair(r *http.Request, other string, required []string, withCascade bool) (party, org parties.Organization, pid string, b bound, err error) {
	if party, pid, err = s.endUserParty(r); err != nil {
		return
	}
	if b, err = bind(r, required, withCascade); err != nil {
		return
	}
	org, err = s.entity(r, b.vals[other])
	return
}

func (s *Service) handleAddSupplier(w http.ResponseWriter, r *http.Request) error {
	party, sup, pid, _, err := s.pair(r, "supplier", []string{"supplier"}, false)
	if err != nil {
		return err
	}
	out, err := s.AddSupplier(r.Context(), party, sup, pid)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleSuppliers(w http.ResponseWriter, r *http.Request) error {
	party, _, err := s.endUserParty(r)
	if err != nil {
		return err
	}
	sup, err := s.optionalEntity(r, "supplier")
	if err != nil {
		return err
	}
	out, err := s.Suppliers(r.Context(), party, sup)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleRemoveSupplier(w http.ResponseWriter, r *http.Request) error {
	party, sup, pid, b, err := s.pair(r, "supplier", []string{"supplier"}, true)
	if err != nil {
		return err
	}
	if err := s.RemoveSupplier(r.Context(), party, sup, b.cascade, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) handleRemoveConsumer(w http.ResponseWriter, r *http.Request) error {
	party, con, pid, b, err := s.pair(r, "consumer", []string{"consumer"}, true)
	if err != nil {
		return err
	}
	// From the supplier's side: the consumer's assignment of the party.
	if err := s.RemoveSupplier(r.Context(), con, party, b.cascade, pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) handleConsumers(w http.ResponseWriter, r *http.Request) error {
	party, _, err := s.endUserParty(r)
	if err != nil {
		return err
	}
	con, err := s.optionalEntity(r, "consumer")
	if err != nil {
		return err
	}
	out, err := s.Consumers(r.Context(), party, con)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleSupplierCheck(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := s.endUserParty(r); err != nil {
		return err
	}
	b, err := bind(r, []string{"resource"}, false)
	if err != nil {
		return err
	}
	out, err := s.SupplierDelegationCheck(r.Context(), b.vals["resource"])
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleAddSupplierResource(w http.ResponseWriter, r *http.Request) error {
	party, sup, pid, b, err := s.pair(r, "supplier", []string{"supplier", "resource"}, false)
	if err != nil {
		return err
	}
	if err := s.AddSupplierResource(r.Context(), party, sup, b.vals["resource"], pid); err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, true)
	return nil
}

func (s *Service) handleRemoveSupplierResource(w http.ResponseWriter, r *http.Request) error {
	party, sup, pid, b, err := s.pair(r, "supplier", []string{"supplier", "resource"}, false)
	if err != nil {
		return err
	}
	if err := s.RemoveSupplierResource(r.Context(), party, sup, b.vals["resource"], pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) handleRemoveConsumerResource(w http.ResponseWriter, r *http.Request) error {
	party, con, pid, b, err := s.pair(r, "consumer", []string{"consumer", "resource"}, false)
	if err != nil {
		return err
	}
	if err := s.RemoveSupplierResource(r.Context(), con, party, b.vals["resource"], pid); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) handleSupplierResources(w http.ResponseWriter, r *http.Request) error {
	return s.resources(w, r, "supplier", func(party parties.Organization, other, res string) Filter {
		return Filter{ConsumerOrgNo: party.OrgNo, SupplierOrgNo: other, Scheme: res}
	})
}

func (s *Service) handleConsumerResources(w http.ResponseWriter, r *http.Request) error {
	return s.resources(w, r, "consumer", func(party parties.Organization, other, res string) Filter {
		return Filter{ConsumerOrgNo: other, SupplierOrgNo: party.OrgNo, Scheme: res}
	})
}

// resources answers a resources list: the other organisation checked
// first, then the resource, as the controllers do.
func (s *Service) resources(w http.ResponseWriter, r *http.Request, other string, filter func(parties.Organization, string, string) Filter) error {
	party, _, err := s.endUserParty(r)
	if err != nil {
		return err
	}
	org, err := s.optionalEntity(r, other)
	if err != nil {
		return err
	}
	res, err := s.optionalResource(r)
	if err != nil {
		return err
	}
	out, err := s.DelegatedResources(r.Context(), filter(party, org, res))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}
