package apidelegation

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// vldID: a delegation id in the path that is not a UUID.
var vldID = problem.ValidationDescriptor{Code: "SIM.VLD-01508", Title: "The delegation id must be a UUID."}

// Routes are the control API's delegation schemes and delegations,
// guarded by the admin token. They stand for what the API provider does
// in Altinn's resource registry (schemes) and what a consumer's person
// does in Altinn's portal (delegations), for tests and automation.
func (s *Service) Routes() []route.Route {
	const tag = "Emulator control"
	return []route.Route{
		{Method: "POST", Path: "/sim/api/v1/apidelegation/schemes", Guard: route.Admin, Handler: route.E(s.handleCreateScheme),
			Tag: tag, Summary: "Register an API provider's delegation scheme (its Maskinporten scopes a consumer may delegate to a supplier)",
			Body: "NewDelegationScheme", OK: http.StatusCreated, OKSchema: "DelegationScheme"},
		{Method: "GET", Path: "/sim/api/v1/apidelegation/schemes", Guard: route.Admin, Handler: route.E(s.handleListSchemes),
			Query: []route.Param{route.Q("owner", "only this API provider's schemes (organisation number)")},
			Tag:   tag, Summary: "Delegation schemes (?owner=)", OKSchema: "DelegationSchemes"},
		{Method: "GET", Path: "/sim/api/v1/apidelegation/schemes/{identifier}", Guard: route.Admin, Handler: route.E(s.handleGetScheme),
			Tag: tag, Summary: "A delegation scheme", OKSchema: "DelegationScheme"},
		{Method: "DELETE", Path: "/sim/api/v1/apidelegation/schemes/{identifier}", Guard: route.Admin, Handler: route.E(s.handleDeleteScheme),
			Tag: tag, Summary: "Delete a delegation scheme (409 while it has live delegations)", OK: http.StatusNoContent},
		{Method: "POST", Path: "/sim/api/v1/apidelegation/delegations", Guard: route.Admin, Handler: route.E(s.handleDelegate),
			Tag: tag, Summary: "A consumer delegates a scheme to a supplier (201; 200 with the live one when already delegated)",
			Body: "NewAPIDelegation", OK: http.StatusCreated, OKSchema: "APIDelegation"},
		{Method: "GET", Path: "/sim/api/v1/apidelegation/delegations", Guard: route.Admin, Handler: route.E(s.handleListDelegations),
			Query: []route.Param{route.Q("consumer", "only this consumer's (organisation number)"), route.Q("supplier", "only to this supplier (organisation number)"),
				route.Q("scheme", "only of this scheme"), route.Q("withdrawn", "true: include withdrawn delegations")},
			Tag: tag, Summary: "Delegations of API access (live ones unless ?withdrawn=true)", OKSchema: "APIDelegations"},
		{Method: "GET", Path: "/sim/api/v1/apidelegation/delegations/{id}", Guard: route.Admin, Handler: route.E(s.handleGetDelegation),
			Tag: tag, Summary: "A delegation, live or withdrawn", OKSchema: "APIDelegation"},
		{Method: "DELETE", Path: "/sim/api/v1/apidelegation/delegations/{id}", Guard: route.Admin, Handler: route.E(s.handleWithdraw),
			Tag: tag, Summary: "Withdraw a delegation (the supplier's consumer_org grants are refused from now on)", OK: http.StatusNoContent},
	}
}

func (s *Service) handleCreateScheme(w http.ResponseWriter, r *http.Request) error {
	var in NewScheme
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	sc, err := s.CreateScheme(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/sim/api/v1/apidelegation/schemes/"+sc.Identifier)
	respond.JSON(w, http.StatusCreated, sc)
	return nil
}

func (s *Service) handleListSchemes(w http.ResponseWriter, r *http.Request) error {
	out, err := s.Schemes(r.Context(), r.URL.Query().Get("owner"))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleGetScheme(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.Scheme(r.Context(), chi.URLParam(r, "identifier"))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, sc)
	return nil
}

func (s *Service) handleDeleteScheme(w http.ResponseWriter, r *http.Request) error {
	if err := s.DeleteScheme(r.Context(), chi.URLParam(r, "identifier")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) handleDelegate(w http.ResponseWriter, r *http.Request) error {
	var in NewDelegation
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	d, created, err := s.Delegate(r.Context(), in, "")
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/sim/api/v1/apidelegation/delegations/"+d.ID.String())
	respond.JSON(w, status, d)
	return nil
}

func (s *Service) handleListDelegations(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	out, err := s.Delegations(r.Context(), Filter{ConsumerOrgNo: q.Get("consumer"), SupplierOrgNo: q.Get("supplier"),
		Scheme: q.Get("scheme"), Withdrawn: q.Get("withdrawn") == "true"})
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func delegationID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		return uuid.Nil, problem.Validation(vldID.At("/id"))
	}
	return id, nil
}

func (s *Service) handleGetDelegation(w http.ResponseWriter, r *http.Request) error {
	id, err := delegationID(r)
	if err != nil {
		return err
	}
	d, err := s.Delegation(r.Context(), id)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, d)
	return nil
}

func (s *Service) handleWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := delegationID(r)
	if err != nil {
		return err
	}
	if _, err := s.Withdraw(r.Context(), id, "", ""); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
