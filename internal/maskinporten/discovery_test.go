package maskinporten_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// The metadata advertises only what /token accepts: every grant type,
// signing algorithm and authorization_details type it lists gets a token
// from a client that uses it, and a type /token refuses (MP-301) is not
// listed.
func TestDiscoveryOnlyWhatTokenSupports(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	d := f.s.Discovery()

	// A client whose key names no alg, so each listed alg may sign.
	key, rsaKey := clientKey(t)
	if err := key.Remove(jwk.AlgorithmKey); err != nil {
		t.Fatal(err)
	}
	set, err := mpgrant.PublicJWKS(key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.c.CreateClient(context.Background(), mpclient.NewClient{OrgNo: vendorOrg, Name: "any alg", Scopes: []string{"test:read"}, JWKS: mpclient.JWKS(set)})
	if err != nil {
		t.Fatal(err)
	}
	claims := func() map[string]any {
		return mpgrant.Claims(mpgrant.Options{ClientID: c.ClientID, Audience: testIssuer, Scopes: []string{"test:read"}, Now: f.clock.Now()})
	}
	for _, gt := range d.GrantTypesSupported {
		a := sign(t, rsaKey, map[string]any{"alg": "RS256", "kid": key.KeyID()}, claims())
		if _, err := f.s.ValidateGrant(context.Background(), maskinporten.TokenRequest{GrantType: gt, Assertion: a}); err != nil {
			t.Errorf("listed grant type %s refused: %v", gt, err)
		}
	}
	for _, alg := range d.TokenEndpointAuthSigningAlgs {
		if _, err := f.grant(t, sign(t, rsaKey, map[string]any{"alg": alg, "kid": key.KeyID()}, claims())); err != nil {
			t.Errorf("listed alg %s refused: %v", alg, err)
		}
	}
	if len(d.AuthorizationDetailsTypesSupported) == 0 {
		t.Fatal("no authorization_details type listed")
	}
	// A type is supported when /token reads it rather than refusing it as
	// unknown (MP-301); the fixture's system user makes this one succeed.
	for _, typ := range append(slices.Clone(d.AuthorizationDetailsTypesSupported), "urn:altinn:consent") {
		c := f.claims()
		c["authorization_details"] = []any{map[string]any{"type": typ, "systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:" + ownerOrg}}}
		_, err := f.grant(t, sign(t, f.rsaA, f.header(), c))
		var e *maskinporten.Error
		refused := errors.As(err, &e) && e.MP == "MP-301"
		listed := slices.Contains(d.AuthorizationDetailsTypesSupported, typ)
		switch {
		case listed && err != nil:
			t.Errorf("listed type %s refused: %v", typ, err)
		case !listed && !refused:
			t.Errorf("unlisted type %s: %v, want MP-301 (else list it)", typ, err)
		}
	}
}
