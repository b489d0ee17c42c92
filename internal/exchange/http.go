package exchange

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// Routes are the exchange and Altinn's OpenID metadata at their real
// paths, and the control API's test tokens.
func (s *Service) Routes() []route.Route {
	const tag = "Altinn token exchange"
	return []route.Route{
		// The exchange reads the bearer token itself: a refused token is an
		// empty 401, as on the platform, not the middleware's ProblemDetails.
		{Method: "GET", Path: "/authentication/api/v1/exchange/{tokenProvider}", Guard: route.OwnBearer, Handler: http.HandlerFunc(s.handleExchange),
			Query: []route.Param{route.Q("test", "true: a test token (the Altinn token says so)")}, Tag: tag, Summary: "Exchange a Maskinporten or ID-porten token (bearer) for an Altinn token"},
		{Method: "GET", Path: "/authentication/api/v1/refresh", Guard: route.Bearer, Handler: route.E(s.handleRefresh),
			Query: []route.Param{route.Q("enrichPid", "true: add the person's pid (from the party uuid) when the token has none")}, Tag: tag, Summary: "Refresh an Altinn token (bearer): the same claims with a new expiry"},
		{Method: "POST", Path: "/authentication/api/v1/introspection", Guard: route.Bearer, Handler: route.E(s.handleIntrospection),
			Body: "form", Tag: tag, Summary: "RFC 7662 introspection as the platform does it: form token (token_type_hint is read and ignored); active only for a platform access token, {\"active\":true,\"iss\":…}, else {\"active\":false}", OKSchema: "IntrospectionResponse"},
		{Method: "GET", Path: "/authentication/api/v1/openid/.well-known/openid-configuration", Handler: route.E(s.handleAltinnDiscovery),
			Tag: tag, Summary: "Altinn's OpenID metadata"},
		{Method: "POST", Path: "/sim/api/v1/tokens", Guard: route.Admin, Handler: route.E(s.handleTestToken),
			Tag: "Emulator control", Summary: "Mint a test token without a grant (enterprise, systemuser or person)", Body: "TestTokenRequest", OKSchema: "TokenResponse"},
	}
}

// handleAltinnDiscovery is the platform's OIDC metadata for its tokens.
// It names only endpoints the emulator serves: the platform's
// authorization_endpoint (/authentication/api/v1/authentication, the
// portal's login redirect) and end_session_endpoint (/logout) are left
// out, as the emulator has neither.
func (s *Service) handleAltinnDiscovery(w http.ResponseWriter, _ *http.Request) error {
	iss := s.set.AltinnIssuer
	respond.JSON(w, http.StatusOK, map[string]any{
		"issuer":                                iss,
		"token_endpoint":                        s.set.BaseURL + "/authentication/api/v1/exchange/maskinporten",
		"jwks_uri":                              iss + ".well-known/openid-configuration/jwks",
		"response_types_supported":              []string{"token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{s.signer.Alg(signing.Altinn)},
	})
	return nil
}

// handleExchange is GET /authentication/api/v1/exchange/{tokenProvider}:
// the body of a success is the bare JWT; any refused token is 401 with an
// empty body, as on the platform.
func (s *Service) handleExchange(w http.ResponseWriter, r *http.Request) {
	provider := chi.URLParam(r, "tokenProvider")
	provider = strings.ToLower(provider)
	switch provider {
	case "maskinporten", "id-porten":
	case "altinnstudio":
		// The emulator has no Studio issuer, so no such token can be
		// valid here.
		w.WriteHeader(http.StatusUnauthorized)
		return
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("Invalid token provider: " + provider))
		return
	}
	if r.Header.Get("X-Altinn-EnterpriseUser-Authentication") != "" {
		problem.Write(w, r, &problem.Problem{Status: http.StatusGone, Title: "Gone",
			Detail: "Enterprise user authentication is no longer supported; use a system user."})
		return
	}
	raw, ok := auth.Bearer(r)
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var tok string
	var err error
	if provider == "id-porten" {
		tok, err = s.ExchangeIDPorten(r.Context(), raw)
	} else {
		tok, err = s.Exchange(r.Context(), raw, strings.EqualFold(r.URL.Query().Get("test"), "true"))
	}
	if errors.Is(err, ErrExchangeScope) {
		s.log.InfoContext(r.Context(), "token exchange refused", "err", err)
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if errors.Is(err, ErrExchange) {
		s.log.InfoContext(r.Context(), "token exchange refused", "err", err)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	writeToken(w, r, tok)
}

// handleRefresh is GET /authentication/api/v1/refresh: the body is the
// bare JWT (text/plain, or a JSON string for a client that accepts only
// JSON), as the exchange answers.
func (s *Service) handleRefresh(w http.ResponseWriter, r *http.Request) error {
	enrich, err := queryBool(r, "enrichPid")
	if err != nil {
		return err
	}
	raw, _ := auth.Bearer(r)
	tok, err := s.Refresh(r.Context(), raw, enrich)
	if errors.Is(err, ErrRefresh) {
		s.log.InfoContext(r.Context(), "token refresh refused", "err", err)
		p := problem.Unauthorized.WithDetail("%v", err)
		p.Err = err
		return p
	}
	if err != nil {
		return err
	}
	writeToken(w, r, tok)
	return nil
}

// queryBool reads an optional bool query parameter as ASP.NET binds one:
// true or false in any case; anything else is its model-state 400.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return false, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, &problem.Problem{
		Type:       "https://tools.ietf.org/html/rfc9110#section-15.5.1",
		Title:      "One or more validation errors occurred.",
		Status:     http.StatusBadRequest,
		Extensions: map[string]any{"errors": map[string][]string{name: {fmt.Sprintf("The value '%s' is not valid.", v)}}},
	}
}

// writeToken answers a bare JWT: ASP.NET's Ok(string) is text/plain unless
// the client asks for JSON only.
func writeToken(w http.ResponseWriter, r *http.Request, tok string) {
	if acceptsJSONOnly(r) {
		respond.JSON(w, http.StatusOK, tok)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(tok))
}

func acceptsJSONOnly(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/plain") && !strings.Contains(a, "*/*")
}

func (s *Service) handleTestToken(w http.ResponseWriter, r *http.Request) error {
	var in TestTokenRequest
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	resp, err := s.TestToken(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	respond.JSON(w, http.StatusOK, resp)
	return nil
}
