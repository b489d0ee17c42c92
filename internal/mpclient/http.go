package mpclient

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Routes are the control API's clients, guarded by the admin token.
func (s *Service) Routes() []route.Route {
	const tag = "Emulator control"
	return []route.Route{
		{Method: "POST", Path: "/sim/api/v1/clients", Guard: route.Admin, Handler: route.E(s.handleCreate),
			Tag: tag, Summary: "Register a Maskinporten client (public JWKs, scopes, owner org)", Body: "NewClient", OK: http.StatusCreated, OKSchema: "Client"},
		{Method: "GET", Path: "/sim/api/v1/clients", Guard: route.Admin, Handler: route.E(s.handleList),
			Query: []route.Param{route.Q("orgNo", "only this organisation's clients")}, Tag: tag, Summary: "Maskinporten clients (?orgNo=)"},
		{Method: "GET", Path: "/sim/api/v1/clients/{clientId}", Guard: route.Admin, Handler: route.E(s.handleGet),
			Tag: tag, Summary: "A Maskinporten client", OKSchema: "Client"},
		{Method: "PUT", Path: "/sim/api/v1/clients/{clientId}", Guard: route.Admin, Handler: route.E(s.handleUpdate),
			Tag: tag, Summary: "Change a client's name and scopes (the whole list)", Body: "ClientUpdate", OKSchema: "Client"},
		{Method: "DELETE", Path: "/sim/api/v1/clients/{clientId}", Guard: route.Admin, Handler: route.E(s.handleDelete),
			Tag: tag, Summary: "Delete a Maskinporten client (409 while a live system names it)", OK: http.StatusNoContent},
		{Method: "PUT", Path: "/sim/api/v1/clients/{clientId}/jwks", Guard: route.Admin, Handler: route.E(s.handleReplaceKeys),
			Tag: tag, Summary: "Replace a client's keys", Body: "JWKS", OKSchema: "Client"},
		{Method: "POST", Path: "/sim/api/v1/clients/{clientId}/jwks", Guard: route.Admin, Handler: route.E(s.handleReplaceKeys),
			Tag: tag, Summary: "Replace a client's keys (POST)", Body: "JWKS", OKSchema: "Client"},
	}
}

func (s *Service) handleCreate(w http.ResponseWriter, r *http.Request) error {
	var in NewClient
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	c, err := s.CreateClient(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/sim/api/v1/clients/"+c.ClientID)
	respond.JSON(w, http.StatusCreated, c)
	return nil
}

func (s *Service) handleList(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.Clients(r.Context(), r.URL.Query().Get("orgNo"))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, cs)
	return nil
}

func (s *Service) handleGet(w http.ResponseWriter, r *http.Request) error {
	c, err := s.Client(r.Context(), chi.URLParam(r, "clientId"))
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, c)
	return nil
}

func (s *Service) handleUpdate(w http.ResponseWriter, r *http.Request) error {
	var in ClientUpdate
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	c, err := s.UpdateClient(r.Context(), chi.URLParam(r, "clientId"), in)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, c)
	return nil
}

func (s *Service) handleDelete(w http.ResponseWriter, r *http.Request) error {
	if err := s.DeleteUnusedClient(r.Context(), chi.URLParam(r, "clientId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// decodeKeySet reads a JWK Set body. It must have a "keys" member (RFC
// 7517 §5); a body without one is a mistake, not a request to remove every
// key ({"keys":[]} is).
func decodeKeySet(w http.ResponseWriter, r *http.Request) (JWKS, error) {
	var in JWKS
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return in, p
	}
	if in.Keys == nil {
		e := vldKeys.At("/keys")
		e.Detail = `the body must be a JWK Set: {"keys":[...]}`
		return in, problem.Validation(e)
	}
	return in, nil
}

func (s *Service) handleReplaceKeys(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeKeySet(w, r)
	if err != nil {
		return err
	}
	c, err := s.ReplaceKeys(r.Context(), chi.URLParam(r, "clientId"), in)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, c)
	return nil
}
