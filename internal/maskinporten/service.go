// Package maskinporten is the emulator's Maskinporten token endpoint:
// JWT-bearer grant validation in Maskinporten's order (grant.go), replay
// protection, token issue (issue.go), the authorization-server metadata
// and the pages each error_uri points to. Clients live in mpclient, the
// signing keys in signing.
package maskinporten

import (
	"context"
	"crypto/x509"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// SystemUserLookup finds the active system user a system-user grant asks
// for: the byExternalId lookup.
// It answers an error wrapping dberr.ErrNotFound when there is none.
type SystemUserLookup interface {
	ByExternalID(ctx context.Context, clientID, systemProviderOrgNo, ownerOrgNo, externalRef string) (SystemUser, error)
}

// ClientLookup finds the client a grant names (an error wrapping
// dberr.ErrNotFound when there is none); mpclient's cached Lookup.
type ClientLookup interface {
	Lookup(ctx context.Context, clientID string) (mpclient.Client, error)
}

// ScopeAccess decides whether a client's organisation may get tokens for
// a scope (the scopes package's cached Check).
type ScopeAccess interface {
	Check(ctx context.Context, orgNo, scope string) (scopes.Verdict, error)
}

// APIDelegations answers /token's question for a consumer_org grant:
// has consumer delegated scope to supplier in Altinn (apidelegation's
// Check, in maskinporten's own result type)?
type APIDelegations interface {
	Delegation(ctx context.Context, consumer, supplier, scope string) (DelegationVerdict, error)
}

// DelegationVerdict is what APIDelegations answers for one scope.
type DelegationVerdict struct {
	// DelegationSource is the scope's delegation_source; "" when the
	// scope cannot be delegated in Altinn.
	DelegationSource string
	// Delegated: a live delegation gives the scope to the supplier.
	Delegated bool
}

// Deps are the collaborators of the service; the issuer and the token
// lifetime are the Signer's settings, the limits on a grant are Limits.
// SystemUsers may be nil: system-user grants then fail as "no system user"
// (MP-303).
type Deps struct {
	Pool    *pgxpool.Pool
	Clock   clock.Clock
	Log     *slog.Logger
	Signer  *signing.Service
	Clients ClientLookup
	// Scopes may be nil: every scope on a client is then allowed.
	Scopes      ScopeAccess
	SystemUsers SystemUserLookup
	// APIDelegations may be nil: every consumer_org grant is then refused
	// (MP-251).
	APIDelegations APIDelegations
	// Recorder, when set, hears how every /token call ended (the /sim/
	// call log).
	Recorder Recorder
	// CertRoots are the CAs whose enterprise certificates /token trusts
	// (the test CA); nil trusts none.
	CertRoots CertRoots
	Limits    GrantLimits
}

// CertRoots gives the certificate pool x5c chains must end in.
type CertRoots interface {
	Roots() *x509.CertPool
}

// GrantLimits are Maskinporten's rules for a vendor's JWT-bearer grant.
type GrantLimits struct {
	// MaxLifetime bounds exp - iat; zero means Maskinporten's 120 s.
	MaxLifetime time.Duration
	// Skew is the clock skew tolerated on iat, exp and nbf, and added to
	// how long a jti is remembered; zero means Maskinporten's 10 s.
	Skew time.Duration
	// ExtraAudiences are further issuers a grant's aud may name, for a
	// server reached by several URLs (ALTINN_SIM_ALSO_PUBLIC_URL: the
	// host's http://localhost:8080 and another container's
	// http://altinn-sim:8080). Tokens still carry the issuer. Empty: only
	// the issuer, as Maskinporten.
	ExtraAudiences []string
}

// Maskinporten's own limits, which GrantLimits' zero values stand for.
const (
	maxGrantLifetime = 120 * time.Second
	grantSkew        = 10 * time.Second
)

// Service is the token service.
type Service struct {
	pool        *pgxpool.Pool
	clock       clock.Clock
	log         *slog.Logger
	set         signing.Settings
	limits      GrantLimits
	signer      *signing.Service
	clients     ClientLookup
	scopes      ScopeAccess
	systemUsers SystemUserLookup
	delegations APIDelegations
	rec         Recorder
	clientKeys  keyCache
	certRoots   *x509.CertPool
	grants      atomic.Uint64
}

// New builds the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	if d.Limits.MaxLifetime <= 0 {
		d.Limits.MaxLifetime = maxGrantLifetime
	}
	if d.Limits.Skew <= 0 {
		d.Limits.Skew = grantSkew
	}
	s := &Service{pool: d.Pool, clock: d.Clock, log: d.Log, set: d.Signer.Settings(), limits: d.Limits, signer: d.Signer, clients: d.Clients, scopes: d.Scopes, systemUsers: d.SystemUsers, delegations: d.APIDelegations, rec: d.Recorder}
	if d.CertRoots != nil {
		s.certRoots = d.CertRoots.Roots()
	}
	return s
}

// Settings returns the service's settings.
func (s *Service) Settings() signing.Settings { return s.set }
