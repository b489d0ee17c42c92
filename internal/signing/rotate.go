package signing

import (
	"context"
	"fmt"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// keysLockID is the advisory lock serialising key rotation across
// instances.
const keysLockID = 74210301

// keysPayload on db.InvalidateChannel says the signing keys changed:
// every instance reloads them before the rotation answers.
const keysPayload = "signing-keys"

// RotatedKeys names the new active keys.
type RotatedKeys struct {
	Maskinporten string `json:"maskinporten"`
	Altinn       string `json:"altinn"`
	IDPorten     string `json:"idporten"`
}

// RotateKeys retires the active signing keys and makes new ones. Retired
// keys stay in the JWKS until every token they signed has expired, then
// they are deleted. Rotations on several instances at once are serialised
// by an advisory lock, each making its own new pair.
func (s *Service) RotateKeys(ctx context.Context) (RotatedKeys, error) {
	var out RotatedKeys
	fresh := map[string]*signingKey{}
	raws := map[string][]byte{}
	for _, p := range purposes {
		k, raw, err := generateKey(p, s.set.SigningAlg)
		if err != nil {
			return out, err
		}
		fresh[p], raws[p] = k, raw
	}
	now := s.clock.Now()
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, keysLockID); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `UPDATE signing_keys SET retired = $1 WHERE retired IS NULL AND alg = $2`, now, s.set.SigningAlg); err != nil {
			return err
		}
		if _, err := q.Exec(ctx, `DELETE FROM signing_keys WHERE retired IS NOT NULL AND retired < $1`, now.Add(-s.retiredKeyKeep())); err != nil {
			return err
		}
		for _, p := range purposes {
			if _, err := q.Exec(ctx, `INSERT INTO signing_keys (kid, purpose, alg, private_jwk, created) VALUES ($1, $2, $3, $4, $5)`,
				fresh[p].kid, p, s.set.SigningAlg, raws[p], now); err != nil {
				return err
			}
		}
		// Every instance (this one too) reloads its keys on this, and the
		// commit returns only once all have: a token signed with the new
		// key verifies on any instance as soon as we answer.
		return db.Invalidate(ctx, q, keysPayload)
	})
	if err != nil {
		return out, fmt.Errorf("rotate signing keys: %w", err)
	}
	if err := s.reloadKeys(ctx); err != nil {
		return out, err
	}
	out.Maskinporten, out.Altinn, out.IDPorten = fresh[purposeMaskinporten].kid, fresh[purposeAltinn].kid, fresh[purposeIDPorten].kid
	return out, nil
}

// retiredKeyKeep is how long a retired key stays published: the longest
// token lifetime plus skew.
func (s *Service) retiredKeyKeep() time.Duration {
	d := s.set.TokenLifetime
	if s.set.AltinnLifetime > d {
		d = s.set.AltinnLifetime
	}
	return d + s.set.Skew
}

// Listen subscribes the key ring to the instance's listener: a rotation
// anywhere (keysPayload) or a reset reloads the keys, and so does
// (re)connecting, since a rotation may have happened while nobody
// listened. The reload runs in the listener, so the rotating writer's
// settle waits for it.
func (s *Service) Listen(l *db.Listener) {
	reload := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.reloadKeys(ctx); err != nil {
			s.log.Warn("reload signing keys", "err", err)
		}
	}
	l.Subscribe([]string{db.InvalidateChannel}, db.ListenFuncs{
		Connected: reload,
		Lost:      func() {},
		Notify: func(_, payload string) {
			if payload == keysPayload || payload == db.ResetPayload {
				reload()
			}
		},
	})
}
