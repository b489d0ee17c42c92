package signing

import (
	"fmt"

	"github.com/altinn-sim/altinn-sim/internal/jose"
)

// signJWT serialises claims and signs them with key. Maskinporten's
// header is exactly kid and alg (no typ); Altinn's adds x5t and typ.
func signJWT(key *signingKey, claims any) (string, error) {
	h := map[string]string{"kid": key.kid}
	if key.purpose == purposeAltinn {
		h["x5t"], h["typ"] = key.x5t, "JWT"
	}
	tok, err := jose.Sign(key.alg, key.signer, h, claims)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return tok, nil
}

// signAltinn signs an Altinn platform token (exchange and person tokens).
func (s *Service) signAltinn(claims map[string]any) (string, error) {
	return signJWT(s.signingKey(purposeAltinn), claims)
}

// signingKey is the active key of purpose. Keys another instance rotated
// in arrive by notification (Listen) before its rotation answers.
func (s *Service) signingKey(purpose string) *signingKey {
	return s.keys.activeKey(purpose)
}
