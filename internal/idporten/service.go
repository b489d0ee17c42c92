package idporten

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/pageset"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// Persons lists the test persons the login page offers.
type Persons interface {
	Persons(ctx context.Context) ([]parties.PersonWithRoles, error)
}

// Deps are the collaborators of the service.
type Deps struct {
	Pool    *pgxpool.Pool
	Clock   clock.Clock
	Log     *slog.Logger
	Signer  *signing.Service
	Persons Persons
	// Integrations are the registered ID-porten clients (nil: only the
	// demo client).
	Integrations Integrations
	// Web holds templates/idporten/*.tmpl and the portal's stylesheet;
	// Dev re-reads the templates on each render.
	Web fs.FS
	Dev bool
	// SecureCookies marks the session cookie Secure (https public URL).
	SecureCookies bool
}

// Service is the OpenID Provider.
type Service struct {
	pool         *pgxpool.Pool
	clock        clock.Clock
	log          *slog.Logger
	signer       *signing.Service
	persons      Persons
	integrations Integrations
	issuer       string
	secure       bool
	pages        *pageset.Set
}

// New builds the service; it fails when a page template is missing or
// does not parse.
func New(d Deps) (*Service, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	pages, err := pageset.New(d.Web, "templates/idporten", pageNames, d.Dev)
	if err != nil {
		return nil, err
	}
	return &Service{pool: d.Pool, clock: d.Clock, log: d.Log, signer: d.Signer, persons: d.Persons, integrations: d.Integrations,
		issuer: d.Signer.Settings().IDPortenIssuer, secure: d.SecureCookies, pages: pages}, nil
}

// Issuer is ID-porten's issuer: the public URL plus /idporten.
func (s *Service) Issuer() string { return s.issuer }

// oauthError is an OAuth error: sent to the client's redirect URI from
// the authorization endpoint, or as JSON from the token endpoint.
type oauthError struct {
	Code        string
	Description string
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Description }

func oauthErr(code, format string, args ...any) *oauthError {
	return &oauthError{Code: code, Description: fmt.Sprintf(format, args...)}
}

// pageError is an authorization request so broken that nobody can be
// told by redirect (no valid client and redirect URI): the person sees a
// page, never a redirect to a URI the client did not register.
type pageError struct {
	key  string
	args []any
}

func (e *pageError) Error() string { return fmt.Sprintf("%s %v", e.key, e.args) }

var challengeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43,128}$`)

// checkAuthorize checks an authorization request in ID-porten's order:
// client and redirect URI first (a *pageError), then everything that can
// be answered at the redirect URI (an *oauthError, with the request as
// far as it was read, for state).
func (s *Service) checkAuthorize(ctx context.Context, q url.Values) (authRequest, error) {
	a := authRequest{ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), State: q.Get("state"),
		Nonce: q.Get("nonce"), Locale: pickLocale(q.Get("ui_locales")), Prompt: q.Get("prompt")}
	if a.ClientID == "" {
		return a, &pageError{key: "err.noClient"}
	}
	c, err := s.client(ctx, a.ClientID)
	if errors.Is(err, dberr.ErrNotFound) {
		return a, &pageError{key: "err.unknownClient", args: []any{a.ClientID}}
	}
	if err != nil {
		return a, err
	}
	if a.RedirectURI == "" {
		return a, &pageError{key: "err.noRedirect"}
	}
	if !c.redirectAllowed(a.RedirectURI) {
		return a, &pageError{key: "err.badRedirect", args: []any{a.RedirectURI, a.ClientID}}
	}
	for _, name := range []string{"request", "request_uri"} {
		if q.Has(name) {
			return a, oauthErr("request_not_supported", "%s is not supported; send the parameters in the query", name)
		}
	}
	if rt := q.Get("response_type"); rt != "code" {
		return a, oauthErr("unsupported_response_type", "response_type must be code, not %q", rt)
	}
	if rm := q.Get("response_mode"); rm != "" && rm != "query" {
		return a, oauthErr("invalid_request", "response_mode %q is not supported; use query", rm)
	}
	scopes := splitSpaces(q.Get("scope"))
	if len(scopes) == 0 {
		return a, oauthErr("invalid_scope", "scope is missing")
	}
	for _, sc := range scopes {
		if !c.scopeAllowed(sc) {
			return a, oauthErr("invalid_scope", "scope %s is not registered on client %s", sc, c.ClientID)
		}
	}
	a.Scope = strings.Join(scopes, " ")
	a.CodeChallenge = q.Get("code_challenge")
	if a.CodeChallenge == "" {
		return a, oauthErr("invalid_request", "PKCE is required: code_challenge is missing")
	}
	if m := q.Get("code_challenge_method"); m != "S256" {
		return a, oauthErr("invalid_request", "code_challenge_method must be S256, not %q", m)
	}
	if !challengeRE.MatchString(a.CodeChallenge) {
		return a, oauthErr("invalid_request", "code_challenge must be 43 to 128 characters of base64url")
	}
	a.ACR = LoASubstantial
	if v := q.Get("acr_values"); v != "" {
		best := -1
		for _, acr := range splitSpaces(v) {
			r := levelRank(acr)
			if r < 0 {
				return a, oauthErr("invalid_request", "acr_values: %q is not %s or %s", acr, LoASubstantial, LoAHigh)
			}
			best = max(best, r)
		}
		a.ACR = levels[best]
	}
	switch a.Prompt {
	case "", "login", "none":
	default:
		return a, oauthErr("invalid_request", "prompt %q is not supported; use login or none", a.Prompt)
	}
	return a, nil
}

// authorizeOutcome is what the authorization endpoint does next.
type authorizeOutcome struct {
	// Redirect is set when the person was already logged in (single
	// sign-on): the client's redirect URI with the code.
	Redirect string
	// RequestID is set when the login page must be shown for the stored
	// request.
	RequestID string
}

// authorize answers a checked request: with the session of sid when it
// is good enough and prompt is not login, else by storing the request for
// the login page (prompt=none then fails with login_required).
func (s *Service) authorize(ctx context.Context, a authRequest, sid string) (authorizeOutcome, error) {
	now := s.clock.Now()
	if sid != "" && a.Prompt != "login" {
		ss, err := sessionBySID(ctx, s.pool, sid)
		switch {
		case err == nil && ss.Expires.After(now) && levelRank(ss.ACR) >= levelRank(a.ACR):
			code, err := s.issueCode(ctx, s.pool, a, ss)
			if err != nil {
				return authorizeOutcome{}, err
			}
			return authorizeOutcome{Redirect: codeRedirect(a, code, s.issuer)}, nil
		case err != nil && !errors.Is(err, dberr.ErrNotFound):
			return authorizeOutcome{}, err
		}
	}
	if a.Prompt == "none" {
		return authorizeOutcome{}, oauthErr("login_required", "the person is not logged in")
	}
	a.ID = randomToken()
	a.Expires = now.Add(requestLifetime)
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		if err := purgeExpired(ctx, q, now); err != nil {
			return err
		}
		return insertAuthRequest(ctx, q, a)
	})
	if err != nil {
		return authorizeOutcome{}, err
	}
	return authorizeOutcome{RequestID: a.ID}, nil
}

// errLoginRequest is a login for a request that is unknown or expired.
var errLoginRequest = errors.New("the login request is unknown or has expired")

// pendingRequest is a stored request still waiting for a login.
func (s *Service) pendingRequest(ctx context.Context, id string) (authRequest, error) {
	a, err := authRequestByID(ctx, s.pool, id)
	if errors.Is(err, dberr.ErrNotFound) || err == nil && !a.Expires.After(s.clock.Now()) {
		return a, errLoginRequest
	}
	return a, err
}

// login logs pid in for the stored request: a new session, a code, and
// the redirect to the client. The request is used up.
func (s *Service) login(ctx context.Context, requestID, pid, lang string) (redirect, sid string, err error) {
	now := s.clock.Now()
	err = db.InTx(ctx, s.pool, func(q db.Querier) error {
		a, err := takeAuthRequest(ctx, q, requestID)
		if errors.Is(err, dberr.ErrNotFound) || err == nil && !a.Expires.After(now) {
			return errLoginRequest
		}
		if err != nil {
			return err
		}
		// The language the person logged in with is the tokens' locale.
		a.Locale = lang
		ss := session{SID: randomToken(), PID: pid, ACR: a.ACR, AuthTime: now, Expires: now.Add(sessionLifetime)}
		if err := insertSession(ctx, q, ss); err != nil {
			return err
		}
		code, err := s.issueCode(ctx, q, a, ss)
		if err != nil {
			return err
		}
		redirect, sid = codeRedirect(a, code, s.issuer), ss.SID
		return nil
	})
	return redirect, sid, err
}

// cancel answers a stored request with access_denied, as when the person
// cancels the login.
func (s *Service) cancel(ctx context.Context, requestID string) (string, error) {
	var a authRequest
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		var err error
		a, err = takeAuthRequest(ctx, q, requestID)
		if errors.Is(err, dberr.ErrNotFound) {
			return errLoginRequest
		}
		return err
	})
	if err != nil {
		return "", err
	}
	return errorRedirect(a, oauthErr("access_denied", "the person cancelled the login"), s.issuer), nil
}

func (s *Service) issueCode(ctx context.Context, q db.Querier, a authRequest, ss session) (string, error) {
	code := randomToken()
	g := grant{ClientID: a.ClientID, RedirectURI: a.RedirectURI, Scope: a.Scope, Nonce: a.Nonce, ACR: ss.ACR,
		Locale: a.Locale, Challenge: a.CodeChallenge, SID: ss.SID, PID: ss.PID, AuthTime: ss.AuthTime,
		Expires: s.clock.Now().Add(codeLifetime)}
	// The level asked for, when the session's is higher.
	if levelRank(a.ACR) < levelRank(ss.ACR) {
		g.ACR = a.ACR
	}
	if err := insertCode(ctx, q, hashToken(code), g); err != nil {
		return "", err
	}
	return code, nil
}

// codeRedirect is the client's redirect URI with code, state and iss
// (RFC 9207) added to its own query.
func codeRedirect(a authRequest, code, issuer string) string {
	return withQuery(a.RedirectURI, url.Values{"code": {code}, "state": optional(a.State), "iss": {issuer}})
}

// errorRedirect is the client's redirect URI with the error.
func errorRedirect(a authRequest, e *oauthError, issuer string) string {
	return withQuery(a.RedirectURI, url.Values{"error": {e.Code}, "error_description": {e.Description},
		"state": optional(a.State), "iss": {issuer}})
}

func optional(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

func withQuery(base string, add url.Values) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	for k, vs := range add {
		for _, v := range vs {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// redeemCode is the authorization_code grant for an authenticated client.
func (s *Service) redeemCode(ctx context.Context, c Client, code, redirectURI, verifier string) (TokenResponse, error) {
	g, err := s.redeemGrant(ctx, c, code, redirectURI, verifier)
	if err != nil {
		return TokenResponse{}, err
	}
	return s.tokens(ctx, c, g, true)
}

// redeemGrant uses a code up and returns what it stands for, after every
// check of the authorization_code grant.
func (s *Service) redeemGrant(ctx context.Context, c Client, code, redirectURI, verifier string) (grant, error) {
	if code == "" {
		return grant{}, oauthErr("invalid_request", "code is missing")
	}
	now := s.clock.Now()
	g, reused, err := s.useOnce(ctx, func(q db.Querier) (grant, error) { return useCode(ctx, q, hashToken(code), now) })
	if errors.Is(err, dberr.ErrNotFound) {
		return grant{}, oauthErr("invalid_grant", "the code is unknown")
	}
	if err != nil {
		return grant{}, err
	}
	switch {
	case reused:
		return grant{}, oauthErr("invalid_grant", "the code has already been used")
	case !g.Expires.After(now):
		return grant{}, oauthErr("invalid_grant", "the code expired at %s", g.Expires.UTC().Format(time.RFC3339))
	case g.ClientID != c.ClientID:
		return grant{}, oauthErr("invalid_grant", "the code was issued to another client")
	case redirectURI != g.RedirectURI:
		return grant{}, oauthErr("invalid_grant", "redirect_uri does not match the authorization request")
	case verifier == "":
		return grant{}, oauthErr("invalid_grant", "code_verifier is missing (PKCE)")
	case !pkceMatches(verifier, g.Challenge):
		return grant{}, oauthErr("invalid_grant", "code_verifier does not match the code_challenge")
	}
	return g, nil
}

// useOnce marks a code or refresh token used (use) in one transaction.
// One already used is a replay: every token of its family is revoked, as
// OAuth asks of a reused code or refresh token, and reused is true.
func (s *Service) useOnce(ctx context.Context, use func(db.Querier) (grant, error)) (g grant, reused bool, err error) {
	err = db.InTx(ctx, s.pool, func(q db.Querier) error {
		var err error
		if g, err = use(q); err != nil {
			return err
		}
		if g.Used != nil {
			reused = true
			return revokeFamily(ctx, q, g.Family)
		}
		return nil
	})
	return g, reused, err
}

// refresh is the refresh_token grant: the token is used up and a new one
// issued in its place; presenting a used one revokes every token of its
// chain.
func (s *Service) refresh(ctx context.Context, c Client, token string) (TokenResponse, error) {
	if token == "" {
		return TokenResponse{}, oauthErr("invalid_request", "refresh_token is missing")
	}
	now := s.clock.Now()
	g, reused, err := s.useOnce(ctx, func(q db.Querier) (grant, error) { return useRefresh(ctx, q, hashToken(token), now) })
	if errors.Is(err, dberr.ErrNotFound) {
		return TokenResponse{}, oauthErr("invalid_grant", "the refresh token is unknown or revoked")
	}
	if err != nil {
		return TokenResponse{}, err
	}
	switch {
	case reused:
		return TokenResponse{}, oauthErr("invalid_grant", "the refresh token has already been used; its chain is revoked")
	case !g.Expires.After(now):
		return TokenResponse{}, oauthErr("invalid_grant", "the refresh token has expired")
	case g.ClientID != c.ClientID:
		return TokenResponse{}, oauthErr("invalid_grant", "the refresh token was issued to another client")
	}
	return s.tokens(ctx, c, g, false)
}

// logout ends the session sid (the browser's, or the id_token_hint's)
// and its refresh tokens.
func (s *Service) logout(ctx context.Context, sid string) error {
	if sid == "" {
		return nil
	}
	return db.InTx(ctx, s.pool, func(q db.Querier) error { return endSession(ctx, q, sid) })
}

func pkceMatches(verifier, challenge string) bool {
	if len(verifier) < 43 || len(verifier) > 128 {
		return false
	}
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:]) == challenge
}

// randomToken is 32 random bytes, base64url: codes, refresh tokens,
// session and request ids.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the database keeps of a code or refresh token.
func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

func splitSpaces(s string) []string { return strings.Fields(s) }
