package maskinporten_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
)

// wantGrantError checks the Maskinporten error of a refused grant.
func wantGrantError(t *testing.T, err error, code, mp, descStart string) {
	t.Helper()
	var e *maskinporten.Error
	if !errors.As(err, &e) {
		t.Fatalf("want %s %s, got %v", code, mp, err)
	}
	if e.Code != code || e.MP != mp || !strings.HasPrefix(e.Description, descStart) {
		t.Fatalf("got %s %s %q\nwant %s %s %q", e.Code, e.MP, e.Description, code, mp, descStart)
	}
}

// iat may be up to the skew (10 s) ahead of our clock, not 11 s: the same
// grant is refused one second earlier on the clock.
func TestGrantIatSkewEdge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	iat := f.clock.Now().Add(10 * time.Second)
	at := func(jti string) string {
		c := f.claims()
		c["iat"], c["exp"], c["jti"] = iat.Unix(), iat.Add(60*time.Second).Unix(), jti
		return sign(t, f.rsaA, f.header(), c)
	}
	f.clock.Advance(-time.Second)
	_, err := f.grant(t, at("early"))
	wantGrantError(t, err, "invalid_grant", "", "Invalid assertion. Issue time is after now")
	f.clock.Advance(time.Second)
	if _, err := f.grant(t, at("on-time")); err != nil {
		t.Fatalf("iat 10 s ahead: %v", err)
	}
}

// exp is tolerated until the skew (10 s) has passed, not one second
// longer: accepted at exp + 9 s, expired at exp + 10 s.
func TestGrantExpEdge(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	exp := f.clock.Now()
	at := func(jti string) string {
		c := f.claims()
		c["iat"], c["exp"], c["jti"] = exp.Add(-60*time.Second).Unix(), exp.Unix(), jti
		return sign(t, f.rsaA, f.header(), c)
	}
	f.clock.Advance(9 * time.Second)
	if _, err := f.grant(t, at("in-time")); err != nil {
		t.Fatalf("exp 9 s ago: %v", err)
	}
	f.clock.Advance(time.Second)
	_, err := f.grant(t, at("late"))
	wantGrantError(t, err, "invalid_grant", "MP-130", "Invalid assertion. JWT is expired")
}

// A grant with exp equal to iat, as Altinn's own k6 Maskinporten library
// sends, is accepted: Maskinporten bounds only exp - iat ≤ 120 s. exp
// before iat is still refused.
func TestGrantExpEqualsIat(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := f.clock.Now().Unix()
	for _, iat := range []int64{now, now - 5, now + 5} {
		c := f.claims()
		c["iat"], c["exp"] = iat, iat
		c["jti"] = "k6-" + time.Unix(iat, 0).Format("150405")
		if _, err := f.grant(t, sign(t, f.rsaA, f.header(), c)); err != nil {
			t.Fatalf("exp == iat == now%+d: %v", iat-now, err)
		}
	}
	c := f.claims()
	c["iat"], c["exp"] = now, now-1
	_, err := f.grant(t, sign(t, f.rsaA, f.header(), c))
	wantGrantError(t, err, "invalid_grant", "MP-130", "Invalid assertion. Invalid JWT: exp")
}

// A grant whose header marks parameters critical (crit) is refused: no
// JWS extension is understood, and a JWS with critical parameters that are
// not understood must be refused. Its error is the one for a bad header.
func TestGrantCritRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, crit := range []any{[]string{"exp"}, []string{"b64"}, []string{}, "exp", nil} {
		h := f.header()
		h["crit"], h["exp"], h["b64"] = crit, 1, true
		_, err := f.grant(t, sign(t, f.rsaA, h, f.claims()))
		wantGrantError(t, err, "invalid_grant", "MP-100", "Invalid assertion. Client authentication failed. Invalid JWT header: crit")
	}
}

// A header or payload with data after its JSON object ({…}{…}) is
// MP-011, never read as its first object.
func TestGrantTrailingJSON(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	good := sign(t, f.rsaA, f.header(), f.claims())
	parts := strings.Split(good, ".")
	hb, _ := jwtB64(parts[0])
	pb, _ := jwtB64(parts[1])
	rows := []struct {
		name, h, p, part string
	}{
		{"header twice", string(hb) + string(hb), string(pb), "header"},
		{"payload twice", string(hb), string(pb) + string(pb), "payload"},
		{"payload then }", string(hb), string(pb) + "}", "payload"},
		{"header then ]", string(hb) + "]", string(pb), "header"},
		{"payload then junk", string(hb), string(pb) + " x", "payload"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			_, err := f.grant(t, b64s(r.h)+"."+b64s(r.p)+"."+parts[2])
			wantGrantError(t, err, "invalid_request", "MP-011", "Invalid assertion. Invalid parameter value. The JWT "+r.part+" is not a JSON object")
		})
	}
}
