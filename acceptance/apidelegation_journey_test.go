package acceptance

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/simtest"
)

// TestDelegatedAPIAccessJourney is delegated API access as a vendor meets
// it, end to end through the public surfaces only:
//
//  1. the API provider (Skatteetaten) creates a delegable scope with the
//     self-service API (delegation_source set), grants the consumer
//     access, and registers a delegation scheme for it;
//  2. the supplier registers the provider's scope on its own client; its
//     grant with consumer_org is refused (MP-251): nothing is delegated;
//  3. the consumer's daglig leder logs in to the portal and delegates the
//     scheme to the supplier (form posts with the session's CSRF token);
//  4. the supplier's grant with consumer_org now gets a token whose
//     consumer is the delegating organisation, supplier the supplier and
//     delegation_source the scope's;
//  5. the provider's API decides with the PDP for the token's consumer
//     (Maskinporten's advice: access control on consumer; supplier is
//     only logged): the accounting firm may read its client's data
//     through its ER role, not another organisation's, and the supplier
//     itself holds nothing;
//  6. the daglig leder withdraws the delegation in the portal, and the
//     supplier's next grant is refused (MP-251).
func TestDelegatedAPIAccessJourney(t *testing.T) {
	s := simtest.Start(t)
	const (
		provider = simtest.ServiceOwnerOrg // Skatteetaten
		consumer = firmOrg                 // Regnskapshuset Simulert AS, REGN for 310385980
		supplier = "910493353"             // Rask Rolig Ugle AS, the firm's system supplier
		client   = "310385980"             // Fattig Forsiktig Elg AS, the firm's client
		stranger = customerOrg             // Rakrygget Spesifikk Tiger AS, no relation
		scope    = "skatteetaten:regnskap/krav.read"
		source   = "https://tt02.altinn.no/"
		scheme   = "skatteetaten-regnskap-krav"
	)

	// 1. The provider's scope, the consumer's access and the scheme.
	admin := s.NewClient(t, provider, "idporten:scopes.write")
	adminTok := s.Token(t, admin, "idporten:scopes.write").AccessToken
	if r := s.Do(t, "POST", "/api/v1/scopes", adminTok, map[string]any{
		"prefix": "skatteetaten", "subscope": "regnskap/krav.read", "description": "Krav og betalinger for regnskapsførere",
		"delegation_source": source,
	}); r.Status != http.StatusCreated {
		t.Fatalf("create scope: %d %s", r.Status, r.Body)
	}
	if r := s.Do(t, "PUT", "/api/v1/scopes/access/"+consumer+"?scope="+url.QueryEscape(scope), adminTok, nil); r.Status != http.StatusOK {
		t.Fatalf("grant the consumer: %d %s", r.Status, r.Body)
	}
	s.CreateDelegationScheme(t, simtest.DelegationScheme{Identifier: scheme, OwnerOrgNo: provider, Scopes: []string{scope},
		Title: "Skatteetaten – krav og betalinger (regnskapsfører)"})

	// 2. The supplier's client carries the scope; nothing is delegated yet.
	sup := s.NewClient(t, supplier, scope)
	delegated := func() (simtest.Token, error) {
		t.Helper()
		return s.PostGrant(t, s.SignGrant(t, sup, simtest.Grant{Scopes: []string{scope}, ConsumerOrg: consumer}))
	}
	wantMP251 := func(step string) {
		t.Helper()
		_, err := delegated()
		var te *simtest.TokenError
		want := "Consumer " + consumer + " has not delegated access to the scope " + scope + " to supplier " + supplier + "."
		if !errors.As(err, &te) || te.Status != 400 || te.Code != "invalid_scope" || !strings.HasSuffix(te.URI, "/MP-251") ||
			!strings.HasPrefix(te.Description, want) {
			t.Fatalf("%s: %v, want MP-251 %q", step, err, want)
		}
	}
	wantMP251("before the delegation")

	// 3. The consumer's daglig leder delegates in the portal.
	d := s.DelegateAPI(t, scheme, consumer, supplier, firmDAGL)
	if d.ConsumerOrgNo != consumer || d.SupplierOrgNo != supplier || len(d.Scopes) != 1 || d.Scopes[0] != scope {
		t.Fatalf("delegation %+v", d)
	}

	// 4. The supplier's token for the consumer.
	tok, err := delegated()
	if err != nil {
		t.Fatalf("delegated grant: %v", err)
	}
	c := tok.Claims()
	org := func(claim string) string {
		m, _ := c[claim].(map[string]any)
		if m["authority"] != "iso6523-actorid-upis" {
			t.Fatalf("%s: %v", claim, c[claim])
		}
		id, _ := m["ID"].(string)
		return strings.TrimPrefix(id, "0192:")
	}
	if org("consumer") != consumer || org("supplier") != supplier || c["delegation_source"] != source ||
		c["client_id"] != sup.ID || c["scope"] != scope || c["authorization_details"] != nil {
		t.Fatalf("token claims %v", c)
	}

	// An Altinn API exchanges it: the Altinn token acts for the consumer
	// and keeps the supplier.
	ex := s.Do(t, "GET", "/authentication/api/v1/exchange/maskinporten", tok.AccessToken, nil)
	if ex.Status != http.StatusOK {
		t.Fatalf("exchange: %d %s", ex.Status, ex.Body)
	}
	altinn := simtest.Token{AccessToken: strings.Trim(string(ex.Body), "\"\n")}.Claims()
	if altinn["urn:altinn:orgNumber"] != consumer || altinn["supplier"] == nil {
		t.Fatalf("exchanged claims %v", altinn)
	}

	// 5. The provider's API: the token's scope is its own, and the PDP
	// decides for the token's consumer.
	actor := org("consumer")
	decide := func(subjectOrg, party string) string {
		t.Helper()
		attr := func(id, v string) map[string]string { return map[string]string{"AttributeId": id, "Value": v} }
		res := s.AuthorizeXACML(t, "", map[string]any{"Request": map[string]any{
			"AccessSubject": []any{map[string]any{"Attribute": []any{attr("urn:altinn:organization:identifier-no", subjectOrg)}}},
			"Action":        []any{map[string]any{"Attribute": []any{attr("urn:oasis:names:tc:xacml:1.0:action:action-id", "read")}}},
			"Resource": []any{map[string]any{"Attribute": []any{attr("urn:altinn:resource", simtest.Resource),
				attr("urn:altinn:organization:identifier-no", party)}}},
		}})
		if len(res) != 1 {
			t.Fatalf("%d results", len(res))
		}
		return res[0].Decision
	}
	if got := decide(actor, client); got != simtest.Permit {
		t.Fatalf("the consumer for its client: %s, want Permit", got)
	}
	if got := decide(actor, stranger); got != simtest.NotApplicable {
		t.Fatalf("the consumer for an organisation it has no role in: %s, want NotApplicable", got)
	}
	if got := decide(org("supplier"), client); got != simtest.NotApplicable {
		t.Fatalf("the supplier itself: %s, want NotApplicable", got)
	}

	// 6. Withdrawn in the portal: refused from the next grant on.
	s.WithdrawAPIDelegation(t, d, firmDAGL)
	if n := len(s.APIDelegations(t, consumer, supplier)); n != 0 {
		t.Fatalf("%d live delegations after the withdrawal", n)
	}
	wantMP251("after the withdrawal")
}
