package mpclient

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

const clientColumns = `client_id, org_no, name, scopes, jwks, jwks_updated, created, last_updated,
	description, integration_type, application_type, token_endpoint_auth_method,
	redirect_uris, post_logout_redirect_uris, client_secret_sha256`

func scanClient(row pgx.Row) (Client, error) {
	var c Client
	var jwks []byte
	if err := row.Scan(&c.ClientID, &c.OrgNo, &c.Name, &c.Scopes, &jwks, &c.JWKSUpdated, &c.Created, &c.LastUpdated,
		&c.Description, &c.IntegrationType, &c.ApplicationType, &c.TokenEndpointAuthMethod,
		&c.RedirectURIs, &c.PostLogoutRedirectURIs, &c.SecretSHA256); err != nil {
		return Client{}, db.Map(err)
	}
	if err := json.Unmarshal(jwks, &c.JWKS); err != nil {
		return Client{}, fmt.Errorf("client %s: stored jwks: %w", c.ClientID, err)
	}
	if c.JWKS.Keys == nil {
		c.JWKS.Keys = []json.RawMessage{}
	}
	if c.Scopes == nil {
		c.Scopes = []string{}
	}
	if c.RedirectURIs == nil {
		c.RedirectURIs = []string{}
	}
	if c.PostLogoutRedirectURIs == nil {
		c.PostLogoutRedirectURIs = []string{}
	}
	return c, nil
}

func getClient(ctx context.Context, q db.Querier, clientID string) (Client, error) {
	c, err := scanClient(q.QueryRow(ctx, `SELECT `+clientColumns+` FROM maskinporten_clients WHERE client_id = $1`, clientID))
	if err != nil {
		return Client{}, fmt.Errorf("client %q: %w", clientID, err)
	}
	return c, nil
}

func listClients(ctx context.Context, q db.Querier, orgNo string) ([]Client, error) {
	// pgx reports a failed Query through its rows too, and CollectRows
	// closes them on every path: no connection is left held.
	rows, _ := q.Query(ctx, `SELECT `+clientColumns+` FROM maskinporten_clients
		WHERE $1 = '' OR org_no = $1 ORDER BY created, client_id`, orgNo)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Client, error) { return scanClient(r) })
	if err != nil {
		return nil, db.Map(err)
	}
	return out, nil
}

func insertClient(ctx context.Context, q db.Querier, c Client) error {
	jwks, err := json.Marshal(c.JWKS)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO maskinporten_clients (`+clientColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
		c.ClientID, c.OrgNo, c.Name, c.Scopes, jwks, c.JWKSUpdated, c.Created, c.LastUpdated,
		c.Description, c.IntegrationType, c.ApplicationType, c.TokenEndpointAuthMethod,
		nonNil(c.RedirectURIs), nonNil(c.PostLogoutRedirectURIs), c.SecretSHA256)
	if err != nil {
		return fmt.Errorf("insert client %q: %w", c.ClientID, db.Map(err))
	}
	return nil
}

// getClientForUpdate reads a client and locks its row for the rest of
// the transaction.
func getClientForUpdate(ctx context.Context, q db.Querier, clientID string) (Client, error) {
	c, err := scanClient(q.QueryRow(ctx, `SELECT `+clientColumns+` FROM maskinporten_clients WHERE client_id = $1 FOR UPDATE`, clientID))
	if err != nil {
		return Client{}, fmt.Errorf("client %q: %w", clientID, err)
	}
	return c, nil
}

// updateClient writes a client's name, description, scopes and (for an
// ID-porten integration) its redirect URIs and auth method.
func updateClient(ctx context.Context, q db.Querier, c Client) error {
	tag, err := q.Exec(ctx, `UPDATE maskinporten_clients SET name = $2, description = $3, scopes = $4, last_updated = $5,
		redirect_uris = $6, post_logout_redirect_uris = $7, token_endpoint_auth_method = $8, client_secret_sha256 = $9
		WHERE client_id = $1`, c.ClientID, c.Name, c.Description, c.Scopes, c.LastUpdated,
		nonNil(c.RedirectURIs), nonNil(c.PostLogoutRedirectURIs), c.TokenEndpointAuthMethod, c.SecretSHA256)
	if err != nil {
		return fmt.Errorf("update client %q: %w", c.ClientID, db.Map(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("client %q: %w", c.ClientID, dberr.ErrNotFound)
	}
	return nil
}

func updateClientJWKS(ctx context.Context, q db.Querier, clientID string, jwks JWKS, now time.Time) (Client, error) {
	raw, err := json.Marshal(jwks)
	if err != nil {
		return Client{}, err
	}
	c, err := scanClient(q.QueryRow(ctx, `UPDATE maskinporten_clients SET jwks = $2, jwks_updated = $3, last_updated = $3
		WHERE client_id = $1 RETURNING `+clientColumns, clientID, raw, now))
	if err != nil {
		return Client{}, fmt.Errorf("update keys of client %q: %w", clientID, err)
	}
	return c, nil
}

func deleteClient(ctx context.Context, q db.Querier, clientID string) error {
	tag, err := q.Exec(ctx, `DELETE FROM maskinporten_clients WHERE client_id = $1`, clientID)
	if err != nil {
		return db.Map(err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("client %q: %w", clientID, dberr.ErrNotFound)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
