package simtest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/simtest"
)

// syncBuffer is a log sink the server writes to from its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestOptions: the signing algorithm, token lifetime and logger options
// reach the server; a client's private JWK is the key its grants are
// signed with.
func TestOptions(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	s := simtest.Start(t, simtest.WithSigningAlg("ES256"), simtest.WithTokenLifetime(30*time.Second),
		simtest.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	c := s.NewClient(t, simtest.VendorOrg, simtest.ScopeRequestRead)
	tok := s.Token(t, c)
	hdr, _, _ := strings.Cut(tok.AccessToken, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(hdr)
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(raw, &h) != nil || h.Alg != "ES256" {
		t.Errorf("token header %s, want alg ES256", raw)
	}
	if tok.ExpiresIn != 30 {
		t.Errorf("expires_in %d, want 30", tok.ExpiresIn)
	}
	s.AdvanceClock(t, time.Minute)
	if !strings.Contains(logs.String(), "clock moved") {
		t.Errorf("the server's log did not reach the logger:\n%s", logs.String())
	}

	key, err := jwk.ParseKey(c.PrivateJWK())
	if err != nil {
		t.Fatalf("PrivateJWK: %v", err)
	}
	if _, private := key.(jwk.RSAPrivateKey); !private || key.KeyID() != c.KeyID {
		t.Fatalf("PrivateJWK is %T with kid %q, want the private RSA key %q", key, key.KeyID(), c.KeyID)
	}
	pub, _ := key.PublicKey()
	var rsaPub any
	if err := pub.Raw(&rsaPub); err != nil || !c.PrivateKey.PublicKey.Equal(rsaPub) {
		t.Fatalf("PrivateJWK is not the client's PrivateKey (%v)", err)
	}
}

// TestGrantFields: a grant's audience, lifetime and jti are the ones
// asked for, and the server holds the vendor to them.
func TestGrantFields(t *testing.T) {
	t.Parallel()
	s := srv
	c := s.NewClient(t, simtest.VendorOrg, simtest.ScopeRequestRead)
	scopes := []string{simtest.ScopeRequestRead}
	jti := uniq("jti-")
	if _, err := s.PostGrant(t, s.SignGrant(t, c, simtest.Grant{Scopes: scopes, JTI: jti})); err != nil {
		t.Fatalf("grant with jti %s: %v", jti, err)
	}
	refused := func(name string, g simtest.Grant) {
		t.Helper()
		_, err := s.PostGrant(t, s.SignGrant(t, c, g))
		var te *simtest.TokenError
		if !errors.As(err, &te) || te.Status != http.StatusBadRequest {
			t.Errorf("%s: %v, want a 400 refusal", name, err)
		}
	}
	refused("the same jti again", simtest.Grant{Scopes: scopes, JTI: jti})
	refused("another audience", simtest.Grant{Scopes: scopes, Audience: "https://maskinporten.no/"})
	refused("a lifetime over 120 s", simtest.Grant{Scopes: scopes, Lifetime: 10 * time.Minute})
	refused("a scope the client lacks", simtest.Grant{Scopes: []string{simtest.ScopeAuthorize}})
}

// TestAgentRequestTakesNoRights: an agent request with rights is refused
// before it reaches the server.
func TestAgentRequestTakesNoRights(t *testing.T) {
	t.Parallel()
	vendor := srv.NewClient(t, simtest.VendorOrg, simtest.VendorScopes()...)
	msg := fatalOf(t, func(tb testing.TB) {
		srv.RequestAgentSystemUser(tb, vendor, simtest.SystemUserRequest{SystemID: "x", CustomerOrgNo: simtest.AccountingFirmOrg, Rights: []string{simtest.Resource}})
	})
	if !strings.Contains(msg, "access packages only") {
		t.Fatalf("agent request with rights failed with %q", msg)
	}
}
