package signing

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/jose"
)

// These tests present our own tokens, as the platform APIs check them
// (Service.Verify), at the edges of each check of verifyOurs.

func newVerifyService(t *testing.T) (*Service, *clock.Fixed) {
	t.Helper()
	clk := clock.NewFixed(time.Now().Truncate(time.Second))
	s, err := New(context.Background(), Deps{Pool: dbtest.New(t), Clock: clk}, DefaultSettings("http://mp.test", "RS256", 0))
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

// TestVerifyCallerIDs: the caller's user and party ids come from the
// urn:altinn:userid and :partyid claims as a string or a number, and are
// 0 when absent, not a number or out of range; the system user comes from
// the systemuser element of authorization_details — an array
// (Maskinporten), a single object or that object as a JSON string
// (exchanged Altinn tokens), its id a list or a single string — and from
// nothing else.
func TestVerifyCallerIDs(t *testing.T) {
	t.Parallel()
	s, clk := newVerifyService(t)
	const suID, sysID = "ebe4a681-0a8c-429e-a36f-8f9ca942b59f", "991825827_app"
	org := map[string]any{"authority": AuthorityISO6523, "ID": "0192:313725138"}
	detail := map[string]any{"type": AuthorizationDetailsSystemUser, "systemuser_org": org, "systemuser_id": []string{suID}, "system_id": sysID}
	single := map[string]any{"type": AuthorizationDetailsSystemUser, "systemuser_org": org, "systemuser_id": suID, "system_id": sysID}
	singleJSON, _ := json.Marshal(single)
	type ids struct {
		user, party       int64
		su, suOrg, system string
	}
	for _, c := range []struct {
		name   string
		claims map[string]any
		want   ids
	}{
		{"ids as strings", map[string]any{"urn:altinn:userid": "20000001", "urn:altinn:partyid": "50100001"}, ids{user: 20000001, party: 50100001}},
		{"ids as numbers", map[string]any{"urn:altinn:userid": 20000001, "urn:altinn:partyid": 50100001}, ids{user: 20000001, party: 50100001}},
		{"no ids", map[string]any{}, ids{}},
		{"ids out of range", map[string]any{"urn:altinn:userid": "99999999999999999999", "urn:altinn:partyid": "-99999999999999999999"}, ids{}},
		{"ids not numbers", map[string]any{"urn:altinn:userid": "x1", "urn:altinn:partyid": "1x"}, ids{}},
		{"system user in an array", map[string]any{"authorization_details": []any{map[string]any{"type": "other"}, detail}}, ids{su: suID, suOrg: "313725138", system: sysID}},
		{"system user as one object, its id a string", map[string]any{"authorization_details": single}, ids{su: suID, suOrg: "313725138", system: sysID}},
		{"system user as a JSON string", map[string]any{"authorization_details": " " + string(singleJSON)}, ids{su: suID, suOrg: "313725138", system: sysID}},
		{"system user without id or org", map[string]any{"authorization_details": map[string]any{"type": AuthorizationDetailsSystemUser, "system_id": sysID, "systemuser_id": ""}}, ids{system: sysID}},
		{"only another type", map[string]any{"authorization_details": []any{map[string]any{"type": "other", "system_id": sysID}}}, ids{}},
		{"empty", map[string]any{"authorization_details": " "}, ids{}},
		{"not JSON", map[string]any{"authorization_details": "{nope"}, ids{}},
		{"not a list", map[string]any{"authorization_details": "[nope"}, ids{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			claims := mpClaims(s, clk.Now())
			for k, v := range c.claims {
				claims[k] = v
			}
			caller, err := s.Verify(context.Background(), ourToken(t, s, purposeMaskinporten, claims))
			if err != nil {
				t.Fatal(err)
			}
			if got := (ids{caller.UserID, caller.PartyID, caller.SystemUserID, caller.SystemUserOrgNo, caller.SystemID}); got != c.want {
				t.Fatalf("caller ids %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestVerifyAccessToken: a platform access token is signed with our Altinn
// key and names its issuer (ttd, studio …), never none and never one of
// our token issuers; its lifetime is checked as any token's.
func TestVerifyAccessToken(t *testing.T) {
	t.Parallel()
	s, clk := newVerifyService(t)
	for _, c := range []struct {
		name, purpose, iss string
		why                string // "" when accepted
	}{
		{"an app's token", purposeAltinn, "ttd", ""},
		{"signed with the Maskinporten key", purposeMaskinporten, "ttd", "signed with the Altinn key"},
		{"signed with the ID-porten key", purposeIDPorten, "ttd", "signed with the Altinn key"},
		{"no iss", purposeAltinn, "", "names no access-token issuer"},
		{"Maskinporten's iss", purposeAltinn, s.set.Issuer, "names no access-token issuer"},
		{"Altinn's iss", purposeAltinn, s.set.AltinnIssuer, "names no access-token issuer"},
		{"ID-porten's iss", purposeAltinn, s.set.IDPortenIssuer, "names no access-token issuer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			now := clk.Now()
			tok := ourToken(t, s, c.purpose, map[string]any{"iss": c.iss, "iat": now.Unix(), "exp": now.Add(time.Minute).Unix()})
			v, err := s.VerifyAccessToken(context.Background(), tok)
			if c.why == "" {
				if err != nil || v.Purpose != purposeAltinn || v.Claims["iss"] != c.iss {
					t.Fatalf("want accepted as an Altinn-signed token from %s, got %+v, %v", c.iss, v, err)
				}
				return
			}
			if !errors.Is(err, auth.ErrInvalidToken) || !strings.Contains(err.Error(), c.why) {
				t.Fatalf("want refused with %q, got %v", c.why, err)
			}
		})
	}
}
