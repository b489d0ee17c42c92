package maskinporten_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// TestIssueSupplierClaims: a supplier's token for a consumer that
// delegated the scopes names the consumer, the supplier (the client's own
// organisation) and the delegation source; a client's token for its own
// organisation has neither supplier nor delegation_source, and its
// consumer is the client's organisation.
func TestIssueSupplierClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	g, err := f.grant(t, sign(t, f.rsaA, f.header(), f.claims()))
	if err != nil {
		t.Fatal(err)
	}
	own, err := f.s.Issue(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	c := apptest.JWTClaims(t, own.AccessToken)
	if _, ok := c["supplier"]; ok {
		t.Errorf("own token has supplier %v", c["supplier"])
	}
	if _, ok := c["delegation_source"]; ok {
		t.Errorf("own token has delegation_source %v", c["delegation_source"])
	}
	if cons, _ := c["consumer"].(map[string]any); cons["ID"] != "0192:"+vendorOrg {
		t.Errorf("own token's consumer %v, want 0192:%s", c["consumer"], vendorOrg)
	}

	g.Consumer, g.DelegationSource = ownerOrg, "https://altinn.no"
	sup, err := f.s.Issue(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	c = apptest.JWTClaims(t, sup.AccessToken)
	if cons, _ := c["consumer"].(map[string]any); cons["ID"] != "0192:"+ownerOrg {
		t.Errorf("supplier's token's consumer %v, want 0192:%s", c["consumer"], ownerOrg)
	}
	if s, _ := c["supplier"].(map[string]any); s["ID"] != "0192:"+vendorOrg || s["authority"] != "iso6523-actorid-upis" {
		t.Errorf("supplier %v, want 0192:%s", c["supplier"], vendorOrg)
	}
	if c["delegation_source"] != "https://altinn.no" {
		t.Errorf("delegation_source %v", c["delegation_source"])
	}
}

// TestRefusalLogNamesItsCause: a refused token request is one info line
// with the error, and with the cause when the refusal has one (a system
// user that the register does not have), so an operator sees why; a
// refusal without a cause logs none.
func TestRefusalLogNamesItsCause(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var buf bytes.Buffer
	s := maskinporten.New(maskinporten.Deps{Pool: f.pool, Clock: f.clock, Log: slog.New(slog.NewTextHandler(&buf, nil)), Signer: f.sg, Clients: f.c, SystemUsers: f.su})
	r := chi.NewRouter()
	route.Mount(r, route.Deps{}, s.Routes())
	post := func(assertion string) string {
		buf.Reset()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(url.Values{"grant_type": {maskinporten.GrantType}, "assertion": {assertion}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d, want 400: %s", rec.Code, rec.Body)
		}
		return buf.String()
	}
	c := f.claims()
	c["authorization_details"] = []any{map[string]any{"type": "urn:altinn:systemuser", "externalRef": "no-such-ref",
		"systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:" + ownerOrg}}}
	line := post(sign(t, f.rsaA, f.header(), c))
	if !strings.Contains(line, "token request refused") || !strings.Contains(line, "mp=MP-303") || !strings.Contains(line, "cause=") || !strings.Contains(line, "no-such-ref") {
		t.Errorf("refusal with a cause logged %q; want the refusal with its cause", line)
	}
	c = f.claims()
	c["scope"] = "test:none"
	line = post(sign(t, f.rsaA, f.header(), c))
	if !strings.Contains(line, "token request refused") || strings.Contains(line, "cause=") {
		t.Errorf("refusal without a cause logged %q; want the refusal and no cause", line)
	}
}
