package maskinporten_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
)

// outcomes maps each rule's name to its outcome, and to its MP code when
// it failed.
func outcomes(rep maskinporten.GrantReport) map[string]string {
	out := map[string]string{}
	for _, r := range rep.Rules {
		o := r.Outcome
		if r.Err != nil {
			o += " " + r.Err.MP
		}
		out[r.Name] = strings.TrimSpace(o)
	}
	return out
}

func wantOutcomes(t *testing.T, what string, rep maskinporten.GrantReport, want map[string]string) {
	t.Helper()
	got := outcomes(rep)
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: rule %q: %q, want %q (all: %v)", what, name, got[name], w, got)
		}
	}
}

// TestExplainGrantChangesNothing: a good grant passes every rule and is
// still good at /token afterwards (its jti was not used up); once used,
// the report says single use fails with MP-012.
func TestExplainGrantChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	g := sign(t, f.rsaA, f.header(), f.claims())
	rep := f.s.ExplainGrant(context.Background(), g)
	if rep.Grant == nil || rep.Client == nil || rep.Client.ClientID != f.a.ClientID {
		t.Fatalf("good grant: %+v", outcomes(rep))
	}
	for _, r := range rep.Rules {
		if r.Outcome != maskinporten.RulePassed || r.About == "" {
			t.Errorf("rule %s: %s %v", r.Name, r.Outcome, r.Err)
		}
	}
	if len(rep.Rules) != 14 {
		t.Errorf("%d rules reported, want 14", len(rep.Rules))
	}
	_ = f.s.ExplainGrant(context.Background(), g)
	if _, err := f.grant(t, g); err != nil {
		t.Fatalf("the grant after two explanations: %v", err)
	}
	rep = f.s.ExplainGrant(context.Background(), g)
	wantOutcomes(t, "used grant", rep, map[string]string{"single use": "fail MP-012", "signature": "pass", "scopes": "pass"})
	if rep.Grant != nil {
		t.Error("a used grant reported as good")
	}
}

// TestExplainGrantGoesOn: where /token stops at the first failure, the
// report checks every rule it still can, and skips those that need a
// rule that failed.
func TestExplainGrantGoesOn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.claims()
	c["aud"] = "https://elsewhere.example/"
	c["scope"] = "test:read not:registered"
	c["iat"] = f.clock.Now().Add(-10 * time.Minute).Unix()
	c["exp"] = f.clock.Now().Add(-9 * time.Minute).Unix()
	wantOutcomes(t, "three faults", f.s.ExplainGrant(context.Background(), sign(t, f.rsaA, f.header(), c)), map[string]string{
		"form": "pass", "jwt": "pass", "client": "pass", "key": "pass", "signature": "pass",
		"audience": "fail MP-110", "lifetime": "fail MP-130", "single use": "skip", "scopes": "fail MP-200",
		"optional claims": "skip", "authorization_details": "pass",
	})

	c = f.claims()
	c["iss"] = "no-such-client"
	wantOutcomes(t, "unknown client", f.s.ExplainGrant(context.Background(), sign(t, f.rsaA, f.header(), c)), map[string]string{
		"client": "fail MP-100", "key": "skip", "signature": "skip", "audience": "pass", "lifetime": "pass",
		"single use": "skip", "scopes": "skip", "authorization_details": "skip",
	})

	// Signed by another client's key under A's kid.
	wantOutcomes(t, "wrong key", f.s.ExplainGrant(context.Background(), sign(t, f.rsaB, f.header(), f.claims())), map[string]string{
		"key": "pass", "signature": "fail MP-124", "audience": "pass", "single use": "pass",
	})

	rep := f.s.ExplainGrant(context.Background(), "not-a-jwt")
	wantOutcomes(t, "not a JWT", rep, map[string]string{"form": "pass", "jwt": "fail MP-011", "client": "skip", "audience": "skip", "lifetime": "skip"})
	if rep.Client != nil || rep.Grant != nil {
		t.Errorf("not a JWT: client %v, grant %v", rep.Client, rep.Grant)
	}
	for _, r := range rep.Rules {
		if r.Outcome == maskinporten.RuleSkipped && !strings.Contains(r.Note, "needs the rule") {
			t.Errorf("skipped %s without saying why: %q", r.Name, r.Note)
		}
	}
}

// TestExplainGrantAgreesWithToken: for each grant, the first rule the
// report fails is the error /token answers, word for word: both run the
// same rules.
func TestExplainGrantAgreesWithToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mut := func(fn func(h, c map[string]any)) string {
		h, c := f.header(), f.claims()
		fn(h, c)
		return sign(t, f.rsaA, h, c)
	}
	grants := map[string]string{
		"not a JWT":    "a.b",
		"no alg":       mut(func(h, c map[string]any) { delete(h, "alg") }),
		"unknown kid":  mut(func(h, c map[string]any) { h["kid"] = "nope" }),
		"crit":         mut(func(h, c map[string]any) { h["crit"] = []string{"exp"} }),
		"wrong aud":    mut(func(h, c map[string]any) { c["aud"] = "x" }),
		"too long":     mut(func(h, c map[string]any) { c["exp"] = f.clock.Now().Add(5 * time.Minute).Unix() }),
		"no scope":     mut(func(h, c map[string]any) { c["scope"] = "" }),
		"bad pid":      mut(func(h, c map[string]any) { c["pid"] = "123" }),
		"consumer_org": mut(func(h, c map[string]any) { c["consumer_org"] = "974761076" }),
		"no system user": mut(func(h, c map[string]any) {
			c["authorization_details"] = []any{map[string]any{"type": "urn:altinn:systemuser", "systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:314330897"}}}
		}),
		"two details": mut(func(h, c map[string]any) { c["authorization_details"] = []any{map[string]any{}, map[string]any{}} }),
	}
	for name, g := range grants {
		rep := f.s.ExplainGrant(context.Background(), g)
		var first *maskinporten.RuleResult
		for i := range rep.Rules {
			if rep.Rules[i].Outcome == maskinporten.RuleFailed {
				first = &rep.Rules[i]
				break
			}
		}
		_, err := f.grant(t, g)
		var want *maskinporten.Error
		if !errors.As(err, &want) {
			t.Errorf("%s: /token answered %v", name, err)
			continue
		}
		if first == nil || first.Err == nil {
			t.Errorf("%s: no rule failed in %v; /token: %v", name, outcomes(rep), err)
			continue
		}
		if first.Err.Code != want.Code || first.Err.MP != want.MP || first.Err.Description != want.Description {
			t.Errorf("%s: report's first failure %s %s %q, /token %s %s %q", name, first.Err.Code, first.Err.MP, first.Err.Description, want.Code, want.MP, want.Description)
		}
	}
}
