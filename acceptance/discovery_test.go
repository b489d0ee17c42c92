package acceptance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// authServerMetadata is RFC 8414 §2 as Maskinporten fills it in.
type authServerMetadata struct {
	Issuer                                string   `json:"issuer"`
	TokenEndpoint                         string   `json:"token_endpoint"`
	JWKSURI                               string   `json:"jwks_uri"`
	AuthorizationEndpoint                 *string  `json:"authorization_endpoint"`
	GrantTypesSupported                   []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported     []string `json:"token_endpoint_auth_methods_supported"`
	TokenEndpointAuthSigningAlgsSupported []string `json:"token_endpoint_auth_signing_alg_values_supported"`
	AuthorizationDetailsTypesSupported    []string `json:"authorization_details_types_supported"`
}

// TestDiscoveryLikeMaskinporten reads /.well-known/oauth-authorization-server
// as an RFC 8414 client does and checks every field Maskinporten publishes, then the JWKS it points to.
func TestDiscoveryLikeMaskinporten(t *testing.T) {
	t.Parallel()
	e := start(t)
	r := e.do("GET", "/.well-known/oauth-authorization-server", "", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("metadata: %d %q %s", r.status, r.header.Get("Content-Type"), r)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	var md authServerMetadata
	if err := json.Unmarshal(r.body, &md); err != nil {
		t.Fatal(err)
	}
	// RFC 8414 §3.3: the issuer must be identical to the one the client
	// built the well-known URL from (our public URL plus "/").
	if md.Issuer != e.srv.URL+"/" {
		t.Errorf("issuer %q, want %q", md.Issuer, e.srv.URL+"/")
	}
	if md.TokenEndpoint != e.srv.URL+"/token" || md.JWKSURI != e.srv.URL+"/jwk" {
		t.Errorf("token_endpoint %q, jwks_uri %q", md.TokenEndpoint, md.JWKSURI)
	}
	if md.AuthorizationEndpoint != nil {
		t.Errorf("authorization_endpoint %q: Maskinporten publishes none", *md.AuthorizationEndpoint)
	}
	for name, pair := range map[string][2][]string{
		"grant_types_supported":                            {md.GrantTypesSupported, {"urn:ietf:params:oauth:grant-type:jwt-bearer"}},
		"token_endpoint_auth_methods_supported":            {md.TokenEndpointAuthMethodsSupported, {"private_key_jwt"}},
		"token_endpoint_auth_signing_alg_values_supported": {md.TokenEndpointAuthSigningAlgsSupported, {"RS256", "RS384", "RS512"}},
		"authorization_details_types_supported":            {md.AuthorizationDetailsTypesSupported, {"urn:altinn:systemuser"}},
	} {
		if !slices.Equal(pair[0], pair[1]) {
			t.Errorf("%s = %v, want %v", name, pair[0], pair[1])
		}
		if _, ok := raw[name]; !ok {
			t.Errorf("no %s", name)
		}
	}

	// The JWKS: RSA signing keys with kid, as jose/openid-client expect.
	r = e.do("GET", strings.TrimPrefix(md.JWKSURI, e.srv.URL), "", nil)
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &set) != nil || len(set.Keys) == 0 {
		t.Fatalf("jwks: %d %s", r.status, r)
	}
	for _, k := range set.Keys {
		if k["kty"] != "RSA" || k["kid"] == nil || k["n"] == nil || k["e"] == nil || k["d"] != nil {
			t.Errorf("jwks key %v: want a public RSA key with kid", k)
		}
		if u, ok := k["use"]; ok && u != "sig" {
			t.Errorf("jwks key use %v", u)
		}
	}
	// A trailing-slash-less well-known path, as some readers build it,
	// must not be a different document.
	if r := e.do("GET", "/.well-known/oauth-authorization-server/", "", nil); r.status == 200 && !strings.Contains(r.String(), fmt.Sprintf("%q", md.Issuer)) {
		t.Errorf("well-known with slash serves another document: %s", r)
	}
}
