package mpclient

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// RegisterWithKeys writes the client and its keys together, under the
// self-service API's rules for both; anything refused writes nothing.
func TestRegisterWithKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rules := &scopeRules{refuse: map[string]string{"altinn:serviceowner": "not granted"}}
	s, clk := newRegister(t, rules)
	big, small, _ := testKeys(t)
	good := jwkJSON(t, &big.PublicKey, map[string]string{"kid": "k1", "alg": "RS256", "use": "sig"})
	in := Registration{IntegrationType: IntegrationMaskinporten, ClientName: "Lønn", Description: "d", Scopes: []string{"test:read"}}

	c, err := s.RegisterWithKeys(ctx, org, in, JWKS{Keys: []json.RawMessage{good}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.OrgClient(ctx, org, c.ClientID)
	now := clk.Now().UTC().Truncate(time.Microsecond)
	if err != nil || !sameJSON(got.JWKS.Keys, []json.RawMessage{good}) || !got.JWKSUpdated.Equal(now) || got.Name != "Lønn" ||
		got.TokenEndpointAuthMethod != AuthPrivateKeyJWT {
		t.Fatalf("read back %+v, %v", got, err)
	}

	for name, tc := range map[string]struct {
		in   Registration
		keys []json.RawMessage
		want []any
	}{
		"no alg": {in, []json.RawMessage{jwkJSON(t, &big.PublicKey, map[string]string{"kid": "k", "use": "sig"})},
			[]any{"SIM.VLD-00304", "/keys/0"}},
		"short key": {in, []json.RawMessage{jwkJSON(t, &small.PublicKey, map[string]string{"kid": "k", "alg": "RS256", "use": "sig"})},
			[]any{"SIM.VLD-00304", "/keys/0"}},
		"private key": {in, []json.RawMessage{jwkJSON(t, big, map[string]string{"kid": "k", "alg": "RS256", "use": "sig"})},
			[]any{"SIM.VLD-00304", "/keys/0"}},
		"refused scope": {Registration{IntegrationType: IntegrationMaskinporten, ClientName: "x", Scopes: []string{"altinn:serviceowner"}},
			[]json.RawMessage{good}, []any{"SIM.VLD-00306", "/scopes/0"}},
		"no name": {Registration{IntegrationType: IntegrationMaskinporten}, []json.RawMessage{good}, []any{"SIM.VLD-00326", "/client_name"}},
		"ID-porten": {Registration{IntegrationType: IntegrationIDPorten, ClientName: "x", RedirectURIs: []string{"https://a.example/cb"}},
			[]json.RawMessage{good}, []any{"SIM.VLD-00320", "/integration_type"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.RegisterWithKeys(ctx, org, tc.in, JWKS{Keys: tc.keys})
			wantValidation(t, err, vld(tc.want[0].(string), tc.want[1].(string), ""))
		})
	}
	if all, _ := s.OrgClients(ctx, org); len(all) != 1 {
		t.Fatalf("%d clients after the refusals, want the first alone", len(all))
	}
}

// AddOrgKeys adds to the set under the same checks, judging the whole set
// (each kid once, at most five); another organisation's client is not
// found; a refusal changes nothing.
func TestAddOrgKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, clk := newRegister(t, nil)
	big, _, _ := testKeys(t)
	key := func(kid string) json.RawMessage {
		return jwkJSON(t, &big.PublicKey, map[string]string{"kid": kid, "alg": "RS256", "use": "sig"})
	}
	c, err := s.RegisterWithKeys(ctx, org, Registration{IntegrationType: IntegrationMaskinporten, ClientName: "x"}, JWKS{Keys: []json.RawMessage{key("k1")}})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	got, err := s.AddOrgKeys(ctx, org, c.ClientID, JWKS{Keys: []json.RawMessage{key("k2")}})
	if err != nil || !sameJSON(got.JWKS.Keys, []json.RawMessage{key("k1"), key("k2")}) || !got.JWKSUpdated.Equal(clk.Now().UTC().Truncate(time.Microsecond)) {
		t.Fatalf("after adding: %+v, %v", got, err)
	}
	_, err = s.AddOrgKeys(ctx, org, c.ClientID, JWKS{Keys: []json.RawMessage{key("k1")}})
	wantValidation(t, err, vld("SIM.VLD-00304", "/keys/2", `kid "k1" is used by another key of this client`))
	_, err = s.AddOrgKeys(ctx, org, c.ClientID, JWKS{Keys: []json.RawMessage{key("k3"), key("k4"), key("k5"), key("k6")}})
	wantValidation(t, err, vld("SIM.VLD-00304", "/keys", "a client may have at most 5 keys, got 6"))
	_, err = s.AddOrgKeys(ctx, org, c.ClientID, JWKS{Keys: []json.RawMessage{jwkJSON(t, &big.PublicKey, map[string]string{"kid": "k7"})}})
	wantValidation(t, err, vld("SIM.VLD-00304", "/keys/0", ""))
	if _, err := s.AddOrgKeys(ctx, "974761076", c.ClientID, JWKS{Keys: []json.RawMessage{key("k8")}}); problem.From(err).Status != http.StatusNotFound {
		t.Fatalf("another organisation's client: %v", err)
	}
	if now, _ := s.OrgClient(ctx, org, c.ClientID); len(now.JWKS.Keys) != 2 {
		t.Fatalf("%d keys after the refusals", len(now.JWKS.Keys))
	}
}
