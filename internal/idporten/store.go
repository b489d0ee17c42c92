package idporten

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// SQL on the idporten_* tables (migrations/0080_idporten.up.sql).

func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return dberr.ErrNotFound
	}
	return fmt.Errorf("read %s: %w", what, db.Map(err))
}

// purgeExpired drops flow state that expired more than an hour ago (kept
// that long so a late redemption still says "expired", not "unknown").
func purgeExpired(ctx context.Context, q db.Querier, now time.Time) error {
	cut := now.Add(-time.Hour)
	for _, t := range []string{"idporten_auth_requests", "idporten_sessions", "idporten_codes", "idporten_refresh_tokens", "idporten_assertion_jti"} {
		if _, err := q.Exec(ctx, `DELETE FROM `+t+` WHERE expires < $1`, cut); err != nil {
			return fmt.Errorf("purge %s: %w", t, db.Map(err))
		}
	}
	return nil
}

func insertAuthRequest(ctx context.Context, q db.Querier, a authRequest) error {
	_, err := q.Exec(ctx, `INSERT INTO idporten_auth_requests (id, client_id, redirect_uri, scope, state, nonce, acr, locale, code_challenge, expires)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		a.ID, a.ClientID, a.RedirectURI, a.Scope, a.State, a.Nonce, a.ACR, a.Locale, a.CodeChallenge, a.Expires)
	if err != nil {
		return fmt.Errorf("store authorization request: %w", db.Map(err))
	}
	return nil
}

func authRequestByID(ctx context.Context, q db.Querier, id string) (authRequest, error) {
	var a authRequest
	err := q.QueryRow(ctx, `SELECT id, client_id, redirect_uri, scope, state, nonce, acr, locale, code_challenge, expires
		FROM idporten_auth_requests WHERE id = $1`, id).
		Scan(&a.ID, &a.ClientID, &a.RedirectURI, &a.Scope, &a.State, &a.Nonce, &a.ACR, &a.Locale, &a.CodeChallenge, &a.Expires)
	if err != nil {
		return a, notFound(err, "authorization request")
	}
	return a, nil
}

// takeAuthRequest deletes the request and returns it: only one login
// answers it.
func takeAuthRequest(ctx context.Context, q db.Querier, id string) (authRequest, error) {
	var a authRequest
	err := q.QueryRow(ctx, `DELETE FROM idporten_auth_requests WHERE id = $1
		RETURNING id, client_id, redirect_uri, scope, state, nonce, acr, locale, code_challenge, expires`, id).
		Scan(&a.ID, &a.ClientID, &a.RedirectURI, &a.Scope, &a.State, &a.Nonce, &a.ACR, &a.Locale, &a.CodeChallenge, &a.Expires)
	if err != nil {
		return a, notFound(err, "authorization request")
	}
	return a, nil
}

func insertSession(ctx context.Context, q db.Querier, ss session) error {
	_, err := q.Exec(ctx, `INSERT INTO idporten_sessions (sid, pid, acr, auth_time, expires) VALUES ($1, $2, $3, $4, $5)`,
		ss.SID, ss.PID, ss.ACR, ss.AuthTime, ss.Expires)
	if err != nil {
		return fmt.Errorf("store session: %w", db.Map(err))
	}
	return nil
}

func sessionBySID(ctx context.Context, q db.Querier, sid string) (session, error) {
	var ss session
	err := q.QueryRow(ctx, `SELECT sid, pid, acr, auth_time, expires FROM idporten_sessions WHERE sid = $1`, sid).
		Scan(&ss.SID, &ss.PID, &ss.ACR, &ss.AuthTime, &ss.Expires)
	if err != nil {
		return ss, notFound(err, "session")
	}
	return ss, nil
}

// endSession deletes the session, its unredeemed codes and its refresh
// tokens.
func endSession(ctx context.Context, q db.Querier, sid string) error {
	for _, stmt := range []string{
		`DELETE FROM idporten_sessions WHERE sid = $1`,
		`DELETE FROM idporten_codes WHERE sid = $1`,
		`DELETE FROM idporten_refresh_tokens WHERE sid = $1`,
	} {
		if _, err := q.Exec(ctx, stmt, sid); err != nil {
			return fmt.Errorf("end session: %w", db.Map(err))
		}
	}
	return nil
}

func insertCode(ctx context.Context, q db.Querier, hash string, g grant) error {
	_, err := q.Exec(ctx, `INSERT INTO idporten_codes (code_sha256, client_id, redirect_uri, scope, nonce, acr, locale,
			code_challenge, sid, pid, auth_time, expires)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		hash, g.ClientID, g.RedirectURI, g.Scope, g.Nonce, g.ACR, g.Locale, g.Challenge, g.SID, g.PID, g.AuthTime, g.Expires)
	if err != nil {
		return fmt.Errorf("store code: %w", db.Map(err))
	}
	return nil
}

// useCode marks the code used and returns it with its earlier state: Used
// is nil for the one redemption that wins (the row lock orders
// concurrent ones).
func useCode(ctx context.Context, q db.Querier, hash string, now time.Time) (grant, error) {
	var g grant
	err := q.QueryRow(ctx, `UPDATE idporten_codes c SET used = COALESCE(c.used, $2)
		FROM (SELECT code_sha256, used FROM idporten_codes WHERE code_sha256 = $1 FOR UPDATE) old
		WHERE c.code_sha256 = old.code_sha256
		RETURNING c.client_id, c.redirect_uri, c.scope, c.nonce, c.acr, c.locale, c.code_challenge, c.sid, c.pid,
			c.auth_time, c.expires, old.used`, hash, now).
		Scan(&g.ClientID, &g.RedirectURI, &g.Scope, &g.Nonce, &g.ACR, &g.Locale, &g.Challenge, &g.SID, &g.PID, &g.AuthTime, &g.Expires, &g.Used)
	if err != nil {
		return g, notFound(err, "code")
	}
	g.Family = hash
	return g, nil
}

func insertRefresh(ctx context.Context, q db.Querier, hash string, g grant) error {
	_, err := q.Exec(ctx, `INSERT INTO idporten_refresh_tokens (token_sha256, family, client_id, pid, scope, acr, locale, sid, auth_time, expires)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		hash, g.Family, g.ClientID, g.PID, g.Scope, g.ACR, g.Locale, g.SID, g.AuthTime, g.Expires)
	if err != nil {
		return fmt.Errorf("store refresh token: %w", db.Map(err))
	}
	return nil
}

// useRefresh marks a refresh token used, as useCode does codes.
func useRefresh(ctx context.Context, q db.Querier, hash string, now time.Time) (grant, error) {
	var g grant
	err := q.QueryRow(ctx, `UPDATE idporten_refresh_tokens r SET used = COALESCE(r.used, $2)
		FROM (SELECT token_sha256, used FROM idporten_refresh_tokens WHERE token_sha256 = $1 FOR UPDATE) old
		WHERE r.token_sha256 = old.token_sha256
		RETURNING r.family, r.client_id, r.pid, r.scope, r.acr, r.locale, r.sid, r.auth_time, r.expires, old.used`, hash, now).
		Scan(&g.Family, &g.ClientID, &g.PID, &g.Scope, &g.ACR, &g.Locale, &g.SID, &g.AuthTime, &g.Expires, &g.Used)
	if err != nil {
		return g, notFound(err, "refresh token")
	}
	return g, nil
}

// revokeFamily deletes every refresh token issued from one code.
func revokeFamily(ctx context.Context, q db.Querier, family string) error {
	if _, err := q.Exec(ctx, `DELETE FROM idporten_refresh_tokens WHERE family = $1`, family); err != nil {
		return fmt.Errorf("revoke refresh tokens: %w", db.Map(err))
	}
	return nil
}

// useAssertionJTI records a client assertion's jti; false when it was
// used before.
func useAssertionJTI(ctx context.Context, q db.Querier, clientID, jti string, expires time.Time) (bool, error) {
	tag, err := q.Exec(ctx, `INSERT INTO idporten_assertion_jti (client_id, jti, expires) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		clientID, jti, expires)
	if err != nil {
		return false, fmt.Errorf("record client assertion: %w", db.Map(err))
	}
	return tag.RowsAffected() == 1, nil
}
