// Package exchange is the Altinn platform's side of tokens: the token
// exchange (a Maskinporten token for an Altinn token), Altinn's OpenID
// metadata, and the control API's test tokens, minted like the real ones
// without a grant (after the platform's test token generator).
package exchange

import (
	"context"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// PersonLookup finds test persons for person test tokens, the ID-porten
// exchange and refresh's ?enrichPid=true.
type PersonLookup interface {
	Person(ctx context.Context, pid string) (parties.Person, error)
	PersonByPartyUUID(ctx context.Context, id uuid.UUID) (parties.Person, error)
}

// Deps are the collaborators of the service; the settings are the
// Signer's. Persons may be nil: person test tokens then carry only the
// pid.
type Deps struct {
	Clock        clock.Clock
	Log          *slog.Logger
	Signer       *signing.Service
	Maskinporten *maskinporten.Service
	Persons      PersonLookup
}

// Service is the exchange and the test-token minter.
type Service struct {
	clock   clock.Clock
	log     *slog.Logger
	set     signing.Settings
	signer  *signing.Service
	mp      *maskinporten.Service
	persons PersonLookup
}

// New builds the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Clock == nil {
		d.Clock = clock.System{}
	}
	return &Service{clock: d.Clock, log: d.Log, set: d.Signer.Settings(), signer: d.Signer, mp: d.Maskinporten, persons: d.Persons}
}

// signAltinn signs an Altinn platform token (exchange and person tokens).
func (s *Service) signAltinn(claims map[string]any) (string, error) {
	return s.signer.Sign(signing.Altinn, claims)
}

// altinnClaims adds the claims every Altinn token carries.
func (s *Service) altinnClaims(claims map[string]any, now time.Time) {
	claims["iss"] = s.set.AltinnIssuer
	claims["sid"] = uuid.NewString()
	claims["jti"] = uuid.NewString()
	claims["nbf"] = now.Unix()
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(s.set.AltinnLifetime).Unix()
}
