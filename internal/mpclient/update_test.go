package mpclient

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// TestUpdateRegistrationByType: an update writes what only an ID-porten
// client has — its auth method and redirect URIs, its secret kept between
// secret methods and dropped for private_key_jwt — and leaves a Maskinporten
// client's private_key_jwt and empty redirect URIs as they were, even when
// the body leaves the method out.
func TestUpdateRegistrationByType(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newRegister(t, nil)
	mp := Registration{IntegrationType: IntegrationMaskinporten, ClientName: "mp", Scopes: []string{"test:read"}}
	idp := Registration{IntegrationType: IntegrationIDPorten, ClientName: "idp", Scopes: []string{"openid"},
		TokenEndpointAuthMethod: AuthSecretBasic, RedirectURIs: []string{"https://a.example/cb"}}
	for _, c := range []struct {
		name        string
		create, upd Registration
		method      string
		redirect    []string
		logout      []string
		secretKept  bool // else none after the update
	}{
		{"Maskinporten, method left out", mp,
			Registration{IntegrationType: IntegrationMaskinporten, ClientName: "mp 2", Scopes: []string{"test:read"}},
			AuthPrivateKeyJWT, []string{}, []string{}, false},
		{"ID-porten, from one secret method to the other", idp,
			Registration{IntegrationType: IntegrationIDPorten, ClientName: "idp 2", Scopes: []string{"openid"}, TokenEndpointAuthMethod: AuthSecretPost,
				RedirectURIs: []string{"https://b.example/cb"}, PostLogoutRedirectURIs: []string{"https://b.example/bye"}},
			AuthSecretPost, []string{"https://b.example/cb"}, []string{"https://b.example/bye"}, true},
		{"ID-porten, from a secret to private_key_jwt", idp,
			Registration{IntegrationType: IntegrationIDPorten, ClientName: "idp 3", Scopes: []string{"openid"}, TokenEndpointAuthMethod: AuthPrivateKeyJWT,
				RedirectURIs: []string{"https://a.example/cb"}},
			AuthPrivateKeyJWT, []string{"https://a.example/cb"}, []string{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			created, _, err := s.Register(ctx, org, c.create)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.UpdateRegistration(ctx, org, created.ClientID, c.upd); err != nil {
				t.Fatal(err)
			}
			got, err := s.OrgClient(ctx, org, created.ClientID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != c.upd.ClientName || got.TokenEndpointAuthMethod != c.method ||
				!slices.Equal(got.RedirectURIs, c.redirect) || !slices.Equal(got.PostLogoutRedirectURIs, c.logout) {
				t.Errorf("read back name %q, method %q, redirect_uris %q, post_logout_redirect_uris %q; want %q, %q, %q, %q",
					got.Name, got.TokenEndpointAuthMethod, got.RedirectURIs, got.PostLogoutRedirectURIs, c.upd.ClientName, c.method, c.redirect, c.logout)
			}
			if kept := got.SecretSHA256 != nil && bytes.Equal(got.SecretSHA256, created.SecretSHA256); kept != c.secretKept {
				t.Errorf("secret kept %v, want %v", kept, c.secretKept)
			}
		})
	}
}

// TestUpdateClientNameLength: the control API's update takes a name of up
// to 200 characters, not 201.
func TestUpdateClientNameLength(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newRegister(t, nil)
	if _, err := s.CreateClient(ctx, NewClient{ClientID: "c1", OrgNo: org, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	none := []string{}
	for _, c := range []struct {
		name string
		len  int
		want []problem.ValidationError // nil: accepted
	}{
		{"200 characters", 200, nil},
		{"201 characters", 201, []problem.ValidationError{vld("SIM.VLD-00305", "/name", "")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.UpdateClient(ctx, "c1", ClientUpdate{Name: strings.Repeat("n", c.len), Scopes: &none})
			if c.want != nil {
				wantValidation(t, err, c.want...)
				return
			}
			if err != nil || len(got.Name) != c.len {
				t.Fatalf("name of %d read back as %d characters, %v", c.len, len(got.Name), err)
			}
		})
	}
}
