package scopes

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// The self-service API's scopes for providers.
const (
	scopeRead  = "idporten:scopes.read"
	scopeWrite = "idporten:scopes.write"
)

// Routes are Digdir's self-service API for scopes at the real paths under
// /api/v1: a provider's own scopes and who may use them, the consumer's
// view of the access it has, and the public catalogue. The organisation
// is the Maskinporten token's consumer.
func (s *Service) Routes() []route.Route {
	const tag = "Maskinporten self-service"
	read := []string{scopeRead, scopeWrite}
	write := []string{scopeWrite}
	// A consumer may read the access it has with any of the self-service
	// scopes (a client administrator holds only idporten:dcr.*).
	consumer := []string{scopeRead, scopeWrite, "idporten:dcr.read", "idporten:dcr.modify", "idporten:dcr.write"}
	return []route.Route{
		{Method: "GET", Path: "/api/v1/scopes/all", Guard: route.Public, Handler: route.E(s.handleAll),
			Tag: tag, Summary: "Every active public scope, whoever owns it", OKSchema: "Scopes"},
		{Method: "GET", Path: "/api/v1/scopes", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleList),
			Query: []route.Param{route.Q("scope", "read this one scope"), route.Q("inactive", "true adds deactivated scopes")}, Tag: tag, Summary: "The organisation's own scopes (?inactive=true adds deactivated ones); ?scope= reads one", OKSchema: "Scopes"},
		{Method: "POST", Path: "/api/v1/scopes", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleCreate),
			Tag: tag, Summary: "Create a scope under one of the organisation's prefixes", Body: "ScopeRequest", OK: http.StatusCreated, OKSchema: "Scope"},
		{Method: "PUT", Path: "/api/v1/scopes", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleUpdate),
			Query: []route.Param{route.QRequired("scope", "the scope")}, Tag: tag, Summary: "Change one of the organisation's scopes (?scope=); prefix and subscope stay", Body: "ScopeRequest", OKSchema: "Scope"},
		{Method: "DELETE", Path: "/api/v1/scopes", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleDeactivate),
			Query: []route.Param{route.QRequired("scope", "the scope")}, Tag: tag, Summary: "Deactivate one of the organisation's scopes (?scope=); PUT active:true brings it back", OKSchema: "Scope"},
		{Method: "GET", Path: "/api/v1/scopes/access", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleAccessList),
			Query: []route.Param{route.QRequired("scope", "the scope")}, Tag: tag, Summary: "Who has (or had) access to one of the organisation's scopes (?scope=)", OKSchema: "ScopeAccessList"},
		{Method: "GET", Path: "/api/v1/scopes/access/all", Guard: route.Bearer, Scopes: consumer, Handler: route.E(s.handleConsumerAccess),
			Query: []route.Param{route.Q("accessible_for_all", "true adds the scopes open to all")}, Tag: tag, Summary: "The access the organisation was given (?accessible_for_all=true adds the scopes open to all)", OKSchema: "ScopeAccessList"},
		{Method: "PUT", Path: "/api/v1/scopes/access/{consumerOrgno}", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleGrant),
			Query: []route.Param{route.QRequired("scope", "the scope")}, Tag: tag, Summary: "Grant an organisation access to one of the organisation's scopes (?scope=)", OKSchema: "ScopeAccess"},
		{Method: "DELETE", Path: "/api/v1/scopes/access/{consumerOrgno}", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleWithdraw),
			Query: []route.Param{route.QRequired("scope", "the scope")}, Tag: tag, Summary: "Withdraw an organisation's access (?scope=): its clients keep the scope but get no token for it", OKSchema: "ScopeAccess"},
	}
}

// callerAndScope is the calling organisation and the ?scope= a call on
// one scope names.
func callerAndScope(r *http.Request) (org, name string, err error) {
	if org, err = callerOrg(r); err != nil {
		return "", "", err
	}
	name, err = scopeParam(r)
	return org, name, err
}

// callerOrg is the organisation a self-service call acts for: the
// Maskinporten token's consumer.
func callerOrg(r *http.Request) (string, error) {
	c, ok := auth.CallerFrom(r.Context())
	if !ok || c.Kind != auth.KindMaskinporten || c.ConsumerOrgNo == "" {
		return "", problem.Forbidden.WithDetail("the self-service API needs a Maskinporten token of an organisation")
	}
	return c.ConsumerOrgNo, nil
}

// scopeParam is the ?scope= a call names.
func scopeParam(r *http.Request) (string, error) {
	name := r.URL.Query().Get("scope")
	if _, _, ok := Split(name); !ok {
		return "", problem.Validation(vldScopeName.At("scope"))
	}
	return name, nil
}

// truthy reads a boolean query parameter as the platform's Java API does
// (TRUE, true, ...).
func truthy(v string) bool { return strings.EqualFold(v, "true") }

func (s *Service) handleAll(w http.ResponseWriter, r *http.Request) error {
	out, err := s.PublicScopes(r.Context())
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("scope") {
		name, err := scopeParam(r)
		if err != nil {
			return err
		}
		sc, err := s.OwnScope(r.Context(), org, name)
		if err != nil {
			return err
		}
		respond.JSON(w, http.StatusOK, sc)
		return nil
	}
	out, err := s.OwnScopes(r.Context(), org, truthy(r.URL.Query().Get("inactive")))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	in := NewScopeDefaults()
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	sc, err := s.CreateScope(r.Context(), org, in)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusCreated, sc)
	return nil
}

func (s *Service) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	org, name, err := callerAndScope(r)
	if err != nil {
		return err
	}
	// The body is read onto the scope as stored: what it leaves out stays.
	var body json.RawMessage
	if p := problem.DecodeJSON(w, r, &body); p != nil {
		return p
	}
	sc, err := s.UpdateScope(r.Context(), org, name, func(cur Scope) (Scope, error) {
		next := cur
		if err := json.Unmarshal(body, &next); err != nil {
			return Scope{}, problem.BadRequest.WithDetail("the body is not a scope: %v", err)
		}
		return next, nil
	})
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, sc)
	return nil
}

func (s *Service) handleDeactivate(w http.ResponseWriter, r *http.Request) error {
	org, name, err := callerAndScope(r)
	if err != nil {
		return err
	}
	sc, err := s.UpdateScope(r.Context(), org, name, func(cur Scope) (Scope, error) {
		cur.Active = false
		return cur, nil
	})
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, sc)
	return nil
}

func (s *Service) handleAccessList(w http.ResponseWriter, r *http.Request) error {
	org, name, err := callerAndScope(r)
	if err != nil {
		return err
	}
	out, err := s.AccessList(r.Context(), org, name)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleConsumerAccess(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	out, err := s.ConsumerAccess(r.Context(), org, truthy(r.URL.Query().Get("accessible_for_all")))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleGrant(w http.ResponseWriter, r *http.Request) error {
	return s.access(w, r, s.GrantAccess)
}

func (s *Service) handleWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.access(w, r, s.WithdrawAccess)
}

func (s *Service) access(w http.ResponseWriter, r *http.Request, set func(ctx context.Context, org, name, consumer string) (Access, error)) error {
	org, name, err := callerAndScope(r)
	if err != nil {
		return err
	}
	a, err := set(r.Context(), org, name, chi.URLParam(r, "consumerOrgno"))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, a)
	return nil
}
