package idporten_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// TestCodeFlowOAuth2 is a vendor's web app logging a person in: go-oidc
// discovers the provider, golang.org/x/oauth2 sends the person to the
// authorization endpoint with PKCE, the person picks a test person on the
// login page (posted as a browser does), the app redeems the code and
// go-oidc verifies the id token against the JWKS. Then the access token
// is exchanged for an Altinn token, which the client-delegation API takes.
func TestCodeFlowOAuth2(t *testing.T) {
	s := apptest.Start(t)
	ctx := oidc.ClientContext(ctxT(t), apptest.Client())
	provider, err := oidc.NewProvider(ctx, s.URL+"/idporten")
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	const redirect = "http://127.0.0.1:53682/callback"
	conf := oauth2.Config{ClientID: demoID, ClientSecret: demoSecret, Endpoint: provider.Endpoint(), RedirectURL: redirect,
		Scopes: []string{oidc.ScopeOpenID, "profile", "altinn:clientdelegations.read", "altinn:clientdelegations.write"}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("state-123", oauth2.S256ChallengeOption(verifier), oidc.Nonce("nonce-456"),
		oauth2.SetAuthURLParam("acr_values", "idporten-loa-high"), oauth2.SetAuthURLParam("ui_locales", "nn"))

	b := newBrowser(t)
	_, page := b.loginPage(s.URL, authURL)
	for _, want := range []string{`lang="nn"`, "Regine Regnskap", "Regnskapshuset Simulert AS", "Dagleg leiar", "Logg inn med ein testperson"} {
		if !strings.Contains(page, want) {
			t.Errorf("the login page has no %q", want)
		}
	}
	back := b.pickPerson(s.URL, page, firmDAGL)
	if got := back.Scheme + "://" + back.Host + back.Path; got != redirect {
		t.Fatalf("sent to %s, want the redirect URI", back)
	}
	q := back.Query()
	if q.Get("state") != "state-123" || q.Get("iss") != s.URL+"/idporten" || q.Get("code") == "" {
		t.Fatalf("redirect query %v", q)
	}

	tok, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: demoID}).Verify(ctx, rawID)
	if err != nil {
		t.Fatalf("id_token: %v", err)
	}
	if idt.Nonce != "nonce-456" {
		t.Errorf("nonce %q", idt.Nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	var idc struct {
		PID      string   `json:"pid"`
		ACR      string   `json:"acr"`
		AMR      []string `json:"amr"`
		SID      string   `json:"sid"`
		Locale   string   `json:"locale"`
		AuthTime int64    `json:"auth_time"`
	}
	if err := idt.Claims(&idc); err != nil {
		t.Fatal(err)
	}
	if idc.PID != firmDAGL || idc.ACR != "idporten-loa-high" || len(idc.AMR) != 1 || idc.AMR[0] != "TestID" ||
		idc.SID == "" || idc.Locale != "nn" || idc.AuthTime == 0 {
		t.Errorf("id_token claims %+v", idc)
	}
	at := claimsOf(t, tok.AccessToken)
	for k, want := range map[string]any{"client_id": demoID, "pid": firmDAGL, "acr": "idporten-loa-high", "sid": idc.SID,
		"iss": s.URL + "/idporten", "client_amr": "client_secret_basic", "token_type": "Bearer", "locale": "nn",
		"scope": "openid profile altinn:clientdelegations.read altinn:clientdelegations.write", "aud": "unspecified"} {
		if at[k] != want {
			t.Errorf("access token %s = %v, want %v", k, at[k], want)
		}
	}
	if at["sub"] != idt.Subject {
		t.Errorf("access token sub %v, id token sub %s", at["sub"], idt.Subject)
	}

	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	var uic struct {
		PID string `json:"pid"`
	}
	if err := ui.Claims(&uic); err != nil || uic.PID != firmDAGL || ui.Subject != idt.Subject {
		t.Errorf("userinfo %+v %+v %v", ui, uic, err)
	}

	// An ID-porten token is not an Altinn token: the platform APIs refuse it.
	agent, clientParty := agentWithClient(t, s)
	cd := "/authentication/api/v1/enduser/systemuser/clients?agent=" + agent
	if st, _, body := s.Do(t, "GET", cd, tok.AccessToken, nil); st != http.StatusUnauthorized {
		t.Errorf("client list with the ID-porten token: %d %s, want 401", st, body)
	}

	// The exchange.
	st, _, body := s.Do(t, "GET", "/authentication/api/v1/exchange/id-porten", tok.AccessToken, nil)
	if st != 200 {
		t.Fatalf("exchange: %d %s", st, body)
	}
	altinn := string(body)
	ac := claimsOf(t, altinn)
	for k, want := range map[string]any{"pid": firmDAGL, "urn:altinn:userid": float64(20000009), "urn:altinn:partyid": float64(50100009),
		"urn:altinn:authlevel": float64(4), "urn:altinn:authenticatemethod": "TestID", "iss": s.URL + "/authentication/api/v1/openid/",
		"client_id": demoID, "acr": "idporten-loa-high", "exp": at["exp"]} {
		if ac[k] != want {
			t.Errorf("Altinn token %s = %v, want %v", k, ac[k], want)
		}
	}
	for _, gone := range []string{"aud", "sub", "at_hash"} {
		if _, ok := ac[gone]; ok {
			t.Errorf("Altinn token keeps %s", gone)
		}
	}
	if ac["sid"] == idc.SID {
		t.Error("Altinn token keeps ID-porten's sid")
	}

	// Client delegation with the exchanged token.
	add := cd + "&client=" + clientParty
	if st, _, body := s.Do(t, "POST", add, altinn, nil); st != 200 {
		t.Fatalf("add client with the exchanged token: %d %s", st, body)
	}
	var page2 struct {
		Data []struct {
			ClientID string `json:"clientId"`
		} `json:"data"`
	}
	if st := s.DoJSON(t, "GET", cd, altinn, nil, &page2); st != 200 || len(page2.Data) != 1 || page2.Data[0].ClientID != clientParty {
		t.Fatalf("clients after add: %d %+v", st, page2)
	}
}

// agentWithClient registers an agent system for a vendor, has the firm ask
// for and approve an agent system user, and returns its id and the party
// uuid of a client the firm is accountant for.
func agentWithClient(t *testing.T, s *apptest.Server) (agent, clientParty string) {
	t.Helper()
	const vendor = "991825827"
	clientID := "a1b2c3d4-0000-4000-8000-000000000012"
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := mpgrant.PublicJWKS(key)
	if st, _, body := s.Do(t, "POST", "/sim/api/v1/clients", "", map[string]any{"clientId": clientID, "orgNo": vendor, "name": "vendor",
		"scopes": []string{"altinn:authentication/systemregister.write"}, "jwks": jwks}); st != 201 {
		t.Fatalf("client: %d %s", st, body)
	}
	vt := s.TestToken(t, map[string]any{"type": "enterprise", "orgNo": vendor,
		"scopes": []string{"altinn:authentication/systemregister.write", "altinn:authentication/systemuser.request.write"}})
	sys := map[string]any{
		"id": vendor + "_idporten_agent", "vendor": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:" + vendor},
		"name": map[string]any{"nb": "Agent", "nn": "Agent", "en": "Agent"}, "description": map[string]any{"nb": "R", "nn": "R", "en": "R"},
		"accessPackages": []any{map[string]any{"urn": "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"}},
		"clientId":       []string{clientID}, "allowedredirecturls": []string{"https://vendor.example/receipt"}, "isVisible": false,
	}
	if st, _, body := s.Do(t, "POST", "/authentication/api/v1/systemregister/vendor", vt, sys); st != 200 {
		t.Fatalf("register system: %d %s", st, body)
	}
	var req map[string]any
	if st := s.DoJSON(t, "POST", "/authentication/api/v1/systemuser/request/vendor/agent", vt, map[string]any{
		"externalRef": "idporten-test", "systemId": vendor + "_idporten_agent", "partyOrgNo": firmOrg,
		"accessPackages": []any{map[string]any{"urn": "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"}},
		"redirectUrl":    "https://vendor.example/receipt"}, &req); st != 201 {
		t.Fatalf("agent request: %d %v", st, req)
	}
	agent = req["id"].(string)
	pt := s.TestToken(t, map[string]any{"type": "person", "pid": firmDAGL, "scopes": []string{"altinn:portal/enduser"}})
	if st, _, body := s.Do(t, "POST", "/authentication/api/v1/systemuser/request/agent/"+firmOrg+"/"+agent+"/approve", pt, nil); st != 200 {
		t.Fatalf("approve: %d %s", st, body)
	}
	cd := s.TestToken(t, map[string]any{"type": "person", "pid": firmDAGL, "scopes": []string{"altinn:clientdelegations.read"}})
	var avail struct {
		Data []struct {
			ClientID string `json:"clientId"`
			OrgNo    string `json:"clientOrganizationNumber"`
		} `json:"data"`
	}
	if st := s.DoJSON(t, "GET", "/authentication/api/v1/enduser/systemuser/clients/available?agent="+agent, cd, nil, &avail); st != 200 {
		t.Fatalf("available clients: %d", st)
	}
	for _, c := range avail.Data {
		if c.OrgNo == "310385980" {
			return agent, c.ClientID
		}
	}
	raw, _ := json.Marshal(avail)
	t.Fatalf("310385980 is not an available client: %s", raw)
	return "", ""
}
