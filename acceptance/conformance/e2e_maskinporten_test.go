package conformance

// Ported from Altinn/altinn-authentication
// test/Altinn.Platform.Authentication.SystemIntegrationTests: the
// Maskinporten helper of its e2e suite (Utils/MaskinPortenTokenGenerator,
// the grant every e2e test starts with) and Tests/GetMaskinportenTokenTest.
// The grant is built as the helper builds it: RS256 with the client's kid,
// aud the Maskinporten issuer, iss (and sub) the client id, the vendor's
// scopes as one space-separated string (the helper repeats
// systemregister.write), exp one minute after iat and a fresh jti; then
// the token is exchanged for an Altinn token. The client is registered in
// the emulator, where the upstream suite has one in Maskinporten's test
// environment.

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

const srcE2EMaskinporten = "altinn-authentication/SystemIntegrationTests/GetMaskinportenTokenTest"

func TestE2EMaskinportenToken(t *testing.T) {
	t.Parallel()
	e := start(t)
	src := srcE2EMaskinporten
	const scope = "altinn:authentication/systemregister.write altinn:authentication/systemuser.request.write altinn:authentication/systemregister.write altinn:authentication/systemuser.request.read altinn:authentication/systemregister.admin"

	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwks, err := mpgrant.PublicJWKS(key)
	if err != nil {
		t.Fatal(err)
	}
	clientID := uuid.NewString()
	if a := e.do("POST", "/sim/api/v1/clients", "", map[string]any{
		"clientId": clientID, "orgNo": validOrg, "name": "e2e vendor client", "jwks": jwks,
		"scopes": strings.Fields(scope),
	}); a.status != 201 {
		t.Fatalf("register client: %d %s", a.status, a.body)
	}

	grant := func(withSub bool) answer {
		now := e.srv.App.Clock.Now().Unix()
		claims := map[string]any{
			"aud": e.srv.App.Config.Issuer(), "iss": clientID, "scope": scope,
			"exp": now + 60, "iat": now, "jti": uuid.NewString(),
		}
		if withSub {
			claims["sub"] = clientID
		}
		signed, err := mpgrant.Sign(key, claims)
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {signed}}
		return e.do("POST", "/token", "", form)
	}

	for _, c := range []struct {
		name    string
		withSub bool
	}{{"GetBearerToken (vendor grant with sub)", true}, {"GetBearerToken (vendor grant without sub)", false}} {
		a := grant(c.withSub)
		checkStatus(t, src, c.name+"/status", 200, a)
		m, _ := jsonOf(a.body).(map[string]any)
		tok, _ := m["access_token"].(string)
		check(t, src, c.name+"/access_token", tok != "", string(a.body))
		if !c.withSub {
			continue
		}
		x := e.do("GET", "/authentication/api/v1/exchange/maskinporten?test=true", tok, nil)
		checkStatus(t, src, "GetExchangeToken/status", 200, x)
		check(t, src, "GetExchangeToken/not empty", len(strings.TrimSpace(string(x.body))) > 0, string(x.body))
	}
}
