package mpclient

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// An ID-porten integration (integration_type idporten): a web application
// that logs persons in with the code flow at /idporten and authenticates
// at its token endpoint with a client secret or a signed JWT.
const (
	IntegrationIDPorten = "idporten"
	AuthSecretBasic     = "client_secret_basic"
	AuthSecretPost      = "client_secret_post"
	GrantAuthCode       = "authorization_code"
	GrantRefresh        = "refresh_token"
)

var (
	vldIDPAuthMethod = problem.ValidationDescriptor{Code: "SIM.VLD-00328", Title: "token_endpoint_auth_method must be client_secret_basic, client_secret_post or private_key_jwt for an ID-porten client."}
	vldIDPGrantTypes = problem.ValidationDescriptor{Code: "SIM.VLD-00329", Title: "grant_types must be authorization_code, optionally with refresh_token, for an ID-porten client."}
	vldRedirectURIs  = problem.ValidationDescriptor{Code: "SIM.VLD-00330", Title: "redirect_uris must hold at least one absolute http(s) URI without a fragment."}
	vldLogoutURIs    = problem.ValidationDescriptor{Code: "SIM.VLD-00331", Title: "post_logout_redirect_uris must be absolute http(s) URIs without a fragment."}
	vldNotIDPorten   = problem.ValidationDescriptor{Code: "SIM.VLD-00332", Title: "redirect_uris and post_logout_redirect_uris are for ID-porten clients only."}
)

// checkIDPortenRegistration validates what only an ID-porten client has
// and fills in its defaults (client_secret_basic; both grant types).
func checkIDPortenRegistration(in *Registration) []problem.ValidationError {
	var errs []problem.ValidationError
	switch in.TokenEndpointAuthMethod {
	case "":
		in.TokenEndpointAuthMethod = AuthSecretBasic
	case AuthSecretBasic, AuthSecretPost, AuthPrivateKeyJWT:
	default:
		errs = append(errs, vldIDPAuthMethod.At("/token_endpoint_auth_method"))
	}
	if in.ApplicationType != "" && in.ApplicationType != ApplicationWeb {
		errs = append(errs, vldAppType.At("/application_type"))
	}
	if in.GrantTypes != nil && !slices.Equal(in.GrantTypes, []string{GrantAuthCode}) && !slices.Equal(in.GrantTypes, []string{GrantAuthCode, GrantRefresh}) {
		errs = append(errs, vldIDPGrantTypes.At("/grant_types"))
	}
	if len(in.RedirectURIs) == 0 {
		errs = append(errs, vldRedirectURIs.At("/redirect_uris"))
	}
	for i, u := range in.RedirectURIs {
		if !webURI(u) {
			errs = append(errs, vldRedirectURIs.At(fmt.Sprintf("/redirect_uris/%d", i)))
		}
	}
	for i, u := range in.PostLogoutRedirectURIs {
		if !webURI(u) {
			errs = append(errs, vldLogoutURIs.At(fmt.Sprintf("/post_logout_redirect_uris/%d", i)))
		}
	}
	return errs
}

// webURI: an absolute http(s) URI with a host and no fragment.
func webURI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.Contains(s, "#") && len(s) <= 2000
}

// idportenScope: openid and profile are ID-porten's own; any other scope
// an ID-porten client names needs only the prefix:subscope form (the
// scope register's allowed_integration_types are not checked for them).
func idportenScope(sc string) bool { return sc == "openid" || sc == "profile" || ValidScope(sc) }

// newSecret makes a client secret and its SHA-256.
func newSecret() (string, []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(secret))
	return secret, sum[:]
}

// usesSecret says whether an auth method authenticates with the secret.
func usesSecret(method string) bool { return method == AuthSecretBasic || method == AuthSecretPost }
