package app_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/config"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/mpgrant"
)

// TestScaleOut runs two altinn-sim instances on one database with no
// balancer: a token from one verifies at the other's JWKS, a replayed
// grant is refused across them, and an approval on one is seen by the
// other's PDP within a second.
func TestScaleOut(t *testing.T) {
	dbURL := dbtest.NewURL(t)
	shared := func(c *config.Config) { c.PublicURL = "http://altinn-sim.scaleout.test" }
	a := apptest.StartOn(t, dbURL, shared)
	b := apptest.StartOn(t, dbURL, shared)
	issuer := "http://altinn-sim.scaleout.test/"

	// The vendor's Maskinporten client and its system, registered on A.
	key, err := mpgrant.NewClientKey()
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := mpgrant.PublicJWKS(key)
	clientID := "7c8b1b1e-2f4b-4e62-9a51-3d2b6f0f9a11"
	if st := a.DoJSON(t, "POST", "/sim/api/v1/clients", "", map[string]any{"clientId": clientID, "orgNo": "991825827", "name": "scale-out", "scopes": []string{"test:scaleout.read"}, "jwks": jwks}, nil); st != 201 {
		t.Fatalf("client: %d", st)
	}
	vendor := a.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{
		"altinn:authentication/systemregister.write", "altinn:authentication/systemuser.request.write", "altinn:authentication/systemuser.request.read"}})
	right := []map[string]any{{"resource": []map[string]string{{"id": "urn:altinn:resource", "value": "ske-krav-og-betalinger"}}}}
	sys := map[string]any{"id": "991825827_scaleout", "vendor": map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:991825827"},
		"name": map[string]string{"nb": "Skala", "nn": "Skala", "en": "Scale"}, "description": map[string]string{"nb": "Skala", "nn": "Skala", "en": "Scale"},
		"rights": right, "clientId": []string{clientID}, "allowedRedirectUrls": []string{"https://vendor.example/done"}, "isVisible": true}
	if st := a.DoJSON(t, "POST", "/authentication/api/v1/systemregister/vendor", vendor, sys, nil); st != 200 {
		t.Fatalf("register system: %d", st)
	}

	// 1. Tokens: same JWKS on both; a token from A verifies at B.
	var ja, jb json.RawMessage
	a.DoJSON(t, "GET", "/jwk", "", nil, &ja)
	b.DoJSON(t, "GET", "/jwk", "", nil, &jb)
	if !bytes.Equal(ja, jb) {
		t.Fatal("the instances publish different JWKS")
	}
	grant := func(org string) url.Values {
		g, err := mpgrant.Sign(key, mpgrant.Claims(mpgrant.Options{ClientID: clientID, Audience: issuer, Scopes: []string{"test:scaleout.read"}, SystemUserOrg: org}))
		if err != nil {
			t.Fatal(err)
		}
		return url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {g}}
	}
	form := grant("")
	var tok mpgrant.TokenResponse
	if st := a.DoJSON(t, "POST", "/token", "", form, &tok); st != 200 {
		t.Fatalf("grant on A: %d", st)
	}
	if _, err := b.Verifier.Verify(t.Context(), tok.AccessToken); err != nil {
		t.Fatalf("B does not accept A's token: %v", err)
	}
	// 2. The same grant replayed at B is refused.
	var oerr struct{ Error string }
	if st := b.DoJSON(t, "POST", "/token", "", form, &oerr); st != 400 || oerr.Error != "invalid_grant" {
		t.Fatalf("replay at B: %d %+v", st, oerr)
	}

	// 3. A request approved on A is seen by B's PDP within a second.
	var req struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	body := map[string]any{"systemId": "991825827_scaleout", "partyOrgNo": "313725138", "rights": right, "redirectUrl": "https://vendor.example/done"}
	if st := a.DoJSON(t, "POST", "/authentication/api/v1/systemuser/request/vendor", vendor, body, &req); st != 201 && st != 200 {
		t.Fatalf("request: %d %+v", st, req)
	}
	person := a.TestToken(t, map[string]any{"type": "person", "pid": "12857841016", "scopes": []string{"altinn:portal/enduser"}})
	org, err := a.Parties.Org(t.Context(), "313725138")
	if err != nil {
		t.Fatal(err)
	}
	// B must be listening before the approval, or it would only read
	// through the database and prove nothing about notifications.
	for deadline := time.Now().Add(10 * time.Second); !b.PDP.Listening(); {
		if time.Now().After(deadline) {
			t.Fatal("B's PDP never started listening")
		}
		time.Sleep(20 * time.Millisecond)
	}
	pdpToken := b.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "974761076", "scopes": []string{"altinn:authorization/authorize"}})
	if st := a.DoJSON(t, "POST", fmt.Sprintf("/authentication/api/v1/systemuser/request/%d/%s/approve", org.PartyID, req.ID), person, nil, nil); st != 200 {
		t.Fatalf("approve on A: %d", st)
	}
	approved := time.Now()
	// The system user's id, from a system-user token minted by B.
	if st := b.DoJSON(t, "POST", "/token", "", grant("313725138"), &tok); st != 200 {
		t.Fatalf("system-user grant on B: %d", st)
	}
	var claims struct {
		AuthorizationDetails []struct {
			SystemUserID []string `json:"systemuser_id"`
		} `json:"authorization_details"`
	}
	if err := json.Unmarshal(payload(t, tok.AccessToken), &claims); err != nil || len(claims.AuthorizationDetails) != 1 || len(claims.AuthorizationDetails[0].SystemUserID) != 1 {
		t.Fatalf("system-user token claims: %s", payload(t, tok.AccessToken))
	}
	suID := claims.AuthorizationDetails[0].SystemUserID[0]
	decision := fmt.Sprintf(`{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":%q}]}],`+
		`"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read"}]}],`+
		`"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"ske-krav-og-betalinger"},{"AttributeId":"urn:altinn:organization:identifier-no","Value":"313725138"}]}]}}`, suID)
	var last string
	for time.Since(approved) < time.Second {
		var out struct{ Response []struct{ Decision string } }
		b.DoJSON(t, "POST", "/authorization/api/v1/authorize", pdpToken, json.RawMessage(decision), &out)
		if len(out.Response) == 1 {
			last = out.Response[0].Decision
		}
		if last == "Permit" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("B's PDP answered %q a second after the approval on A", last)
}

// payload decodes a JWT's claims without verifying (the verification is
// tested elsewhere).
func payload(t *testing.T, jwt string) []byte {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", jwt)
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
