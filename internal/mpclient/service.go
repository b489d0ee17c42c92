// Package mpclient is Maskinporten's client register: clients of an
// organisation with their scopes and public keys, the control API that
// manages them (/sim/api/v1/clients), the checks Maskinporten's
// self-service API makes on them, and a cache of clients kept fresh by
// LISTEN/NOTIFY so a grant reads its client without a round trip.
package mpclient

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/cache"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Service is the client register.
type Service struct {
	pool    *pgxpool.Pool
	clock   clock.Clock
	cache   *cache.Cache[string, Client]
	scopes  ScopeRules
	systems Systems
}

// Systems says which live system in the system register names a client
// ("" when none): the control API refuses to delete such a client.
type Systems interface {
	SystemNaming(ctx context.Context, clientID string) (string, error)
}

// ScopeRules says which scopes an organisation's clients may carry (the
// scopes package): for each refused scope, the reason in words.
type ScopeRules interface {
	Refused(ctx context.Context, orgNo string, scopes []string) (map[string]string, error)
}

// New builds the client register. Its cache is used only while Listen's
// connection is up. With rules nil every scope is allowed (tests of the
// register alone).
func New(pool *pgxpool.Pool, clk clock.Clock, rules ScopeRules, systems Systems) *Service {
	if clk == nil {
		clk = clock.System{}
	}
	return &Service{pool: pool, clock: clk, cache: newClientCache(clk), scopes: rules, systems: systems}
}

// RefusedScopes returns, for each of scopes org's clients may not carry,
// the reason in words (seed files check their clients with it).
func (s *Service) RefusedScopes(ctx context.Context, org string, scopes []string) (map[string]string, error) {
	if s.scopes == nil || len(scopes) == 0 {
		return nil, nil
	}
	return s.scopes.Refused(ctx, org, scopes)
}

// checkScopeAccess turns the scopes org may not carry into validation
// errors at base/<index>. Scopes in kept (those a client already has)
// are not checked again: a client keeps a scope whose access was
// withdrawn, and /token refuses it.
func (s *Service) checkScopeAccess(ctx context.Context, org string, scopes []string, base string, kept []string) ([]problem.ValidationError, error) {
	if s.scopes == nil {
		return nil, nil
	}
	var check []string
	for _, sc := range scopes {
		if !slices.Contains(kept, sc) {
			check = append(check, sc)
		}
	}
	if len(check) == 0 {
		return nil, nil
	}
	refused, err := s.scopes.Refused(ctx, org, check)
	if err != nil {
		return nil, err
	}
	var errs []problem.ValidationError
	for i, sc := range scopes {
		if why, ok := refused[sc]; ok && !slices.Contains(kept, sc) {
			e := VldScopeAccess.At(fmt.Sprintf("%s/%d", base, i))
			e.Detail = why
			errs = append(errs, e)
		}
	}
	return errs, nil
}

// Client validation errors of the control API. VldOrgNo and VldScope are
// also what test tokens answer for the same mistakes.
var (
	vldClientID = problem.ValidationDescriptor{Code: "SIM.VLD-00301", Title: "clientId must be a UUID or a legacy id of letters, digits, '.', '_', ':' and '-' (at most 100)."}
	VldOrgNo    = problem.ValidationDescriptor{Code: "SIM.VLD-00302", Title: "orgNo must be a valid 9-digit organisation number."}
	VldScope    = problem.ValidationDescriptor{Code: "SIM.VLD-00303", Title: "Each scope must be prefix:subscope without whitespace."}
	vldKeys     = problem.ValidationDescriptor{Code: "SIM.VLD-00304", Title: "Invalid client key set."}
	vldName     = problem.ValidationDescriptor{Code: "SIM.VLD-00305", Title: "name must be at most 200 characters."}
	// VldScopeAccess: the client's organisation may not use the scope
	// (unknown, not for Maskinporten, or not granted).
	VldScopeAccess = problem.ValidationDescriptor{Code: "SIM.VLD-00306", Title: "The organisation may not use this scope."}
)

var (
	legacyClientID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,100}$`)
	scopePattern   = regexp.MustCompile(`^[a-zA-Z0-9_.-]+:[^\s]+$`)
	kidPattern     = regexp.MustCompile(`^[A-Za-z0-9._-]{1,200}$`)
)

// ValidClientID reports whether id may name a client: a UUID, or a legacy
// id of letters, digits, '.', '_', ':' and '-' (at most 100).
func ValidClientID(id string) bool {
	_, err := uuid.Parse(id)
	return err == nil || legacyClientID.MatchString(id)
}

// ValidScope reports whether sc is prefix:subscope without whitespace.
func ValidScope(sc string) bool { return scopePattern.MatchString(sc) }

// ValidKeyID reports whether kid is a client key id Maskinporten accepts:
// letters, digits, '.', '_' and '-' (at most 200).
func ValidKeyID(kid string) bool { return kidPattern.MatchString(kid) }

// NewClient is the control API's client registration body.
type NewClient struct {
	ClientID string   `json:"clientId"`
	OrgNo    string   `json:"orgNo"`
	Name     string   `json:"name"`
	Scopes   []string `json:"scopes"`
	JWKS     JWKS     `json:"jwks"`
}

// CreateClient registers a client; the id is generated when absent.
func (s *Service) CreateClient(ctx context.Context, in NewClient) (Client, error) {
	var errs []problem.ValidationError
	if in.ClientID == "" {
		in.ClientID = uuid.NewString()
	} else if !ValidClientID(in.ClientID) {
		errs = append(errs, vldClientID.At("/clientId"))
	}
	if !parties.ValidOrgNo(in.OrgNo, false) {
		errs = append(errs, VldOrgNo.At("/orgNo"))
	}
	if len(in.Name) > 200 {
		errs = append(errs, vldName.At("/name"))
	}
	scopes := []string{}
	for i, sc := range in.Scopes {
		if !ValidScope(sc) {
			errs = append(errs, VldScope.At(fmt.Sprintf("/scopes/%d", i)))
			continue
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	keys, kerrs := validateJWKS(in.JWKS, "/jwks")
	errs = append(errs, kerrs...)
	if len(errs) > 0 {
		return Client{}, problem.Validation(errs...)
	}
	if errs, err := s.checkScopeAccess(ctx, in.OrgNo, in.Scopes, "/scopes", nil); err != nil {
		return Client{}, err
	} else if len(errs) > 0 {
		return Client{}, problem.Validation(errs...)
	}
	now := s.clock.Now().UTC().Truncate(time.Microsecond)
	c := Client{ClientID: in.ClientID, OrgNo: in.OrgNo, Name: in.Name, Scopes: scopes, JWKS: keys,
		IntegrationType: IntegrationMaskinporten, ApplicationType: ApplicationWeb, TokenEndpointAuthMethod: AuthPrivateKeyJWT,
		JWKSUpdated: now, Created: now, LastUpdated: now}
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		if err := insertClient(ctx, q, c); err != nil {
			return err
		}
		return notifyClient(ctx, q, c.ClientID)
	})
	if err != nil {
		if errors.Is(err, dberr.ErrConflict) {
			return Client{}, problem.Conflict.WithDetail("a client with clientId %q already exists", in.ClientID)
		}
		return Client{}, err
	}
	return c, nil
}

// Client returns a client (dberr.ErrNotFound when there is none).
func (s *Service) Client(ctx context.Context, clientID string) (Client, error) {
	return getClient(ctx, s.pool, clientID)
}

// Clients lists clients, of one organisation when orgNo is set.
func (s *Service) Clients(ctx context.Context, orgNo string) ([]Client, error) {
	return listClients(ctx, s.pool, orgNo)
}

// ClientOwner returns the organisation number owning a client.
func (s *Service) ClientOwner(ctx context.Context, clientID string) (string, error) {
	c, err := getClient(ctx, s.pool, clientID)
	if err != nil {
		return "", err
	}
	return c.OrgNo, nil
}

// ReplaceKeys replaces a client's whole key set, as Maskinporten's
// self-service API does, and restarts the keys' one-year validity.
func (s *Service) ReplaceKeys(ctx context.Context, clientID string, set JWKS) (Client, error) {
	keys, errs := validateJWKS(set, "")
	if len(errs) > 0 {
		return Client{}, problem.Validation(errs...)
	}
	var c Client
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		var err error
		if c, err = updateClientJWKS(ctx, q, clientID, keys, s.clock.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		return notifyClient(ctx, q, clientID)
	})
	return c, err
}

// ClientUpdate is the control API's change of a client: its name and its
// whole list of scopes (keys have their own operation; owner and id stay).
type ClientUpdate struct {
	Name   string    `json:"name"`
	Scopes *[]string `json:"scopes"`
}

// UpdateClient replaces a client's name and scopes. A scope the client
// gains must be one its organisation may use; one it already has stays
// even if access to it was since withdrawn (/token refuses that scope).
func (s *Service) UpdateClient(ctx context.Context, clientID string, in ClientUpdate) (Client, error) {
	var errs []problem.ValidationError
	if len(in.Name) > 200 {
		errs = append(errs, vldName.At("/name"))
	}
	scopes := []string{}
	if in.Scopes == nil {
		e := VldScope.At("/scopes")
		e.Detail = `the body must list the client's scopes: {"scopes":[...]} ([] for none)`
		errs = append(errs, e)
	} else {
		for i, sc := range *in.Scopes {
			if !ValidScope(sc) {
				errs = append(errs, VldScope.At(fmt.Sprintf("/scopes/%d", i)))
				continue
			}
			if !slices.Contains(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	if len(errs) > 0 {
		return Client{}, problem.Validation(errs...)
	}
	var out Client
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		cur, err := getClientForUpdate(ctx, q, clientID)
		if err != nil {
			return err
		}
		if cur.IntegrationType != IntegrationMaskinporten {
			return problem.BadRequest.WithDetail("client %q is an %s integration; change it through /api/v1/clients", clientID, cur.IntegrationType)
		}
		if errs, err := s.checkScopeAccess(ctx, cur.OrgNo, scopes, "/scopes", cur.Scopes); err != nil {
			return err
		} else if len(errs) > 0 {
			return problem.Validation(errs...)
		}
		cur.Name, cur.Scopes = in.Name, scopes
		cur.LastUpdated = s.clock.Now().UTC().Truncate(time.Microsecond)
		if err := updateClient(ctx, q, cur); err != nil {
			return err
		}
		out = cur
		return notifyClient(ctx, q, clientID)
	})
	return out, err
}

// ClientInUse: a live system names the client, so deleting it would leave
// the system (and its system users' tokens) without a client.
var ClientInUse = problem.Descriptor{Code: "SIM-00307", Status: http.StatusConflict, Title: "A system in the system register names this client."}

// DeleteUnusedClient removes a client that no live system names; one that
// a system names is refused with ClientInUse, saying which system.
func (s *Service) DeleteUnusedClient(ctx context.Context, clientID string) error {
	if s.systems != nil {
		sys, err := s.systems.SystemNaming(ctx, clientID)
		if err != nil {
			return fmt.Errorf("systems naming client %s: %w", clientID, err)
		}
		if sys != "" {
			return ClientInUse.WithDetail("system %q names client %q; take the client out of the system first (PUT /authentication/api/v1/systemregister/vendor/%s with its other clientId values), or delete the system", sys, clientID, sys)
		}
	}
	return s.DeleteClient(ctx, clientID)
}

// DeleteClient removes a client.
func (s *Service) DeleteClient(ctx context.Context, clientID string) error {
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		if err := deleteClient(ctx, q, clientID); err != nil {
			return err
		}
		return notifyClient(ctx, q, clientID)
	})
	return err
}

// maxClientKeys is Maskinporten's limit of keys per client.
const maxClientKeys = 5

// privateMembers are JWK members only a private key has.
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// validateJWKS checks a client key set as Maskinporten's self-service API
// does: at most five public RSA keys of at least 2048 bits, each with a
// unique kid of the allowed characters, alg RS256/384/512 and use sig when
// given. Keys are kept as posted, member for member (the jsonb column
// keeps their values, not the order of their members or the spacing).
func validateJWKS(set JWKS, base string) (JWKS, []problem.ValidationError) {
	var errs []problem.ValidationError
	bad := func(i int, format string, args ...any) {
		e := vldKeys.At(fmt.Sprintf("%s/keys/%d", base, i))
		e.Detail = fmt.Sprintf(format, args...)
		errs = append(errs, e)
	}
	if len(set.Keys) > maxClientKeys {
		e := vldKeys.At(base + "/keys")
		e.Detail = fmt.Sprintf("a client may have at most %d keys, got %d", maxClientKeys, len(set.Keys))
		return JWKS{}, append(errs, e)
	}
	seen := map[string]bool{}
	out := JWKS{Keys: []json.RawMessage{}}
	for i, raw := range set.Keys {
		var members map[string]json.RawMessage
		if err := json.Unmarshal(raw, &members); err != nil {
			bad(i, "the key is not a JSON object")
			continue
		}
		priv := false
		for _, m := range privateMembers {
			if _, ok := members[m]; ok {
				priv = true
			}
		}
		if priv {
			bad(i, "this is a private key; post only the public key (kty, kid, alg, use, n, e)")
			continue
		}
		key, err := jwk.ParseKey(raw)
		if err != nil {
			bad(i, "not a valid JWK: %v", err)
			continue
		}
		var pub rsa.PublicKey
		if key.KeyType() != "RSA" {
			bad(i, "kty must be RSA, got %q", key.KeyType())
			continue
		}
		if err := key.Raw(&pub); err != nil {
			bad(i, "not a valid RSA public key: %v", err)
			continue
		}
		if pub.N.BitLen() < 2048 {
			bad(i, "the RSA key has %d bits; at least 2048 are required", pub.N.BitLen())
			continue
		}
		kid := key.KeyID()
		if kid == "" {
			bad(i, "kid is required")
			continue
		}
		if !ValidKeyID(kid) {
			bad(i, "kid %q may only contain letters, digits, '.', '_' and '-'", kid)
			continue
		}
		if seen[kid] {
			bad(i, "kid %q is used by another key of this client", kid)
			continue
		}
		seen[kid] = true
		if alg := key.Algorithm().String(); alg != "" && alg != "RS256" && alg != "RS384" && alg != "RS512" {
			bad(i, "alg must be RS256, RS384 or RS512, got %q", alg)
			continue
		}
		if use := key.KeyUsage(); use != "" && use != "sig" {
			bad(i, "use must be sig, got %q", use)
			continue
		}
		out.Keys = append(out.Keys, raw)
	}
	return out, errs
}
