package mpclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// What every client the emulator has is: a Maskinporten integration, a
// web application, authenticated with a signed JWT grant.
const (
	IntegrationMaskinporten = "maskinporten"
	ApplicationWeb          = "web"
	AuthPrivateKeyJWT       = "private_key_jwt"
	GrantJWTBearer          = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// Registration is a client as Digdir's self-service API reads and writes
// it (/api/v1/clients). client_id, client_orgno, created and last_updated
// are the server's; a body's values for them are ignored, except a
// client_orgno naming another organisation, which is refused.
type Registration struct {
	ClientID                string    `json:"client_id"`
	ClientName              string    `json:"client_name"`
	Description             string    `json:"description"`
	IntegrationType         string    `json:"integration_type"`
	ApplicationType         string    `json:"application_type"`
	TokenEndpointAuthMethod string    `json:"token_endpoint_auth_method"`
	GrantTypes              []string  `json:"grant_types"`
	Scopes                  []string  `json:"scopes"`
	ClientOrgNo             string    `json:"client_orgno"`
	Created                 time.Time `json:"created"`
	LastUpdated             time.Time `json:"last_updated"`
	// ID-porten clients only.
	RedirectURIs           []string `json:"redirect_uris,omitempty"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	// ClientSecret is in the answer that creates an ID-porten client with
	// a secret auth method, and only there: it is not kept.
	ClientSecret string `json:"client_secret,omitempty"`
}

// AsRegistration is c in the self-service API's shape.
func AsRegistration(c Client) Registration {
	r := Registration{ClientID: c.ClientID, ClientName: c.Name, Description: c.Description,
		IntegrationType: c.IntegrationType, ApplicationType: c.ApplicationType,
		TokenEndpointAuthMethod: c.TokenEndpointAuthMethod, GrantTypes: []string{GrantJWTBearer},
		Scopes: c.Scopes, ClientOrgNo: c.OrgNo, Created: c.Created, LastUpdated: c.LastUpdated}
	if c.IntegrationType == IntegrationIDPorten {
		r.GrantTypes = []string{GrantAuthCode, GrantRefresh}
		r.RedirectURIs, r.PostLogoutRedirectURIs = c.RedirectURIs, c.PostLogoutRedirectURIs
		if r.PostLogoutRedirectURIs == nil {
			r.PostLogoutRedirectURIs = []string{}
		}
	}
	return r
}

// KeySet is a client's keys as the self-service API answers them.
type KeySet struct {
	Keys        []json.RawMessage `json:"keys"`
	Created     time.Time         `json:"created"`
	LastUpdated time.Time         `json:"last_updated"`
}

// Validation errors of the self-service client API.
var (
	vldIntegration = problem.ValidationDescriptor{Code: "SIM.VLD-00320", Title: "integration_type must be maskinporten or idporten: the emulator has no other kind of client."}
	vldAuthMethod  = problem.ValidationDescriptor{Code: "SIM.VLD-00321", Title: "token_endpoint_auth_method must be private_key_jwt."}
	vldAppType     = problem.ValidationDescriptor{Code: "SIM.VLD-00322", Title: "application_type must be web for a Maskinporten client."}
	vldGrantTypes  = problem.ValidationDescriptor{Code: "SIM.VLD-00323", Title: "grant_types must be [urn:ietf:params:oauth:grant-type:jwt-bearer] for a Maskinporten client."}
	vldOwnOrg      = problem.ValidationDescriptor{Code: "SIM.VLD-00324", Title: "client_orgno must be the organisation of the token (supplier registrations are not emulated)."}
	vldDescr       = problem.ValidationDescriptor{Code: "SIM.VLD-00325", Title: "description must be at most 500 characters."}
	vldClientName  = problem.ValidationDescriptor{Code: "SIM.VLD-00326", Title: "client_name is required (at most 200 characters)."}
	vldFixedType   = problem.ValidationDescriptor{Code: "SIM.VLD-00327", Title: "integration_type cannot be changed after creation."}
)

// errNoClient is the answer for another organisation's client as for an
// unknown one: a client id says nothing to whoever does not own it.
func errNoClient(id, org string) error {
	return problem.NotFound.WithDetail("organisation %s has no client %q", org, id)
}

// checkRegistration validates a self-service body for org and returns its
// scopes deduplicated.
func checkRegistration(org string, in *Registration) ([]string, []problem.ValidationError) {
	var errs []problem.ValidationError
	switch in.IntegrationType {
	case IntegrationIDPorten:
		errs = checkIDPortenRegistration(in)
	case IntegrationMaskinporten:
		if in.TokenEndpointAuthMethod != "" && in.TokenEndpointAuthMethod != AuthPrivateKeyJWT {
			errs = append(errs, vldAuthMethod.At("/token_endpoint_auth_method"))
		}
		if in.ApplicationType != "" && in.ApplicationType != ApplicationWeb {
			errs = append(errs, vldAppType.At("/application_type"))
		}
		if in.GrantTypes != nil && !slices.Equal(in.GrantTypes, []string{GrantJWTBearer}) {
			errs = append(errs, vldGrantTypes.At("/grant_types"))
		}
		if in.RedirectURIs != nil || in.PostLogoutRedirectURIs != nil {
			errs = append(errs, vldNotIDPorten.At("/redirect_uris"))
		}
	default:
		errs = append(errs, vldIntegration.At("/integration_type"))
	}
	if in.ClientOrgNo != "" && in.ClientOrgNo != org {
		errs = append(errs, vldOwnOrg.At("/client_orgno"))
	}
	if in.ClientName == "" || len(in.ClientName) > 200 {
		errs = append(errs, vldClientName.At("/client_name"))
	}
	if len(in.Description) > 500 {
		errs = append(errs, vldDescr.At("/description"))
	}
	scopes := []string{}
	for i, sc := range in.Scopes {
		if !ValidScope(sc) && !(in.IntegrationType == IntegrationIDPorten && idportenScope(sc)) {
			errs = append(errs, VldScope.At(fmt.Sprintf("/scopes/%d", i)))
			continue
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	return scopes, errs
}

// OrgClients lists org's clients.
func (s *Service) OrgClients(ctx context.Context, org string) ([]Client, error) {
	return listClients(ctx, s.pool, org)
}

// OrgClient reads one of org's clients; another organisation's is not
// found.
func (s *Service) OrgClient(ctx context.Context, org, id string) (Client, error) {
	c, err := getClient(ctx, s.pool, id)
	if errors.Is(err, dberr.ErrNotFound) || err == nil && c.OrgNo != org {
		return Client{}, errNoClient(id, org)
	}
	return c, err
}

// Register creates a client for org from a self-service body: the id is
// generated, the scopes must be ones org may use, and it starts with no
// keys. An ID-porten client with a secret auth method gets its secret
// here, once (secret; "" otherwise).
func (s *Service) Register(ctx context.Context, org string, in Registration) (c Client, secret string, err error) {
	return s.register(ctx, org, in, nil)
}

// RegisterWithKeys is Register for a Maskinporten client with its first
// keys, checked as ReplaceOrgKeys checks them, in the same transaction:
// the onboarding pages create an integration and its key pair in one
// step, so a refusal leaves neither.
func (s *Service) RegisterWithKeys(ctx context.Context, org string, in Registration, set JWKS) (Client, error) {
	if in.IntegrationType != IntegrationMaskinporten {
		return Client{}, problem.Validation(vldIntegration.At("/integration_type"))
	}
	c, _, err := s.register(ctx, org, in, &set)
	return c, err
}

// register creates the client, with keys when set is not nil.
func (s *Service) register(ctx context.Context, org string, in Registration, set *JWKS) (c Client, secret string, err error) {
	scopes, errs := checkRegistration(org, &in)
	keys := JWKS{Keys: []json.RawMessage{}}
	if set != nil {
		var kerrs []problem.ValidationError
		if kerrs = requireAlgUse(*set); len(kerrs) == 0 {
			keys, kerrs = validateJWKS(*set, "")
		}
		errs = append(errs, kerrs...)
	}
	if len(errs) > 0 {
		return Client{}, "", problem.Validation(errs...)
	}
	// The scope register says which scopes a Maskinporten client may
	// carry; an ID-porten client's scopes are asked for by the person's
	// login, not checked here.
	if in.IntegrationType == IntegrationMaskinporten {
		if errs, err := s.checkScopeAccess(ctx, org, in.Scopes, "/scopes", nil); err != nil {
			return Client{}, "", err
		} else if len(errs) > 0 {
			return Client{}, "", problem.Validation(errs...)
		}
	}
	now := s.clock.Now().UTC().Truncate(time.Microsecond)
	c = Client{ClientID: uuid.NewString(), OrgNo: org, Name: in.ClientName, Description: in.Description,
		IntegrationType: IntegrationMaskinporten, ApplicationType: ApplicationWeb, TokenEndpointAuthMethod: AuthPrivateKeyJWT,
		Scopes: scopes, JWKS: keys, JWKSUpdated: now, Created: now, LastUpdated: now}
	if in.IntegrationType == IntegrationIDPorten {
		c.IntegrationType, c.TokenEndpointAuthMethod = IntegrationIDPorten, in.TokenEndpointAuthMethod
		c.RedirectURIs, c.PostLogoutRedirectURIs = in.RedirectURIs, nonNil(in.PostLogoutRedirectURIs)
		if usesSecret(c.TokenEndpointAuthMethod) {
			secret, c.SecretSHA256 = newSecret()
		}
	}
	err = db.InTx(ctx, s.pool, func(q db.Querier) error {
		if err := insertClient(ctx, q, c); err != nil {
			return err
		}
		return notifyClient(ctx, q, c.ClientID)
	})
	if err != nil {
		return Client{}, "", err
	}
	return c, secret, nil
}

// UpdateRegistration replaces the name, description and scopes of one of
// org's clients. A scope the client gains must be one org may use; one it
// already has stays even if access to it was since withdrawn (/token
// refuses that scope, the rest of the client is still org's to change).
func (s *Service) UpdateRegistration(ctx context.Context, org, id string, in Registration) (Client, error) {
	scopes, errs := checkRegistration(org, &in)
	if len(errs) > 0 {
		return Client{}, problem.Validation(errs...)
	}
	var out Client
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		cur, err := getClientForUpdate(ctx, q, id)
		if errors.Is(err, dberr.ErrNotFound) || err == nil && cur.OrgNo != org {
			return errNoClient(id, org)
		}
		if err != nil {
			return err
		}
		if in.IntegrationType != cur.IntegrationType {
			return problem.Validation(vldFixedType.At("/integration_type"))
		}
		if cur.IntegrationType == IntegrationMaskinporten {
			if errs, err := s.checkScopeAccess(ctx, org, in.Scopes, "/scopes", cur.Scopes); err != nil {
				return err
			} else if len(errs) > 0 {
				return problem.Validation(errs...)
			}
		}
		cur.Name, cur.Description, cur.Scopes = in.ClientName, in.Description, scopes
		if cur.IntegrationType == IntegrationIDPorten {
			// A change between secret methods keeps the secret; to or
			// from private_key_jwt it is dropped (new keys, or ask for a
			// new client).
			if usesSecret(cur.TokenEndpointAuthMethod) != usesSecret(in.TokenEndpointAuthMethod) {
				cur.SecretSHA256 = nil
			}
			cur.TokenEndpointAuthMethod = in.TokenEndpointAuthMethod
			cur.RedirectURIs, cur.PostLogoutRedirectURIs = in.RedirectURIs, nonNil(in.PostLogoutRedirectURIs)
		}
		cur.LastUpdated = s.clock.Now().UTC().Truncate(time.Microsecond)
		if err := updateClient(ctx, q, cur); err != nil {
			return err
		}
		out = cur
		return notifyClient(ctx, q, id)
	})
	return out, err
}

// DeleteOrgClient deletes one of org's clients.
func (s *Service) DeleteOrgClient(ctx context.Context, org, id string) error {
	if _, err := s.OrgClient(ctx, org, id); err != nil {
		return err
	}
	return s.DeleteClient(ctx, id)
}

// ReplaceOrgKeys replaces the key set of one of org's clients, checking
// each key as the self-service API does (alg and use are required).
func (s *Service) ReplaceOrgKeys(ctx context.Context, org, id string, set JWKS) (Client, error) {
	if _, err := s.OrgClient(ctx, org, id); err != nil {
		return Client{}, err
	}
	if errs := requireAlgUse(set); len(errs) > 0 {
		return Client{}, problem.Validation(errs...)
	}
	return s.ReplaceKeys(ctx, id, set)
}

// AddOrgKeys adds keys to the set of one of org's Maskinporten clients
// (the onboarding pages' "add a key"), checked as ReplaceOrgKeys checks
// them; the whole set must then still pass (at most five keys, each kid
// once). The set's one-year validity restarts, as on every change of it.
func (s *Service) AddOrgKeys(ctx context.Context, org, id string, add JWKS) (Client, error) {
	if errs := requireAlgUse(add); len(errs) > 0 {
		return Client{}, problem.Validation(errs...)
	}
	var out Client
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		cur, err := getClientForUpdate(ctx, q, id)
		if errors.Is(err, dberr.ErrNotFound) || err == nil && cur.OrgNo != org {
			return errNoClient(id, org)
		}
		if err != nil {
			return err
		}
		all := JWKS{Keys: append(slices.Clip(cur.JWKS.Keys), add.Keys...)}
		keys, errs := validateJWKS(all, "")
		if len(errs) > 0 {
			return problem.Validation(errs...)
		}
		if out, err = updateClientJWKS(ctx, q, id, keys, s.clock.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		return notifyClient(ctx, q, id)
	})
	return out, err
}

// AsKeySet is c's keys in the self-service API's shape.
func AsKeySet(c Client) KeySet {
	return KeySet{Keys: c.JWKS.Keys, Created: c.JWKSUpdated, LastUpdated: c.JWKSUpdated}
}

// requireAlgUse: the self-service API wants every key to say its alg and
// use (the control API takes keys without them).
func requireAlgUse(set JWKS) []problem.ValidationError {
	var errs []problem.ValidationError
	for i, raw := range set.Keys {
		var m map[string]json.RawMessage
		if json.Unmarshal(raw, &m) != nil {
			continue // validateJWKS says what is wrong
		}
		for _, member := range []string{"kty", "alg", "use", "e", "n"} {
			if _, ok := m[member]; !ok {
				e := vldKeys.At(fmt.Sprintf("/keys/%d", i))
				e.Detail = "each key must have kty, alg, use, e and n; " + member + " is missing"
				errs = append(errs, e)
				break
			}
		}
	}
	return errs
}
