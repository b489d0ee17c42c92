package signing

import (
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Routes are the public keys of the three issuers at their real paths, and the
// control API's key rotation.
func (s *Service) Routes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/jwk", Handler: route.E(s.handleJWKS(purposeMaskinporten)),
			Tag: "Maskinporten", Summary: "Public keys that sign Maskinporten tokens (JWKS)", OKSchema: "JWKS"},
		// Some old clients still fetch /jwk.json.
		{Method: "GET", Path: "/jwk.json", Handler: route.E(s.handleJWKS(purposeMaskinporten)),
			Tag: "Maskinporten", Summary: "Same as /jwk", OKSchema: "JWKS"},
		{Method: "GET", Path: "/authentication/api/v1/openid/.well-known/openid-configuration/jwks", Handler: route.E(s.handleJWKS(purposeAltinn)),
			Tag: "Altinn token exchange", Summary: "Public keys that sign Altinn tokens (JWKS)", OKSchema: "JWKS"},
		{Method: "GET", Path: "/idporten/jwks.json", Handler: route.E(s.handleJWKS(purposeIDPorten)),
			Tag: "ID-porten", Summary: "Public keys that sign ID-porten's id and access tokens (JWKS)", OKSchema: "JWKS"},
		{Method: "POST", Path: "/sim/api/v1/keys/rotate", Guard: route.Admin, Handler: route.E(s.handleRotate),
			Tag: "Emulator control", Summary: "Rotate the signing keys (old keys stay in the JWKS until their tokens expire)"},
	}
}

func (s *Service) handleJWKS(purpose string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		set, err := s.jwks(purpose)
		if err != nil {
			return err
		}
		respond.JSON(w, http.StatusOK, set)
		return nil
	}
}

func (s *Service) handleRotate(w http.ResponseWriter, r *http.Request) error {
	out, err := s.RotateKeys(r.Context())
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, out)
	return nil
}
