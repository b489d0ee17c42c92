// Package tokens is the emulator's Maskinporten token service: JWT-bearer
// grant validation (grant.go), token issue (issue.go), our signing keys
// and JWKS, discovery, the Altinn token exchange, test tokens, and Verify
// for the platform APIs' auth middleware. Clients live in mpclient.
package tokens

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// SystemUserLookup finds the active system user a system-user grant asks
// for: the byExternalId lookup of spec/altinn-authentication-api.md §5.3.
// It answers an error wrapping db.ErrNotFound when there is none.
type SystemUserLookup interface {
	ByExternalID(ctx context.Context, clientID, systemProviderOrgNo, ownerOrgNo, externalRef string) (SystemUser, error)
}

// ClientLookup finds the client a grant names (an error wrapping
// db.ErrNotFound when there is none); mpclient's cached Lookup.
type ClientLookup interface {
	Lookup(ctx context.Context, clientID string) (mpclient.Client, error)
}

// PersonLookup finds test persons for person test tokens.
type PersonLookup interface {
	Person(ctx context.Context, pid string) (parties.Person, error)
}

// Settings are the knobs of the token service.
type Settings struct {
	// Issuer is the Maskinporten issuer, with its trailing slash.
	Issuer string
	// AltinnIssuer is the issuer of exchanged Altinn tokens.
	AltinnIssuer string
	// BaseURL is the public URL without trailing slash.
	BaseURL string
	// SigningAlg is RS256 or ES256.
	SigningAlg string
	// TokenLifetime is the Maskinporten access-token lifetime (120 s).
	TokenLifetime time.Duration
	// AltinnLifetime is the exchanged token's lifetime (30 min).
	AltinnLifetime time.Duration
	// MaxAssertionLifetime bounds exp - iat of a grant (120 s).
	MaxAssertionLifetime time.Duration
	// Skew is the clock skew tolerated on iat, exp and nbf (10 s).
	Skew time.Duration

	// ExtraAudiences are further issuers a grant's aud may name, for a
	// server reached by several URLs (ALTINN_SIM_ALSO_PUBLIC_URL: the
	// host's http://localhost:8080 and another container's
	// http://altinn-sim:8080). Tokens still carry Issuer. Empty: only
	// Issuer, as Maskinporten.
	ExtraAudiences []string
}

// DefaultSettings fills the fixed Maskinporten limits around the
// configurable parts.
func DefaultSettings(publicURL, alg string, lifetime time.Duration) Settings {
	base := strings.TrimRight(publicURL, "/")
	if lifetime <= 0 {
		lifetime = 120 * time.Second
	}
	if alg == "" {
		alg = "RS256"
	}
	return Settings{
		Issuer:               base + "/",
		AltinnIssuer:         base + "/authentication/api/v1/openid/",
		BaseURL:              base,
		SigningAlg:           alg,
		TokenLifetime:        lifetime,
		AltinnLifetime:       30 * time.Minute,
		MaxAssertionLifetime: 120 * time.Second,
		Skew:                 10 * time.Second,
	}
}

// Deps are the collaborators of the service. SystemUsers and Persons may
// be nil: system-user grants then fail as "no system user" (MP-303), and
// person test tokens carry only the pid.
type Deps struct {
	Pool        *pgxpool.Pool
	Clock       clock.Clock
	Log         *slog.Logger
	Clients     ClientLookup
	SystemUsers SystemUserLookup
	Persons     PersonLookup
}

// Service is the token service.
type Service struct {
	pool        *pgxpool.Pool
	clock       clock.Clock
	log         *slog.Logger
	set         Settings
	clients     ClientLookup
	systemUsers SystemUserLookup
	persons     PersonLookup
	keys        keyring
	clientKeys  keyCache
	grants      atomic.Uint64
}

// New builds the service and makes sure the signing keys exist.
func New(ctx context.Context, d Deps, set Settings) (*Service, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	s := &Service{pool: d.Pool, clock: d.Clock, log: d.Log, set: set, clients: d.Clients, systemUsers: d.SystemUsers, persons: d.Persons}
	if err := s.ensureKeys(ctx); err != nil {
		return nil, fmt.Errorf("tokens: signing keys: %w", err)
	}
	return s, nil
}

// Settings returns the service's settings.
func (s *Service) Settings() Settings { return s.set }
