// Package scopes is Maskinporten's scope register: scopes with the
// organisation that owns their prefix, the access each owner grants or
// withdraws per consumer organisation, the rule saying which scopes an
// organisation's clients may carry (rules.go), Digdir's self-service API
// for scopes under /api/v1/scopes, and a cache of verdicts so /token
// checks access without a round trip.
package scopes

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/cache"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
)

// scopesChannel is where scope writers notify every instance; the
// payload is the scope's name.
const scopesChannel = "altinn_sim_scopes"

// verdictTTL bounds how long a cached verdict is trusted without a
// notification (a safety net), on the app's clock.
const verdictTTL = 30 * time.Second

// Service is the scope register.
type Service struct {
	pool     *pgxpool.Pool
	clock    clock.Clock
	verdicts *cache.Cache[string, Verdict]
}

// New builds the register. Its verdict cache is used only while Listen's
// connection is up.
func New(pool *pgxpool.Pool, clk clock.Clock) *Service {
	if clk == nil {
		clk = clock.System{}
	}
	return &Service{pool: pool, clock: clk,
		verdicts: cache.New[string, Verdict](cache.Options{Now: clk.Now, TTL: verdictTTL, Notified: true})}
}

// CacheLive reports whether the verdict cache is in use (tests).
func (s *Service) CacheLive() bool { return s.verdicts.Live() }

// Listen subscribes the verdict cache to the instance's listener: any
// scope or access change, or a reset, empties it.
func (s *Service) Listen(l *db.Listener) {
	l.Subscribe([]string{scopesChannel, db.InvalidateChannel}, db.ListenFuncs{
		Connected: s.verdicts.Connected,
		Lost:      s.verdicts.Lost,
		Notify: func(channel, payload string) {
			if channel == db.InvalidateChannel && payload != db.ResetPayload {
				return
			}
			s.verdicts.Flush()
		},
	})
}

func notifyScope(ctx context.Context, q db.Querier, name string) error {
	return db.Notify(ctx, q, scopesChannel, name)
}

// Check decides whether org's clients may use scope (what /token asks for
// every scope of a grant), through the cache.
func (s *Service) Check(ctx context.Context, org, scope string) (Verdict, error) {
	return s.verdicts.Load(org+"\x00"+scope, func() (Verdict, error) {
		st, err := standing(ctx, s.pool, org, scope)
		if err != nil {
			return Unknown, err
		}
		return Decide(org, st), nil
	})
}

// StandingOf reads what the register knows about org and the scope name
// (uncached): the delegated-API-access rules ask it for the prefix owner
// and the delegation source.
func (s *Service) StandingOf(ctx context.Context, org, name string) (Standing, error) {
	return standing(ctx, s.pool, org, name)
}

// Refused returns, for each of scopes org's clients may not carry, the
// reason in words (nil when all are allowed). It reads the database
// directly: a client write must see the access as it is now.
//
// A scope with a delegation source may be carried without access: a
// supplier registers the provider's scope on its own client and gets
// tokens only for consumers that delegated it in Altinn (consumer_org);
// /token refuses it any other way (MP-250).
func (s *Service) Refused(ctx context.Context, org string, scopes []string) (map[string]string, error) {
	var out map[string]string
	for _, sc := range scopes {
		st, err := standing(ctx, s.pool, org, sc)
		if err != nil {
			return nil, err
		}
		if v := Decide(org, st); v != Allowed && !(v == NotGranted && st.DelegationSource != "") {
			if out == nil {
				out = map[string]string{}
			}
			out[sc] = Refusal(org, sc, v)
		}
	}
	return out, nil
}
