package idporten

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// Route tags: the JSON endpoints, and the pages a browser opens.
const (
	TagAPI   = "ID-porten"
	TagPages = "ID-porten (HTML)"
)

// sessionCookie holds the browser's ID-porten login (single sign-on).
const sessionCookie = "idporten_sid"

// Routes are ID-porten's endpoints under /idporten (its JWKS is served by
// internal/signing at /idporten/jwks.json).
func (s *Service) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/idporten/.well-known/openid-configuration", Handler: route.E(s.handleDiscovery),
			Tag: TagAPI, Summary: "ID-porten's OpenID Provider metadata", OKSchema: "IDPortenMetadata"},
		{Method: "GET", Path: "/idporten/.well-known/oauth-authorization-server", Handler: route.E(s.handleDiscovery),
			Tag: TagAPI, Summary: "The same metadata (RFC 8414)", OKSchema: "IDPortenMetadata"},
		{Method: "POST", Path: "/idporten/token", Handler: http.HandlerFunc(s.handleToken), Body: "form",
			Tag: TagAPI, Summary: "Token endpoint: authorization_code (PKCE) and refresh_token grants", OKSchema: "IDPortenTokenResponse"},
		{Method: "GET", Path: "/idporten/userinfo", Guard: route.OwnBearer, Handler: http.HandlerFunc(s.handleUserinfo),
			Tag: TagAPI, Summary: "The logged-in person (sub, pid, locale) for an ID-porten access token", OKSchema: "IDPortenUserinfo"},
		{Method: "GET", Path: "/idporten/authorize", Handler: http.HandlerFunc(s.handleAuthorize), OK: http.StatusFound,
			Query: authorizeParams, Tag: TagPages, Summary: "Authorization endpoint: the code flow with PKCE; shows the test-person login or answers at once (single sign-on)"},
		{Method: "GET", Path: "/idporten/login", Handler: http.HandlerFunc(s.handleLoginPage),
			Query: []route.Param{route.QRequired("request", "the pending authorization request the login is for")}, Tag: TagPages, Summary: "The test-person login page of one authorization request"},
		{Method: "POST", Path: "/idporten/login", Handler: http.HandlerFunc(s.handleLogin), Body: "form", OK: http.StatusSeeOther,
			Tag: TagPages, Summary: "Log a test person in (or cancel) and go back to the client with a code"},
		{Method: "GET", Path: "/idporten/logout", Handler: http.HandlerFunc(s.handleLogout),
			Query: logoutParams, Tag: TagPages, Summary: "End session: log out, then to a registered post_logout_redirect_uri"},
	}
}

// authorizeParams are what the authorization endpoint reads.
var authorizeParams = []route.Param{
	route.QRequired("client_id", "the integration's client id"),
	route.QRequired("redirect_uri", "one of the client's registered redirect URIs"),
	route.QRequired("response_type", "code"),
	route.Q("response_mode", "query (the only mode served here)"),
	route.Q("scope", "openid and the API scopes asked for"),
	route.Q("state", "sent back unchanged"),
	route.Q("nonce", "put in the id_token"),
	route.QRequired("code_challenge", "PKCE: BASE64URL(SHA256(code_verifier))"),
	route.QRequired("code_challenge_method", "S256"),
	route.Q("acr_values", "idporten-loa-substantial or idporten-loa-high"),
	route.Q("ui_locales", "nb, nn or en"),
	route.Q("prompt", "login: ask for a new login even in a live session"),
}

// logoutParams are what end_session reads.
var logoutParams = []route.Param{
	route.Q("id_token_hint", "an id_token this provider issued"),
	route.Q("post_logout_redirect_uri", "one of the client's registered post-logout URIs"),
	route.Q("state", "sent back unchanged"),
	route.Q("client_id", "the client, when there is no id_token_hint"),
	route.Q("ui_locales", "nb, nn or en"),
}

func (s *Service) handleDiscovery(w http.ResponseWriter, _ *http.Request) error {
	iss := s.issuer
	alg := s.signer.Alg(signing.IDPorten)
	respond.JSON(w, http.StatusOK, map[string]any{
		"issuer":                                           iss,
		"authorization_endpoint":                           iss + "/authorize",
		"token_endpoint":                                   iss + "/token",
		"userinfo_endpoint":                                iss + "/userinfo",
		"end_session_endpoint":                             iss + "/logout",
		"jwks_uri":                                         iss + "/jwks.json",
		"response_types_supported":                         []string{"code"},
		"response_modes_supported":                         []string{"query"},
		"grant_types_supported":                            []string{"authorization_code", "refresh_token"},
		"subject_types_supported":                          []string{"pairwise"},
		"id_token_signing_alg_values_supported":            []string{alg},
		"token_endpoint_auth_methods_supported":            []string{AuthSecretBasic, AuthSecretPost, AuthPrivateKeyJWT},
		"token_endpoint_auth_signing_alg_values_supported": []string{"RS256", "RS384", "RS512", "ES256"},
		"scopes_supported":                                 []string{"openid", "profile"},
		"claims_supported":                                 []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "pid", "sid", "locale", "at_hash"},
		"acr_values_supported":                             levels,
		"ui_locales_supported":                             []string{LangNB, LangNN, LangEN},
		"code_challenge_methods_supported":                 []string{"S256"},
		"request_parameter_supported":                      false,
		"request_uri_parameter_supported":                  false,
		"claims_parameter_supported":                       false,
		"authorization_response_iss_parameter_supported":   true,
	})
	return nil
}

func (s *Service) sid(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// handleAuthorize is GET /idporten/authorize. A request without a known
// client and one of its redirect URIs gets an error page; every later
// error goes back to the client's redirect URI, with state.
func (s *Service) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, err := s.checkAuthorize(ctx, r.URL.Query())
	if err == nil {
		var out authorizeOutcome
		if out, err = s.authorize(ctx, a, s.sid(r)); err == nil {
			if out.Redirect != "" {
				http.Redirect(w, r, out.Redirect, http.StatusFound)
				return
			}
			http.Redirect(w, r, "/idporten/login?"+url.Values{"request": {out.RequestID}, "lang": {a.Locale}}.Encode(), http.StatusFound)
			return
		}
	}
	var pe *pageError
	var oe *oauthError
	switch {
	case errors.As(err, &pe):
		s.errorPage(w, r, a.Locale, http.StatusBadRequest, pe.key, pe.args...)
	case errors.As(err, &oe):
		http.Redirect(w, r, errorRedirect(a, oe, s.issuer), http.StatusFound)
	default:
		s.log.ErrorContext(ctx, "idporten: authorize", "err", err)
		s.errorPage(w, r, a.Locale, http.StatusInternalServerError, "err.internal")
	}
}

// handleLoginPage is GET /idporten/login?request=: the test persons.
func (s *Service) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.pendingRequest(r.Context(), r.URL.Query().Get("request"))
	lang := pageLang(r.URL.Query(), a.Locale)
	if lang == "" {
		lang = LangNB
	}
	if err != nil {
		s.loginError(w, r, lang, err)
		return
	}
	s.showLogin(w, r, http.StatusOK, a, lang, "", "")
}

func (s *Service) showLogin(w http.ResponseWriter, r *http.Request, status int, a authRequest, lang, pid, errText string) {
	ctx := r.Context()
	p := loginPage{basePage: newBase(lang, "login.title", r), RequestID: a.ID, PID: pid, Error: errText, ClientName: a.ClientID}
	if c, err := s.client(ctx, a.ClientID); err == nil && c.Name != "" {
		p.ClientName = c.Name
	}
	persons, err := s.persons.Persons(ctx)
	if err != nil {
		s.loginError(w, r, lang, err)
		return
	}
	for _, pr := range persons {
		v := personView{PID: pr.PID, Name: pr.Name}
		for _, ro := range pr.Roles {
			v.Roles = append(v.Roles, roleView{OrgName: ro.Org.Name, OrgNo: ro.Org.OrgNo, Role: roleName(lang, ro.RoleCode)})
		}
		p.Persons = append(p.Persons, v)
	}
	s.render(w, r, status, "login", p)
}

func (s *Service) loginError(w http.ResponseWriter, r *http.Request, lang string, err error) {
	if errors.Is(err, errLoginRequest) {
		s.errorPage(w, r, lang, http.StatusBadRequest, "err.loginRequest")
		return
	}
	s.log.ErrorContext(r.Context(), "idporten: login", "err", err)
	s.errorPage(w, r, lang, http.StatusInternalServerError, "err.internal")
}

// handleLogin is POST /idporten/login: a test person picked (or a pid
// typed in), or the login cancelled.
func (s *Service) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, LangNB, http.StatusBadRequest, "err.loginRequest")
		return
	}
	ctx := r.Context()
	id := r.PostForm.Get("request")
	lang := pageLang(r.PostForm, LangNB)
	if r.PostForm.Get("cancel") != "" {
		to, err := s.cancel(ctx, id)
		if err != nil {
			s.loginError(w, r, lang, err)
			return
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	pid := strings.TrimSpace(r.PostForm.Get("pid"))
	if !parties.ValidPID(pid) {
		a, err := s.pendingRequest(ctx, id)
		if err != nil {
			s.loginError(w, r, lang, err)
			return
		}
		s.showLogin(w, r, http.StatusBadRequest, a, lang, pid, tr(lang, "login.badPID", pid))
		return
	}
	to, sid, err := s.login(ctx, id, pid, lang)
	if err != nil {
		s.loginError(w, r, lang, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/idporten/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: int(sessionLifetime.Seconds())})
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// oauthBody is the token endpoint's error body.
type oauthBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// handleToken is POST /idporten/token.
func (s *Service) handleToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	fail := func(err error) {
		var oe *oauthError
		if !errors.As(err, &oe) {
			s.log.ErrorContext(r.Context(), "idporten: token", "err", err)
			respond.JSON(w, http.StatusInternalServerError, oauthBody{Error: "server_error", Description: "an internal error; try again"})
			return
		}
		status := http.StatusBadRequest
		if oe.Code == "invalid_client" {
			status = http.StatusUnauthorized
			if _, _, basic := r.BasicAuth(); basic {
				w.Header().Set("WWW-Authenticate", `Basic realm="idporten"`)
			}
		}
		respond.JSON(w, status, oauthBody{Error: oe.Code, Description: oe.Description})
	}
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/x-www-form-urlencoded") {
		fail(oauthErr("invalid_request", "the body must be application/x-www-form-urlencoded"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		fail(oauthErr("invalid_request", "the form does not parse"))
		return
	}
	form := r.PostForm
	for name, vs := range form {
		if len(vs) > 1 {
			fail(oauthErr("invalid_request", "%s is given more than once", name))
			return
		}
	}
	gt := form.Get("grant_type")
	if gt == "" {
		fail(oauthErr("invalid_request", "grant_type is missing"))
		return
	}
	c, err := s.authenticateClient(r.Context(), r, form)
	if err != nil {
		fail(err)
		return
	}
	var resp TokenResponse
	switch gt {
	case "authorization_code":
		resp, err = s.redeemCode(r.Context(), c, form.Get("code"), form.Get("redirect_uri"), form.Get("code_verifier"))
	case "refresh_token":
		resp, err = s.refresh(r.Context(), c, form.Get("refresh_token"))
	default:
		err = oauthErr("unsupported_grant_type", "grant_type %q is not supported; use authorization_code or refresh_token", gt)
	}
	if err != nil {
		fail(err)
		return
	}
	respond.JSON(w, http.StatusOK, resp)
}

// handleUserinfo is GET /idporten/userinfo with an access token.
func (s *Service) handleUserinfo(w http.ResponseWriter, r *http.Request) {
	fail := func(desc string) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+strings.ReplaceAll(desc, `"`, `'`)+`"`)
		respond.JSON(w, http.StatusUnauthorized, oauthBody{Error: "invalid_token", Description: desc})
	}
	raw, ok := auth.Bearer(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer`)
		respond.JSON(w, http.StatusUnauthorized, oauthBody{Error: "invalid_request", Description: "an Authorization: Bearer <access token> header is required"})
		return
	}
	at, err := s.VerifyAccessToken(r.Context(), raw)
	if err != nil {
		fail(err.Error())
		return
	}
	sid, _ := at.Claims["sid"].(string)
	active, err := s.sessionActive(r.Context(), sid)
	if err != nil {
		s.log.ErrorContext(r.Context(), "idporten: userinfo", "err", err)
		respond.JSON(w, http.StatusInternalServerError, oauthBody{Error: "server_error"})
		return
	}
	if !active {
		fail("the login session of this token has ended")
		return
	}
	if sc, _ := at.Claims["scope"].(string); !hasScope(sc, "openid") {
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="openid"`)
		respond.JSON(w, http.StatusForbidden, oauthBody{Error: "insufficient_scope", Description: "the token was not issued for openid"})
		return
	}
	respond.JSON(w, http.StatusOK, map[string]any{"sub": at.Claims["sub"], "pid": at.Claims["pid"], "locale": at.Claims["locale"]})
}

// handleLogout is GET /idporten/logout (end session). The session is
// that of id_token_hint, else the browser's. A post_logout_redirect_uri is
// followed only when it is registered on the client (named by the hint's
// aud or client_id); any other is an error page, never a redirect.
func (s *Service) handleLogout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	lang := pickLocale(q.Get("ui_locales"))
	sid, clientID := s.sid(r), q.Get("client_id")
	if hint := q.Get("id_token_hint"); hint != "" {
		v, err := s.signer.VerifySignature(ctx, hint)
		if err != nil || v.Purpose != signing.IDPorten {
			s.errorPage(w, r, lang, http.StatusBadRequest, "err.badLogoutClient")
			return
		}
		if hs, _ := v.Claims["sid"].(string); hs != "" {
			sid = hs
		}
		if aud, _ := v.Claims["aud"].(string); aud != "" {
			if clientID != "" && clientID != aud {
				s.errorPage(w, r, lang, http.StatusBadRequest, "err.badLogoutClient")
				return
			}
			clientID = aud
		}
	}
	to := q.Get("post_logout_redirect_uri")
	if to != "" {
		c, err := s.client(ctx, clientID)
		if err != nil || clientID == "" {
			s.errorPage(w, r, lang, http.StatusBadRequest, "err.badLogoutClient")
			return
		}
		if !c.postLogoutAllowed(to) {
			s.errorPage(w, r, lang, http.StatusBadRequest, "err.badLogoutURI", to, clientID)
			return
		}
	}
	if err := s.logout(ctx, sid); err != nil {
		s.log.ErrorContext(ctx, "idporten: logout", "err", err)
		s.errorPage(w, r, lang, http.StatusInternalServerError, "err.internal")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/idporten/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	if to != "" {
		http.Redirect(w, r, withQuery(to, url.Values{"state": optional(q.Get("state"))}), http.StatusFound)
		return
	}
	s.render(w, r, http.StatusOK, "loggedout", struct{ basePage }{newBase(lang, "logout.title", nil)})
}
