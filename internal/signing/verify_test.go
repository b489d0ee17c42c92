package signing

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/jose"
)

// These tests present our own tokens, as the platform APIs check them
// (Service.Verify), at the edges of each check of verifyOurs.

func newVerifyService(t *testing.T) (*Service, *clock.Fixed) {
	t.Helper()
	clk := clock.NewFixed(time.Now().Truncate(time.Second))
	s, err := New(context.Background(), Deps{Pool: testPool(t), Clock: clk}, DefaultSettings("http://mp.test", "RS256", 0))
	if err != nil {
		t.Fatal(err)
	}
	return s, clk
}

// setClock moves the fixed clock to t (it only moves by Advance).
func setClock(clk *clock.Fixed, t time.Time) { clk.Advance(t.Sub(clk.Now())) }

// ourToken signs claims with our active key of purpose, as Issue does.
func ourToken(t *testing.T, s *Service, purpose string, claims map[string]any) string {
	t.Helper()
	tok, err := signJWT(s.signingKey(purpose), claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func mpClaims(s *Service, now time.Time) map[string]any {
	return map[string]any{"iss": s.set.Issuer, "iat": now.Unix(), "exp": now.Add(120 * time.Second).Unix(), "client_id": "c", "scope": "test:read"}
}

// wantRefused checks that Verify refuses tok with a reason containing why.
func wantRefused(t *testing.T, s *Service, tok, why string) {
	t.Helper()
	_, err := s.Verify(context.Background(), tok)
	if !errors.Is(err, auth.ErrInvalidToken) || !strings.Contains(err.Error(), why) {
		t.Fatalf("want refused with %q, got %v", why, err)
	}
}

func wantAccepted(t *testing.T, s *Service, tok string) {
	t.Helper()
	if _, err := s.Verify(context.Background(), tok); err != nil {
		t.Fatalf("want accepted, got %v", err)
	}
}

// The token is good until exp + skew (10 s), not one second longer:
// at exp + 9 s it passes, at exp + 10 s it is expired.
func TestVerifyOursExpiryEdge(t *testing.T) {
	t.Parallel()
	s, clk := newVerifyService(t)
	start := clk.Now()
	c := mpClaims(s, start)
	tok := ourToken(t, s, purposeMaskinporten, c)
	exp := time.Unix(c["exp"].(int64), 0)
	setClock(clk, exp.Add(s.set.Skew-time.Second))
	wantAccepted(t, s, tok)
	setClock(clk, exp.Add(s.set.Skew))
	wantRefused(t, s, tok, "expired")
}

// nbf may be up to skew ahead of our clock, not one second more.
func TestVerifyOursNbfEdge(t *testing.T) {
	t.Parallel()
	s, clk := newVerifyService(t)
	c := mpClaims(s, clk.Now())
	nbf := clk.Now().Add(30 * time.Second)
	c["nbf"] = nbf.Unix()
	tok := ourToken(t, s, purposeMaskinporten, c)
	setClock(clk, nbf.Add(-s.set.Skew-time.Second))
	wantRefused(t, s, tok, "not valid before")
	setClock(clk, nbf.Add(-s.set.Skew))
	wantAccepted(t, s, tok)
}

// iss must be the issuer of the key's purpose: a Maskinporten key with the
// Altinn issuer, an Altinn key with Maskinporten's, or no iss, is refused.
func TestVerifyOursWrongIss(t *testing.T) {
	t.Parallel()
	s, clk := newVerifyService(t)
	c := mpClaims(s, clk.Now())
	wantAccepted(t, s, ourToken(t, s, purposeMaskinporten, c))
	c["iss"] = s.set.AltinnIssuer
	wantRefused(t, s, ourToken(t, s, purposeMaskinporten, c), "iss")
	c["iss"] = "http://other.test/"
	wantRefused(t, s, ourToken(t, s, purposeMaskinporten, c), "iss")
	delete(c, "iss")
	wantRefused(t, s, ourToken(t, s, purposeMaskinporten, c), "iss")
	a := mpClaims(s, clk.Now())
	a["iss"] = s.set.AltinnIssuer
	wantAccepted(t, s, ourToken(t, s, purposeAltinn, a))
	a["iss"] = s.set.Issuer
	wantRefused(t, s, ourToken(t, s, purposeAltinn, a), "iss")
}

// The header alg must be the key's: a token validly signed with RS384 by
// our RS256 key is refused for its alg, as are none and HMAC.
func TestVerifyOursAlgMismatch(t *testing.T) {
	t.Parallel()
	s, clk := newVerifyService(t)
	key := s.signingKey(purposeMaskinporten)
	c := mpClaims(s, clk.Now())
	tok, err := jose.SignRaw("RS384", key.signer, map[string]string{"kid": key.kid, "alg": "RS384"}, c)
	if err != nil {
		t.Fatal(err)
	}
	wantRefused(t, s, tok, `alg "RS384" does not match`)
	good := ourToken(t, s, purposeMaskinporten, c)
	parts := strings.Split(good, ".")
	for _, alg := range []string{"none", "HS256", ""} {
		h := b64.EncodeToString([]byte(`{"kid":"` + key.kid + `","alg":"` + alg + `"}`))
		wantRefused(t, s, h+"."+parts[1]+"."+parts[2], "does not match")
	}
}

// A token of ours with a crit header is refused: we understand no JWS
// extension (and never sign one).
func TestVerifyOursCrit(t *testing.T) {
	t.Parallel()
	s, clk := newVerifyService(t)
	key := s.signingKey(purposeMaskinporten)
	c := mpClaims(s, clk.Now())
	for _, crit := range []any{[]string{"exp"}, []string{}, "exp"} {
		tok, err := jose.SignRaw("RS256", key.signer, map[string]any{"kid": key.kid, "alg": "RS256", "crit": crit, "exp": 1}, c)
		if err != nil {
			t.Fatal(err)
		}
		wantRefused(t, s, tok, "crit")
	}
}

// Data after the JSON object, in our token's header or payload, is
// refused even under a valid signature.
func TestVerifyOursTrailingJSON(t *testing.T) {
	t.Parallel()
	s, clk := newVerifyService(t)
	key := s.signingKey(purposeMaskinporten)
	c := mpClaims(s, clk.Now())
	good := ourToken(t, s, purposeMaskinporten, c)
	parts := strings.Split(good, ".")
	hb, _ := b64.DecodeString(parts[0])
	pb, _ := b64.DecodeString(parts[1])
	for _, tc := range []struct{ h, p []byte }{{append(hb, hb...), pb}, {hb, append(pb, pb...)}, {hb, append(pb, '}')}} {
		input := b64.EncodeToString(tc.h) + "." + b64.EncodeToString(tc.p)
		signer, err := jws.NewSigner(jwa.RS256)
		if err != nil {
			t.Fatal(err)
		}
		sig, err := signer.Sign([]byte(input), key.signer)
		if err != nil {
			t.Fatal(err)
		}
		wantRefused(t, s, input+"."+b64.EncodeToString(sig), "not a JSON object")
	}
}

var b64 = base64.RawURLEncoding
