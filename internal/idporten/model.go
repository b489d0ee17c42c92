// Package idporten is the emulator's ID-porten: an OpenID Provider under
// /idporten for the authorization code flow with PKCE, where a test person
// logs in with one click. It issues id tokens and access tokens with the
// claims ID-porten sets, rotates refresh tokens, and ends sessions. The
// Altinn side (the exchange of its access tokens) is internal/exchange.
//
// All state of a flow (the pending request, the login session, codes and
// refresh tokens) lives in PostgreSQL, so any instance serves any step.
package idporten

import (
	"github.com/altinn-sim/altinn-sim/internal/i18n"
	"slices"
	"time"
)

// Levels of assurance a client may ask for in acr_values, weakest first.
const (
	LoASubstantial = "idporten-loa-substantial"
	LoAHigh        = "idporten-loa-high"
)

var levels = []string{LoASubstantial, LoAHigh}

// levelRank orders acr values; -1 is not one of ours.
func levelRank(acr string) int { return slices.Index(levels, acr) }

// The methods a client may authenticate with at the token endpoint.
const (
	AuthSecretBasic   = "client_secret_basic"
	AuthSecretPost    = "client_secret_post"
	AuthPrivateKeyJWT = "private_key_jwt"
)

// Lifetimes, on the emulator's clock.
const (
	// codeLifetime: an authorization code must be redeemed within it.
	codeLifetime = 60 * time.Second
	// requestLifetime: how long the login page of one authorization
	// request stays usable.
	requestLifetime = 30 * time.Minute
	// tokenLifetime of access and id tokens.
	tokenLifetime = 120 * time.Second
	// sessionLifetime of a login (single sign-on) and of the refresh
	// tokens issued in it.
	sessionLifetime = 8 * time.Hour
	// maxAssertionLifetime bounds exp - iat of a client assertion.
	maxAssertionLifetime = 120 * time.Second
)

// amrTestID is the authentication method of every login here: the test
// persons of ID-porten's test environment log in with TestID.
const amrTestID = "TestID"

// Locales ID-porten's pages speak (ui_locales); nb is the default.
const (
	LangNB = i18n.NB
	LangNN = i18n.NN
	LangEN = i18n.EN
)

// pickLocale is the first ui_locales value we speak, else nb.
func pickLocale(uiLocales string) string {
	for _, l := range splitSpaces(uiLocales) {
		switch l {
		case LangNB, LangNN, LangEN:
			return l
		}
	}
	return LangNB
}

// Client is an ID-porten integration.
type Client struct {
	ClientID string
	OrgNo    string
	Name     string
	// RedirectURIs and PostLogoutRedirectURIs are matched exactly; the
	// demo client matches any loopback URI instead (AnyLoopback).
	RedirectURIs           []string
	PostLogoutRedirectURIs []string
	AnyLoopback            bool
	// Scopes the client may ask for besides openid and profile; the demo
	// client may ask for any altinn: scope (AnyAltinnScope).
	Scopes         []string
	AnyAltinnScope bool
	// AuthMethods the token endpoint accepts from it.
	AuthMethods  []string
	SecretSHA256 []byte
	// JWKS is the client's public key set for private_key_jwt.
	JWKS []byte

	// usedMethod is how the client authenticated on this request (the
	// access token's client_amr).
	usedMethod string
}

// authRequest is a checked authorization request.
type authRequest struct {
	ID            string
	ClientID      string
	RedirectURI   string
	Scope         string
	State         string
	Nonce         string
	ACR           string
	Locale        string
	CodeChallenge string
	Prompt        string
	Expires       time.Time
}

// session is a person's login in one browser.
type session struct {
	SID      string
	PID      string
	ACR      string
	AuthTime time.Time
	Expires  time.Time
}

// grant is what a code or a refresh token stands for.
type grant struct {
	ClientID    string
	RedirectURI string
	Scope       string
	Nonce       string
	ACR         string
	Locale      string
	Challenge   string
	SID         string
	PID         string
	AuthTime    time.Time
	Expires     time.Time
	Used        *time.Time
	Family      string
}

// TokenResponse is the token endpoint's answer.
type TokenResponse struct {
	AccessToken           string `json:"access_token"`
	IDToken               string `json:"id_token,omitempty"`
	TokenType             string `json:"token_type"`
	ExpiresIn             int64  `json:"expires_in"`
	Scope                 string `json:"scope"`
	RefreshToken          string `json:"refresh_token,omitempty"`
	RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in,omitempty"`
}
