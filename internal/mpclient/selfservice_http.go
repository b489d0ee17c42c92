package mpclient

import (
	"encoding/json"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// The self-service API's scopes: dcr.read reads, dcr.modify also changes,
// dcr.write also creates and deletes.
const (
	scopeDCRRead   = "idporten:dcr.read"
	scopeDCRModify = "idporten:dcr.modify"
	scopeDCRWrite  = "idporten:dcr.write"
)

// SelfServiceRoutes are Digdir's self-service API for an organisation's
// own Maskinporten clients, at the real paths under /api/v1. The
// organisation is the Maskinporten token's consumer.
func (s *Service) SelfServiceRoutes() []route.Route {
	const tag = "Maskinporten self-service"
	read := []string{scopeDCRRead, scopeDCRModify, scopeDCRWrite}
	modify := []string{scopeDCRModify, scopeDCRWrite}
	write := []string{scopeDCRWrite}
	return []route.Route{
		{Method: "GET", Path: "/api/v1/clients", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleOrgList),
			Tag: tag, Summary: "The organisation's Maskinporten clients", OKSchema: "Registrations"},
		{Method: "POST", Path: "/api/v1/clients", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleRegister),
			Tag: tag, Summary: "Create a Maskinporten or ID-porten client (the answer carries its client_id, and an ID-porten client's secret once; add keys with POST .../jwks)", Body: "Registration", OK: http.StatusCreated, OKSchema: "Registration"},
		{Method: "GET", Path: "/api/v1/clients/{clientId}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleOrgGet),
			Tag: tag, Summary: "One of the organisation's clients", OKSchema: "Registration"},
		{Method: "PUT", Path: "/api/v1/clients/{clientId}", Guard: route.Bearer, Scopes: modify, Handler: route.E(s.handleOrgUpdate),
			Tag: tag, Summary: "Change a client's name, description and scopes (integration_type stays)", Body: "Registration", OKSchema: "Registration"},
		{Method: "DELETE", Path: "/api/v1/clients/{clientId}", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleOrgDelete),
			Tag: tag, Summary: "Delete a client", OK: http.StatusNoContent},
		{Method: "GET", Path: "/api/v1/clients/{clientId}/jwks", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleOrgKeys),
			Tag: tag, Summary: "A client's public keys", OKSchema: "KeySet"},
		{Method: "POST", Path: "/api/v1/clients/{clientId}/jwks", Guard: route.Bearer, Scopes: modify, Handler: route.E(s.handleOrgReplaceKeys),
			Tag: tag, Summary: "Replace a client's whole key set (at most 5 RSA keys with kty, alg, use, e, n and kid)", Body: "JWKS", OKSchema: "KeySet"},
		{Method: "PUT", Path: "/api/v1/clients/{clientId}/jwks", Guard: route.Bearer, Scopes: modify, Handler: route.E(s.handleOrgReplaceKeys),
			Tag: tag, Summary: "Replace a client's whole key set (as POST)", Body: "JWKS", OKSchema: "KeySet"},
		{Method: "DELETE", Path: "/api/v1/clients/{clientId}/jwks", Guard: route.Bearer, Scopes: modify, Handler: route.E(s.handleOrgDeleteKeys),
			Tag: tag, Summary: "Remove every key of a client", OK: http.StatusNoContent},
	}
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

func (s *Service) handleOrgList(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	cs, err := s.OrgClients(r.Context(), org)
	if err != nil {
		return err
	}
	out := make([]Registration, 0, len(cs))
	for _, c := range cs {
		out = append(out, AsRegistration(c))
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}

func (s *Service) handleRegister(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	var in Registration
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	c, secret, err := s.Register(r.Context(), org, in)
	if err != nil {
		return err
	}
	out := AsRegistration(c)
	out.ClientSecret = secret
	w.Header().Set("Location", "/api/v1/clients/"+c.ClientID)
	w.Header().Set("Cache-Control", "no-store")
	respond.JSON(w, http.StatusCreated, out)
	return nil
}

func (s *Service) handleOrgGet(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	c, err := s.OrgClient(r.Context(), org, chi.URLParam(r, "clientId"))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, AsRegistration(c))
	return nil
}

func (s *Service) handleOrgUpdate(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	var in Registration
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	c, err := s.UpdateRegistration(r.Context(), org, chi.URLParam(r, "clientId"), in)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, AsRegistration(c))
	return nil
}

func (s *Service) handleOrgDelete(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	if err := s.DeleteOrgClient(r.Context(), org, chi.URLParam(r, "clientId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) handleOrgKeys(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	c, err := s.OrgClient(r.Context(), org, chi.URLParam(r, "clientId"))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, AsKeySet(c))
	return nil
}

func (s *Service) handleOrgReplaceKeys(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	in, err := decodeKeySet(w, r)
	if err != nil {
		return err
	}
	c, err := s.ReplaceOrgKeys(r.Context(), org, chi.URLParam(r, "clientId"), in)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, AsKeySet(c))
	return nil
}

func (s *Service) handleOrgDeleteKeys(w http.ResponseWriter, r *http.Request) error {
	org, err := callerOrg(r)
	if err != nil {
		return err
	}
	if _, err := s.ReplaceOrgKeys(r.Context(), org, chi.URLParam(r, "clientId"), JWKS{Keys: []json.RawMessage{}}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
