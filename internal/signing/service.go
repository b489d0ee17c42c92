// Package signing is our side of every token: the signing keys of
// Maskinporten and of the Altinn platform (created at start-up, rotated,
// shared by every instance through the database), their JWKS, signing a
// token with the active key, and Verify, which checks a token we issued
// and says who the caller is (auth.Verifier for every platform API).
package signing

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/clock"
)

// Purpose says which issuer a key signs for: Maskinporten access tokens
// and exchanged Altinn tokens are signed by different keys, as in the
// real world, and published at different JWKS endpoints.
type Purpose = string

// The key purposes.
const (
	Maskinporten Purpose = purposeMaskinporten
	Altinn       Purpose = purposeAltinn
	IDPorten     Purpose = purposeIDPorten
)

// Settings are the token settings every token package shares.
type Settings struct {
	// Issuer is the Maskinporten issuer, with its trailing slash.
	Issuer string
	// AltinnIssuer is the issuer of exchanged Altinn tokens.
	AltinnIssuer string
	// IDPortenIssuer is the issuer of ID-porten's id and access tokens
	// (no trailing slash, as ID-porten's own).
	IDPortenIssuer string
	// BaseURL is the public URL without trailing slash.
	BaseURL string
	// SigningAlg is RS256 or ES256.
	SigningAlg string
	// TokenLifetime is the Maskinporten access-token lifetime (120 s).
	TokenLifetime time.Duration
	// AltinnLifetime is the exchanged token's lifetime (30 min).
	AltinnLifetime time.Duration
	// RSASigner is how RSA keys sign: RSASignerAuto ("" too),
	// RSASignerOpenSSL or RSASignerGo.
	RSASigner string
	// Skew is the clock skew tolerated on a token's exp and nbf when
	// Verify checks it, and added to how long a retired key stays
	// published (10 s).
	Skew time.Duration
}

// DefaultSettings fills the fixed lifetimes and skew around the
// configurable parts. The limits on a vendor's grant are Maskinporten's
// (maskinporten.GrantLimits), not ours.
func DefaultSettings(publicURL, alg string, lifetime time.Duration) Settings {
	base := strings.TrimRight(publicURL, "/")
	if lifetime <= 0 {
		lifetime = 120 * time.Second
	}
	if alg == "" {
		alg = "RS256"
	}
	return Settings{
		Issuer:         base + "/",
		AltinnIssuer:   base + "/authentication/api/v1/openid/",
		IDPortenIssuer: base + "/idporten",
		BaseURL:        base,
		SigningAlg:     alg,
		TokenLifetime:  lifetime,
		AltinnLifetime: 30 * time.Minute,
		Skew:           10 * time.Second,
	}
}

// Service holds our signing keys.
type Service struct {
	pool  *pgxpool.Pool
	clock clock.Clock
	log   *slog.Logger
	set   Settings
	keys  keyring
	rsa   rsaBackend

	keygen *Keygen
}

// Deps are the collaborators of the service.
type Deps struct {
	Pool  *pgxpool.Pool
	Clock clock.Clock
	Log   *slog.Logger
	// Keygen, when set, supplies the keys a fresh database needs
	// (StartKeygen); unused when the database has them.
	Keygen *Keygen
}

// New builds the service and makes sure the signing keys exist.
func New(ctx context.Context, d Deps, set Settings) (*Service, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	s := &Service{pool: d.Pool, clock: d.Clock, log: d.Log, set: set, keygen: d.Keygen}
	var err error
	if s.rsa, err = chooseRSABackend(set.RSASigner); err != nil {
		return nil, fmt.Errorf("signing keys: %w", err)
	}
	s.log.Info("RSA token signer", "signer", s.rsa.name, "detail", s.rsa.detail)
	if err := s.ensureKeys(ctx); err != nil {
		return nil, fmt.Errorf("signing keys: %w", err)
	}
	return s, nil
}

// Settings returns the service's settings.
func (s *Service) Settings() Settings { return s.set }

// Sign serialises claims and signs them with the active key of purpose.
// Maskinporten's header is exactly kid and alg (no typ); Altinn's adds
// x5t and typ.
func (s *Service) Sign(purpose Purpose, claims any) (string, error) {
	return signJWT(s.signingKey(purpose), claims)
}

// Alg is the algorithm of purpose's active key.
func (s *Service) Alg(purpose Purpose) string { return s.keys.activeKey(purpose).alg }

var _ auth.Verifier = (*Service)(nil)
