package apidelegation_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/apidelegation"
	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
)

const (
	provider = "974761076" // Skatteetaten: owns the API's scope
	consumer = "313725138" // Rakrygget Spesifikk Tiger AS: granted the scope
	supplier = "310385980" // Fattig Forsiktig Elg AS: the consumer's supplier
	other    = "314168267" // Lykkelig Nysgjerrig Rev AS
	source   = "https://tt02.altinn.no/"
	apiScope = "skatteetaten:delegtest.read"
	schemeID = "skatteetaten-delegtest"
)

// journey is a provider's delegable scope granted to the consumer, its
// scheme, and the supplier's client carrying the scope.
type journey struct {
	s        *apptest.Server
	clientID string
	key      jwk.Key
}

func newJourney(t *testing.T) *journey {
	t.Helper()
	s := apptest.Start(t)
	ctx := t.Context()
	if _, err := s.Scopes.CreateScope(ctx, provider, scopes.Scope{Prefix: "skatteetaten", Subscope: "delegtest.read",
		Description: "Delegable test API", Active: true, AllowedIntegrationTypes: []string{"maskinporten"},
		Visibility: "PUBLIC", TokenType: "SELF_CONTAINED", DelegationSource: source}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Scopes.GrantAccess(ctx, provider, apiScope, consumer); err != nil {
		t.Fatal(err)
	}
	if st := s.DoJSON(t, "POST", "/sim/api/v1/apidelegation/schemes", "", apidelegation.NewScheme{
		Identifier: schemeID, OwnerOrgNo: provider, Scopes: []string{apiScope}, Title: "Delegation test API"}, nil); st != 201 {
		t.Fatalf("scheme: %d", st)
	}
	// The supplier has no access of its own, yet may carry the delegable
	// scope on its client.
	id, key := apptest.RegisterClient(t, s.URL, supplier, apiScope, "test:read")
	return &journey{s: s, clientID: id, key: key}
}

// token posts a grant of the supplier's client; consumerOrg "" leaves the
// claim out.
func (j *journey) token(t *testing.T, consumerOrg string, scopes ...string) (int, map[string]any) {
	t.Helper()
	g, err := mpgrant.Sign(j.key, mpgrant.Claims(mpgrant.Options{ClientID: j.clientID, Audience: j.s.URL + "/", Scopes: scopes, ConsumerOrg: consumerOrg}))
	if err != nil {
		t.Fatal(err)
	}
	return j.postGrant(t, g)
}

// postGrant posts a signed grant to /token.
func (j *journey) postGrant(t *testing.T, g string) (int, map[string]any) {
	t.Helper()
	st, _, raw := j.s.Do(t, "POST", "/token", "", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {g}})
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%d %s", st, raw)
	}
	return st, out
}

func (j *journey) delegate(t *testing.T, consumerOrg, supplierOrg string) apidelegation.Delegation {
	t.Helper()
	var d apidelegation.Delegation
	if st := j.s.DoJSON(t, "POST", "/sim/api/v1/apidelegation/delegations", "", apidelegation.NewDelegation{
		Scheme: schemeID, ConsumerOrgNo: consumerOrg, SupplierOrgNo: supplierOrg}, &d); st != 201 {
		t.Fatalf("delegate: %d", st)
	}
	return d
}

func wantOAuthError(t *testing.T, st int, out map[string]any, code, mp, desc string) {
	t.Helper()
	d, _ := out["error_description"].(string)
	if st != 400 || out["error"] != code || !strings.HasPrefix(d, desc+" (trace_id: ") {
		t.Fatalf("got %d %v, want %s %q", st, out, code, desc)
	}
	if uri, _ := out["error_uri"].(string); mp != "" && !strings.HasSuffix(uri, "/errors/"+mp) {
		t.Fatalf("error_uri %q, want %s", uri, mp)
	}
}

// TestDelegatedToken: with the consumer's delegation the supplier's
// consumer_org grant gets a token whose consumer is the delegating
// organisation, supplier the client's, and delegation_source the scope's;
// before the delegation and after its withdrawal the grant is refused
// with MP-251.
func TestDelegatedToken(t *testing.T) {
	j := newJourney(t)
	notDelegated := "Consumer " + consumer + " has not delegated access to the scope " + apiScope + " to supplier " + supplier + "."
	st, out := j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", notDelegated)

	// A delegation to another supplier does not count.
	j.delegate(t, consumer, other)
	st, out = j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", notDelegated)

	d := j.delegate(t, consumer, supplier)
	if d.Scheme != schemeID || d.ConsumerOrgNo != consumer || d.SupplierOrgNo != supplier || !d.Live() || len(d.Scopes) != 1 || d.Scopes[0] != apiScope {
		t.Fatalf("delegation %+v", d)
	}
	st, out = j.token(t, consumer, apiScope)
	if st != 200 {
		t.Fatalf("delegated: %d %v", st, out)
	}
	tok, _ := out["access_token"].(string)
	c := apptest.JWTClaims(t, tok)
	org := func(v any) string {
		m, _ := v.(map[string]any)
		if m["authority"] != "iso6523-actorid-upis" {
			t.Fatalf("authority of %v", v)
		}
		id, _ := m["ID"].(string)
		return id
	}
	if org(c["consumer"]) != "0192:"+consumer || org(c["supplier"]) != "0192:"+supplier ||
		c["delegation_source"] != source || c["client_id"] != j.clientID || c["scope"] != apiScope {
		t.Fatalf("claims %v", c)
	}
	if out["scope"] != apiScope {
		t.Fatalf("response scope %v", out["scope"])
	}

	// Without consumer_org the supplier acts for itself, and has no access.
	st, out = j.token(t, "", apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-250", "Consumer has not been granted access to the scope "+apiScope+".")
	// Its own token has no supplier claim.
	st, out = j.token(t, "", "test:read")
	if st != 200 {
		t.Fatalf("own token: %d %v", st, out)
	}
	if c := apptest.JWTClaims(t, out["access_token"].(string)); c["supplier"] != nil || c["delegation_source"] != nil || org(c["consumer"]) != "0192:"+supplier {
		t.Fatalf("own token claims %v", c)
	}

	// Withdrawn: refused from the next grant on.
	if st := j.s.DoJSON(t, "DELETE", "/sim/api/v1/apidelegation/delegations/"+d.ID.String(), "", nil, nil); st != 204 {
		t.Fatalf("withdraw: %d", st)
	}
	st, out = j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-251", notDelegated)
	// Withdrawing twice: the delegation is no longer there to withdraw.
	if st := j.s.DoJSON(t, "DELETE", "/sim/api/v1/apidelegation/delegations/"+d.ID.String(), "", nil, nil); st != 404 {
		t.Fatalf("withdraw again: %d", st)
	}
	// Delegated again: a new delegation, and tokens again.
	if d2 := j.delegate(t, consumer, supplier); d2.ID == d.ID {
		t.Fatal("a withdrawn delegation came back")
	}
	if st, out := j.token(t, consumer, apiScope); st != 200 {
		t.Fatalf("delegated again: %d %v", st, out)
	}
}

// TestDelegatedTokenRefusals: consumer_org that is not an organisation
// number, the client's own organisation, a scope that cannot be delegated,
// and a consumer whose own access the provider withdrew.
func TestDelegatedTokenRefusals(t *testing.T) {
	j := newJourney(t)
	j.delegate(t, consumer, supplier)
	combination := "Validation of JWT claim failed: The combination consumer_org in claim and delegation scope on client is invalid."

	st, out := j.token(t, "12345", apiScope)
	wantOAuthError(t, st, out, "invalid_request", "MP-011", "Invalid JWT claim consumer_org: it must be a 9-digit organisation number.")
	st, out = j.token(t, "31372513X", apiScope)
	wantOAuthError(t, st, out, "invalid_request", "MP-011", "Invalid JWT claim consumer_org: it must be a 9-digit organisation number.")
	st, out = j.token(t, supplier, apiScope)
	wantOAuthError(t, st, out, "invalid_request", "", combination)
	// test:read has no delegation source: Altinn cannot delegate it.
	st, out = j.token(t, consumer, "test:read")
	wantOAuthError(t, st, out, "invalid_request", "", combination)

	if _, err := j.s.Scopes.WithdrawAccess(t.Context(), provider, apiScope, consumer); err != nil {
		t.Fatal(err)
	}
	st, out = j.token(t, consumer, apiScope)
	wantOAuthError(t, st, out, "invalid_scope", "MP-250", "Consumer has not been granted access to the scope "+apiScope+".")
}

// TestExplainDelegatedGrant: the debugger's report runs the same rules:
// the delegation rule fails with /token's MP-251 before the delegation
// and passes after, and the report records nothing (the grant works at
// /token afterwards).
func TestExplainDelegatedGrant(t *testing.T) {
	j := newJourney(t)
	grant := func() string {
		g, err := mpgrant.Sign(j.key, mpgrant.Claims(mpgrant.Options{ClientID: j.clientID, Audience: j.s.URL + "/", Scopes: []string{apiScope}, ConsumerOrg: consumer}))
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	rule := func(rep maskinporten.GrantReport, name string) maskinporten.RuleResult {
		for _, r := range rep.Rules {
			if r.Name == name {
				return r
			}
		}
		t.Fatalf("no rule %q in the report", name)
		return maskinporten.RuleResult{}
	}
	g := grant()
	rep := j.s.Maskinporten.ExplainGrant(t.Context(), g)
	if r := rule(rep, "delegation"); r.Outcome != maskinporten.RuleFailed || r.Err == nil || r.Err.MP != "MP-251" {
		t.Fatalf("before the delegation: %+v", r)
	}
	if rule(rep, "consumer_org").Outcome != maskinporten.RulePassed || rule(rep, "scope access").Outcome != maskinporten.RulePassed {
		t.Fatalf("report %+v", rep.Rules)
	}
	j.delegate(t, consumer, supplier)
	rep = j.s.Maskinporten.ExplainGrant(t.Context(), g)
	if rep.Grant == nil || rep.Grant.Consumer != consumer || rep.Grant.DelegationSource != source {
		t.Fatalf("after the delegation: %+v", rep.Rules)
	}
	if st, out := j.postGrant(t, g); st != 200 {
		t.Fatalf("the explained grant at /token: %d %v", st, out)
	}
}
