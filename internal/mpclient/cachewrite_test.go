package mpclient

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// TestOrgWritesDropTheCachedClient: with the client cache live, every
// self-service write of a client is seen by the next grant's Lookup — the
// write notified, so the cached client was dropped — not the client as it
// was cached before the write.
func TestOrgWritesDropTheCachedClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newRegister(t, nil)
	listenLive(t, s)
	big, _, _ := testKeys(t)
	key := func(kid string) json.RawMessage {
		return jwkJSON(t, &big.PublicKey, map[string]string{"kid": kid, "alg": "RS256", "use": "sig"})
	}
	in := Registration{IntegrationType: IntegrationMaskinporten, ClientName: "before", Scopes: []string{"test:read"}}
	for _, c := range []struct {
		name  string
		write func(id string) error
		seen  func(c Client, err error) bool // the write, as Lookup answers after it
	}{
		{"AddOrgKeys", func(id string) error {
			_, err := s.AddOrgKeys(ctx, org, id, JWKS{Keys: []json.RawMessage{key("k2")}})
			return err
		}, func(c Client, err error) bool { return err == nil && len(c.JWKS.Keys) == 2 }},
		{"ReplaceOrgKeys", func(id string) error {
			_, err := s.ReplaceOrgKeys(ctx, org, id, JWKS{Keys: []json.RawMessage{key("k3")}})
			return err
		}, func(c Client, err error) bool {
			return err == nil && len(c.JWKS.Keys) == 1 && sameJSON(c.JWKS.Keys[0], key("k3"))
		}},
		{"UpdateRegistration", func(id string) error {
			upd := in
			upd.ClientName = "after"
			_, err := s.UpdateRegistration(ctx, org, id, upd)
			return err
		}, func(c Client, err error) bool { return err == nil && c.Name == "after" }},
		{"DeleteOrgClient", func(id string) error { return s.DeleteOrgClient(ctx, org, id) },
			func(_ Client, err error) bool { return errors.Is(err, dberr.ErrNotFound) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			cl, err := s.RegisterWithKeys(ctx, org, in, JWKS{Keys: []json.RawMessage{key("k1")}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Lookup(ctx, cl.ClientID); err != nil { // now cached
				t.Fatal(err)
			}
			if err := c.write(cl.ClientID); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Lookup(ctx, cl.ClientID); !c.seen(got, err) {
				t.Fatalf("Lookup after the write answers the client as cached before it: name %q, %d keys, %v", got.Name, len(got.JWKS.Keys), err)
			}
		})
	}
}
