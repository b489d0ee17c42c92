package accesslists

import (
	"context"
	"errors"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

// Scopes the registry's access-list policies name.
const (
	ScopeRead          = "altinn:resourceregistry/accesslist.read"
	ScopeWrite         = "altinn:resourceregistry/accesslist.write"
	ScopePDP           = "altinn:resourceregistry/pdp:accesslist.read"
	ScopeResourceAdmin = "altinn:resourceregistry/resource.admin"
)

// knownOwners are service owners of the platform's owner register
// (altinncdn.no/orgs/altinn-orgs.json) the seeded data names: org code →
// organisation number. ttd shares Digdir's number, as the registry's
// ServiceOwnerLookup makes it.
var knownOwners = map[string]string{
	"digdir": "991825827",
	"ttd":    "991825827",
	"skd":    "974761076",
	"brg":    "974760673",
	"nav":    "889640782",
	"ssb":    "971526920",
}

// ResourceOwners is what the owner register learns from the resource
// registry: every resource's competent authority.
type ResourceOwners interface {
	// CompetentAuthorities maps each org code that owns a resource to its
	// organisation number.
	CompetentAuthorities(ctx context.Context) (map[string]string, error)
	// ResourceOwner is a resource's competent authority (org code);
	// dberr.ErrNotFound when the registry has no such resource.
	ResourceOwner(ctx context.Context, resourceID string) (string, error)
}

// Owners is the service-owner register as the access lists need it: the
// platform's owners above, plus every org code a resource in the registry
// names (so a vendor's own test resources can have lists too).
type Owners struct {
	res ResourceOwners
}

// NewOwners builds the register over the resource registry.
func NewOwners(res ResourceOwners) *Owners { return &Owners{res: res} }

func (o *Owners) all(ctx context.Context) (map[string]string, error) {
	out := make(map[string]string, len(knownOwners))
	for k, v := range knownOwners {
		out[k] = v
	}
	if o.res == nil {
		return out, nil
	}
	more, err := o.res.CompetentAuthorities(ctx)
	if err != nil {
		return nil, err
	}
	for k, v := range more {
		if k = strings.ToLower(k); k != "" && out[k] == "" {
			out[k] = v
		}
	}
	return out, nil
}

// Canonical is owner as the register spells it (org codes match in any
// case); ok is false when no service owner has that code.
func (o *Owners) Canonical(ctx context.Context, owner string) (string, bool, error) {
	all, err := o.all(ctx)
	if err != nil {
		return "", false, err
	}
	code := strings.ToLower(owner)
	if _, ok := all[code]; !ok {
		return "", false, nil
	}
	return code, true, nil
}

// ResourceOwner is the org code of resourceID's owner; ErrResourceNotFound
// when the registry has no such resource.
func (o *Owners) ResourceOwner(ctx context.Context, resourceID string) (string, error) {
	code, err := o.res.ResourceOwner(ctx, resourceID)
	if errors.Is(err, dberr.ErrNotFound) {
		return "", ErrResourceNotFound
	}
	return code, err
}

// IsAdmin says whether the caller is exempt from owning what it touches
// (the registry's ResourceOwnerExcemptScopesHandler).
func IsAdmin(c auth.Caller) bool { return c.HasScope(ScopeResourceAdmin, ScopePDP) }

// Owns says whether the caller is the service owner owner (an org code or
// an organisation number), as the registry's OwnedResourceAuthorizationHandler
// decides: an organisation number must be the caller's own; an org code must
// be the token's urn:altinn:org, or, for a token without one, a code the
// caller's organisation number is registered under. Admin scopes own all.
func (o *Owners) Owns(ctx context.Context, c auth.Caller, owner string) (bool, error) {
	if IsAdmin(c) {
		return true, nil
	}
	if len(owner) == 9 && allDigits(owner) {
		return c.ConsumerOrgNo == owner, nil
	}
	if code, _ := c.Claims["urn:altinn:org"].(string); code != "" {
		return strings.EqualFold(code, owner), nil
	}
	if c.ConsumerOrgNo == "" {
		return false, nil
	}
	all, err := o.all(ctx)
	if err != nil {
		return false, err
	}
	return all[strings.ToLower(owner)] == c.ConsumerOrgNo, nil
}
