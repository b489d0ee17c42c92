package scopes

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

const scopeColumns = `s.name, s.prefix, s.subscope, s.description, s.long_description, s.active,
	s.allowed_integration_types, s.accessible_for_all, s.visibility, s.token_type, s.at_max_age,
	s.authorization_max_lifetime, s.delegation_source, s.requires_user_consent,
	s.requires_user_authentication, s.requires_pseudonymous_tokens, p.owner_orgno, s.created, s.last_updated`

const scopeFrom = ` FROM maskinporten_scopes s JOIN maskinporten_scope_prefixes p ON p.prefix = s.prefix`

func scanScope(row pgx.Row) (Scope, error) {
	var s Scope
	err := row.Scan(&s.Name, &s.Prefix, &s.Subscope, &s.Description, &s.LongDescription, &s.Active,
		&s.AllowedIntegrationTypes, &s.AccessibleForAll, &s.Visibility, &s.TokenType, &s.AtMaxAge,
		&s.AuthorizationMaxLifetime, &s.DelegationSource, &s.RequiresUserConsent,
		&s.RequiresUserAuthentication, &s.RequiresPseudonymousTokens, &s.OwnerOrgNo, &s.Created, &s.LastUpdated)
	if err != nil {
		return Scope{}, db.Map(err)
	}
	if s.AllowedIntegrationTypes == nil {
		s.AllowedIntegrationTypes = []string{}
	}
	return s, nil
}

func collectScopes(rows pgx.Rows, err error) ([]Scope, error) {
	if err != nil {
		return nil, db.Map(err)
	}
	defer rows.Close()
	out := []Scope{}
	for rows.Next() {
		s, err := scanScope(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, db.Map(rows.Err())
}

// getScope reads one scope; lock takes its row for an update.
func getScope(ctx context.Context, q db.Querier, name string, lock bool) (Scope, error) {
	sql := `SELECT ` + scopeColumns + scopeFrom + ` WHERE s.name = $1`
	if lock {
		sql += ` FOR UPDATE OF s`
	}
	s, err := scanScope(q.QueryRow(ctx, sql, name))
	if err != nil {
		return Scope{}, fmt.Errorf("scope %q: %w", name, err)
	}
	return s, nil
}

// listOwnScopes lists the scopes under prefixes owner owns; inactive ones
// only when asked.
func listOwnScopes(ctx context.Context, q db.Querier, owner string, inactive bool) ([]Scope, error) {
	rows, err := q.Query(ctx, `SELECT `+scopeColumns+scopeFrom+`
		WHERE p.owner_orgno = $1 AND (s.active OR $2) ORDER BY s.name`, owner, inactive)
	return collectScopes(rows, err)
}

// listPublicScopes lists every active PUBLIC scope (the public catalogue).
func listPublicScopes(ctx context.Context, q db.Querier) ([]Scope, error) {
	rows, err := q.Query(ctx, `SELECT `+scopeColumns+scopeFrom+`
		WHERE s.active AND s.visibility = 'PUBLIC' ORDER BY s.name`)
	return collectScopes(rows, err)
}

// prefixOwner returns who owns prefix, "" when nobody does; lock takes a
// row lock so a concurrent first claim waits.
func prefixOwner(ctx context.Context, q db.Querier, prefix string) (string, error) {
	var owner string
	err := q.QueryRow(ctx, `SELECT owner_orgno FROM maskinporten_scope_prefixes WHERE prefix = $1`, prefix).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("prefix %q: %w", prefix, db.Map(err))
	}
	return owner, nil
}

// claimPrefix gives an unowned prefix to owner; a prefix someone else
// claimed first is left alone (the caller reads the owner again).
func claimPrefix(ctx context.Context, q db.Querier, prefix, owner string, now time.Time) error {
	_, err := q.Exec(ctx, `INSERT INTO maskinporten_scope_prefixes (prefix, owner_orgno, created) VALUES ($1, $2, $3)
		ON CONFLICT (prefix) DO NOTHING`, prefix, owner, now)
	if err != nil {
		return fmt.Errorf("claim prefix %q: %w", prefix, db.Map(err))
	}
	return nil
}

func insertScope(ctx context.Context, q db.Querier, s Scope) error {
	_, err := q.Exec(ctx, `INSERT INTO maskinporten_scopes (name, prefix, subscope, description, long_description,
		active, allowed_integration_types, accessible_for_all, visibility, token_type, at_max_age,
		authorization_max_lifetime, delegation_source, requires_user_consent, requires_user_authentication,
		requires_pseudonymous_tokens, created, last_updated)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
		s.Name, s.Prefix, s.Subscope, s.Description, s.LongDescription, s.Active, s.AllowedIntegrationTypes,
		s.AccessibleForAll, s.Visibility, s.TokenType, s.AtMaxAge, s.AuthorizationMaxLifetime, s.DelegationSource,
		s.RequiresUserConsent, s.RequiresUserAuthentication, s.RequiresPseudonymousTokens, s.Created, s.LastUpdated)
	if err != nil {
		return fmt.Errorf("insert scope %q: %w", s.Name, db.Map(err))
	}
	return nil
}

func updateScope(ctx context.Context, q db.Querier, s Scope) error {
	_, err := q.Exec(ctx, `UPDATE maskinporten_scopes SET description = $2, long_description = $3, active = $4,
		allowed_integration_types = $5, accessible_for_all = $6, visibility = $7, token_type = $8, at_max_age = $9,
		authorization_max_lifetime = $10, delegation_source = $11, requires_user_consent = $12,
		requires_user_authentication = $13, requires_pseudonymous_tokens = $14, last_updated = $15
		WHERE name = $1`,
		s.Name, s.Description, s.LongDescription, s.Active, s.AllowedIntegrationTypes, s.AccessibleForAll,
		s.Visibility, s.TokenType, s.AtMaxAge, s.AuthorizationMaxLifetime, s.DelegationSource,
		s.RequiresUserConsent, s.RequiresUserAuthentication, s.RequiresPseudonymousTokens, s.LastUpdated)
	if err != nil {
		return fmt.Errorf("update scope %q: %w", s.Name, db.Map(err))
	}
	return nil
}

const accessColumns = `a.scope, a.state, p.owner_orgno, a.consumer_orgno, a.created, a.last_updated`

const accessFrom = ` FROM maskinporten_scope_access a
	JOIN maskinporten_scopes s ON s.name = a.scope
	JOIN maskinporten_scope_prefixes p ON p.prefix = s.prefix`

func collectAccess(rows pgx.Rows, err error) ([]Access, error) {
	if err != nil {
		return nil, db.Map(err)
	}
	defer rows.Close()
	out := []Access{}
	for rows.Next() {
		var a Access
		if err := rows.Scan(&a.Scope, &a.State, &a.OwnerOrgNo, &a.ConsumerOrgNo, &a.Created, &a.LastUpdated); err != nil {
			return nil, db.Map(err)
		}
		out = append(out, a)
	}
	return out, db.Map(rows.Err())
}

// setAccess records consumer's access to scope as state and returns the
// row as it now is.
func setAccess(ctx context.Context, q db.Querier, scope, consumer, state string, now time.Time) (Access, error) {
	if _, err := q.Exec(ctx, `INSERT INTO maskinporten_scope_access (scope, consumer_orgno, state, created, last_updated)
		VALUES ($1, $2, $3, $4, $4)
		ON CONFLICT (scope, consumer_orgno) DO UPDATE SET state = EXCLUDED.state, last_updated = EXCLUDED.last_updated`,
		scope, consumer, state, now); err != nil {
		return Access{}, fmt.Errorf("access of %s to %q: %w", consumer, scope, db.Map(err))
	}
	as, err := collectAccess(q.Query(ctx, `SELECT `+accessColumns+accessFrom+` WHERE a.scope = $1 AND a.consumer_orgno = $2`, scope, consumer))
	if err != nil {
		return Access{}, err
	}
	if len(as) != 1 {
		return Access{}, fmt.Errorf("access of %s to %q: %w", consumer, scope, dberr.ErrNotFound)
	}
	return as[0], nil
}

// listAccess lists who has (or had) access to scope.
func listAccess(ctx context.Context, q db.Querier, scope string) ([]Access, error) {
	return collectAccess(q.Query(ctx, `SELECT `+accessColumns+accessFrom+` WHERE a.scope = $1 ORDER BY a.consumer_orgno`, scope))
}

// listConsumerAccess lists the access consumer was given, on active scopes.
func listConsumerAccess(ctx context.Context, q db.Querier, consumer string) ([]Access, error) {
	return collectAccess(q.Query(ctx, `SELECT `+accessColumns+accessFrom+`
		WHERE a.consumer_orgno = $1 AND s.active ORDER BY a.scope`, consumer))
}

// standing reads in one round trip what Decide needs for org and name.
func standing(ctx context.Context, q db.Querier, org, name string) (Standing, error) {
	prefix, _, _ := Split(name)
	var st Standing
	err := q.QueryRow(ctx, `SELECT coalesce(p.owner_orgno, ''), s.name IS NOT NULL, coalesce(s.active, false),
			coalesce(s.allowed_integration_types, '{}'), coalesce(s.accessible_for_all, false), coalesce(a.state, ''),
			coalesce(s.delegation_source, '')
		FROM (SELECT 1) one
		LEFT JOIN maskinporten_scope_prefixes p ON p.prefix = $2
		LEFT JOIN maskinporten_scopes s ON s.name = $3
		LEFT JOIN maskinporten_scope_access a ON a.scope = $3 AND a.consumer_orgno = $1`, org, prefix, name).
		Scan(&st.PrefixOwner, &st.Registered, &st.Active, &st.AllowedIntegrationTypes, &st.AccessibleForAll, &st.Access, &st.DelegationSource)
	if err != nil {
		return Standing{}, fmt.Errorf("standing of %s on %q: %w", org, name, db.Map(err))
	}
	return st, nil
}

// listAccessibleForAll lists the active scopes every organisation may use.
func listAccessibleForAll(ctx context.Context, q db.Querier) ([]Scope, error) {
	rows, err := q.Query(ctx, `SELECT `+scopeColumns+scopeFrom+`
		WHERE s.active AND s.accessible_for_all ORDER BY s.name`)
	return collectScopes(rows, err)
}
