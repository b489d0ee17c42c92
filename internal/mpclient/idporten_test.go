package mpclient

import (
	"slices"
	"strings"
	"testing"
)

// TestCheckIDPortenRegistration: what only an ID-porten client has, at the
// edge of each rule — the auth method (client_secret_basic when left out),
// the application type, the grant types, and redirect URIs that must be
// absolute http(s) with a host, no fragment and at most 2000 characters.
func TestCheckIDPortenRegistration(t *testing.T) {
	const cb = "https://a.example/cb"
	long := "https://a.example/" + strings.Repeat("x", 2000-len("https://a.example/"))
	for _, c := range []struct {
		name       string
		in         Registration
		method     string // after the check, when it passes
		code, path string // the one error, if any
	}{
		{"method left out", Registration{RedirectURIs: []string{cb}}, AuthSecretBasic, "", ""},
		{"client_secret_post", Registration{TokenEndpointAuthMethod: AuthSecretPost, RedirectURIs: []string{cb}}, AuthSecretPost, "", ""},
		{"private_key_jwt", Registration{TokenEndpointAuthMethod: AuthPrivateKeyJWT, RedirectURIs: []string{cb}}, AuthPrivateKeyJWT, "", ""},
		{"method none", Registration{TokenEndpointAuthMethod: "none", RedirectURIs: []string{cb}}, "", "SIM.VLD-00328", "/token_endpoint_auth_method"},
		{"application_type web", Registration{ApplicationType: ApplicationWeb, RedirectURIs: []string{cb}}, AuthSecretBasic, "", ""},
		{"application_type native", Registration{ApplicationType: "native", RedirectURIs: []string{cb}}, "", "SIM.VLD-00322", "/application_type"},
		{"code alone", Registration{GrantTypes: []string{GrantAuthCode}, RedirectURIs: []string{cb}}, AuthSecretBasic, "", ""},
		{"code and refresh", Registration{GrantTypes: []string{GrantAuthCode, GrantRefresh}, RedirectURIs: []string{cb}}, AuthSecretBasic, "", ""},
		{"refresh alone", Registration{GrantTypes: []string{GrantRefresh}, RedirectURIs: []string{cb}}, "", "SIM.VLD-00329", "/grant_types"},
		{"no grant types", Registration{GrantTypes: []string{}, RedirectURIs: []string{cb}}, "", "SIM.VLD-00329", "/grant_types"},
		{"no redirect URI", Registration{}, "", "SIM.VLD-00330", "/redirect_uris"},
		{"plain http", Registration{RedirectURIs: []string{"http://localhost:8080/cb"}}, AuthSecretBasic, "", ""},
		{"2000 characters", Registration{RedirectURIs: []string{long}}, AuthSecretBasic, "", ""},
		{"2001 characters", Registration{RedirectURIs: []string{cb, long + "x"}}, "", "SIM.VLD-00330", "/redirect_uris/1"},
		{"a fragment", Registration{RedirectURIs: []string{cb + "#x"}}, "", "SIM.VLD-00330", "/redirect_uris/0"},
		{"no host", Registration{RedirectURIs: []string{"https:///cb"}}, "", "SIM.VLD-00330", "/redirect_uris/0"},
		{"relative", Registration{RedirectURIs: []string{"/cb"}}, "", "SIM.VLD-00330", "/redirect_uris/0"},
		{"another scheme", Registration{RedirectURIs: []string{"ftp://a.example/cb"}}, "", "SIM.VLD-00330", "/redirect_uris/0"},
		{"logout URI", Registration{RedirectURIs: []string{cb}, PostLogoutRedirectURIs: []string{"https://a.example/bye"}}, AuthSecretBasic, "", ""},
		{"bad logout URI", Registration{RedirectURIs: []string{cb}, PostLogoutRedirectURIs: []string{"https://a.example/bye", "bye"}}, "", "SIM.VLD-00331", "/post_logout_redirect_uris/1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := c.in
			errs := checkIDPortenRegistration(&in)
			if c.code == "" {
				if len(errs) != 0 || in.TokenEndpointAuthMethod != c.method {
					t.Fatalf("errors %+v, method %q; want none and %q", errs, in.TokenEndpointAuthMethod, c.method)
				}
				return
			}
			if len(errs) != 1 || errs[0].Code != c.code || len(errs[0].Paths) != 1 || errs[0].Paths[0] != c.path {
				t.Fatalf("errors %+v; want %s at %s", errs, c.code, c.path)
			}
		})
	}
}

// TestUsesSecret: the two secret methods use the client secret;
// private_key_jwt and anything else do not.
func TestUsesSecret(t *testing.T) {
	for method, want := range map[string]bool{AuthSecretBasic: true, AuthSecretPost: true, AuthPrivateKeyJWT: false, "": false} {
		if got := usesSecret(method); got != want {
			t.Errorf("usesSecret(%q) = %v, want %v", method, got, want)
		}
	}
}

// TestAsRegistration: a Maskinporten client answers the jwt-bearer grant
// and no redirect URIs; an ID-porten client the code and refresh grants,
// its redirect URIs, and its logout URIs as a list ([], never null) even
// when the Client holds nil.
func TestAsRegistration(t *testing.T) {
	cb := []string{"https://a.example/cb"}
	bye := []string{"https://a.example/bye"}
	for _, c := range []struct {
		name                  string
		in                    Client
		grants, redir, logout []string
	}{
		{"Maskinporten", Client{IntegrationType: IntegrationMaskinporten}, []string{GrantJWTBearer}, nil, nil},
		{"ID-porten", Client{IntegrationType: IntegrationIDPorten, RedirectURIs: cb, PostLogoutRedirectURIs: bye}, []string{GrantAuthCode, GrantRefresh}, cb, bye},
		{"ID-porten without logout URIs", Client{IntegrationType: IntegrationIDPorten, RedirectURIs: cb}, []string{GrantAuthCode, GrantRefresh}, cb, []string{}},
	} {
		r := AsRegistration(c.in)
		if !slices.Equal(r.GrantTypes, c.grants) || !slices.Equal(r.RedirectURIs, c.redir) || !slices.Equal(r.PostLogoutRedirectURIs, c.logout) ||
			(r.PostLogoutRedirectURIs == nil) != (c.logout == nil) {
			t.Errorf("%s: grant_types %q, redirect_uris %q, post_logout_redirect_uris %#v; want %q, %q, %#v", c.name, r.GrantTypes, r.RedirectURIs, r.PostLogoutRedirectURIs, c.grants, c.redir, c.logout)
		}
	}
}
