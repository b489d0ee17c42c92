package scopes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Validation errors of the self-service scope API.
var (
	vldPrefix      = problem.ValidationDescriptor{Code: "SIM.VLD-00310", Title: "prefix must be lower-case letters, digits, '_' and '-' (at most 64)."}
	vldSubscope    = problem.ValidationDescriptor{Code: "SIM.VLD-00311", Title: "subscope must be letters, digits, '.', '_', '/', ':' and '-', starting with a letter or digit (at most 200)."}
	vldDescription = problem.ValidationDescriptor{Code: "SIM.VLD-00312", Title: "description is required (at most 255 characters)."}
	vldEnum        = problem.ValidationDescriptor{Code: "SIM.VLD-00313", Title: "The value is not one of those allowed."}
	vldNonNegative = problem.ValidationDescriptor{Code: "SIM.VLD-00314", Title: "The value must be zero or more."}
	vldFixed       = problem.ValidationDescriptor{Code: "SIM.VLD-00315", Title: "prefix and subscope cannot be changed after creation."}
	vldConsumer    = problem.ValidationDescriptor{Code: "SIM.VLD-00316", Title: "consumer_orgno must be a valid 9-digit organisation number."}
	vldScopeName   = problem.ValidationDescriptor{Code: "SIM.VLD-00317", Title: "The query parameter scope must name a scope: prefix:subscope."}
)

// Problems of the self-service scope API.
var (
	// ErrNotOwner: the prefix (or scope) belongs to another organisation.
	ErrNotOwner = problem.Descriptor{Code: "SIM-00310", Status: 403, Title: "The scope's prefix belongs to another organisation."}
	// ErrNoScope: no scope has the name.
	ErrNoScope = problem.Descriptor{Code: "SIM-00311", Status: 404, Title: "No such scope."}
	// ErrScopeExists: a scope (active or not) already has the name.
	ErrScopeExists = problem.Descriptor{Code: "SIM-00312", Status: 409, Title: "The scope already exists."}
	// ErrNoAccess: the consumer was never granted the scope.
	ErrNoAccess = problem.Descriptor{Code: "SIM-00313", Status: 404, Title: "The consumer has no access to this scope."}
)

var (
	visibilities     = []string{"PUBLIC", "PRIVATE", "INTERNAL"}
	tokenTypes       = []string{"SELF_CONTAINED", "OPAQUE"}
	integrationTypes = []string{"maskinporten", "idporten", "api_klient", "krr", "eformidling"}
)

// NewScopeDefaults is a scope body before the caller's JSON is read onto
// it: what POST /scopes gives the attributes it leaves out.
func NewScopeDefaults() Scope {
	return Scope{Active: true, AllowedIntegrationTypes: []string{IntegrationMaskinporten},
		Visibility: "PUBLIC", TokenType: "SELF_CONTAINED"}
}

// validateScope checks a scope body's attributes.
func validateScope(s Scope) []problem.ValidationError {
	var errs []problem.ValidationError
	if !ValidPrefix(s.Prefix) {
		errs = append(errs, vldPrefix.At("/prefix"))
	}
	if !ValidSubscope(s.Subscope) {
		errs = append(errs, vldSubscope.At("/subscope"))
	}
	if s.Description == "" || len(s.Description) > 255 {
		errs = append(errs, vldDescription.At("/description"))
	}
	if !slices.Contains(visibilities, s.Visibility) {
		e := vldEnum.At("/visibility")
		e.Detail = "visibility must be PUBLIC, PRIVATE or INTERNAL"
		errs = append(errs, e)
	}
	if !slices.Contains(tokenTypes, s.TokenType) {
		e := vldEnum.At("/token_type")
		e.Detail = "token_type must be SELF_CONTAINED or OPAQUE"
		errs = append(errs, e)
	}
	for i, t := range s.AllowedIntegrationTypes {
		if !slices.Contains(integrationTypes, t) {
			e := vldEnum.At(fmt.Sprintf("/allowed_integration_types/%d", i))
			e.Detail = fmt.Sprintf("%q is not an integration type (maskinporten, idporten, api_klient, krr, eformidling)", t)
			errs = append(errs, e)
		}
	}
	if s.AtMaxAge < 0 {
		errs = append(errs, vldNonNegative.At("/at_max_age"))
	}
	if s.AuthorizationMaxLifetime < 0 {
		errs = append(errs, vldNonNegative.At("/authorization_max_lifetime"))
	}
	return errs
}

func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// OwnScopes lists the scopes under org's prefixes (inactive ones too
// when asked).
func (s *Service) OwnScopes(ctx context.Context, org string, inactive bool) ([]Scope, error) {
	return listOwnScopes(ctx, s.pool, org, inactive)
}

// PublicScopes lists every active public scope, whoever owns it.
func (s *Service) PublicScopes(ctx context.Context) ([]Scope, error) {
	return listPublicScopes(ctx, s.pool)
}

// OwnScope reads one of org's scopes: ErrNoScope when none has the name,
// ErrNotOwner when another organisation owns it.
func (s *Service) OwnScope(ctx context.Context, org, name string) (Scope, error) {
	sc, err := getScope(ctx, s.pool, name, false)
	if errors.Is(err, dberr.ErrNotFound) {
		return Scope{}, ErrNoScope.WithDetail("no scope %q", name)
	}
	if err != nil {
		return Scope{}, err
	}
	if sc.OwnerOrgNo != org {
		return Scope{}, ErrNotOwner.WithDetail("the scope %q belongs to organisation %s", name, sc.OwnerOrgNo)
	}
	return sc, nil
}

// CreateScope creates a scope under one of org's prefixes; an unowned
// prefix becomes org's (see MayManagePrefix).
func (s *Service) CreateScope(ctx context.Context, org string, in Scope) (Scope, error) {
	if errs := validateScope(in); len(errs) > 0 {
		return Scope{}, problem.Validation(errs...)
	}
	now := s.now()
	in.Name = in.Prefix + ":" + in.Subscope
	in.OwnerOrgNo, in.Created, in.LastUpdated = org, now, now
	if in.AllowedIntegrationTypes == nil {
		in.AllowedIntegrationTypes = []string{}
	}
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		owner, err := prefixOwner(ctx, q, in.Prefix)
		if err != nil {
			return err
		}
		if !MayManagePrefix(org, owner) {
			return ErrNotOwner.WithDetail("the prefix %q belongs to organisation %s", in.Prefix, owner)
		}
		if owner == "" {
			if err := claimPrefix(ctx, q, in.Prefix, org, now); err != nil {
				return err
			}
			// Another organisation may have claimed it first.
			if owner, err = prefixOwner(ctx, q, in.Prefix); err != nil {
				return err
			} else if owner != org {
				return ErrNotOwner.WithDetail("the prefix %q belongs to organisation %s", in.Prefix, owner)
			}
		}
		if err := insertScope(ctx, q, in); err != nil {
			if errors.Is(err, dberr.ErrConflict) {
				return ErrScopeExists.WithDetail("a scope %q already exists (PUT it to change or activate it)", in.Name)
			}
			return err
		}
		return notifyScope(ctx, q, in.Name)
	})
	if err != nil {
		return Scope{}, err
	}
	return in, nil
}

// UpdateScope changes one of org's scopes: fn gets the scope as stored
// and returns it changed (the handler reads the body onto it), inside one
// transaction with the row locked. prefix and subscope stay.
func (s *Service) UpdateScope(ctx context.Context, org, name string, fn func(Scope) (Scope, error)) (Scope, error) {
	var out Scope
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		cur, err := getScope(ctx, q, name, true)
		if errors.Is(err, dberr.ErrNotFound) {
			return ErrNoScope.WithDetail("no scope %q", name)
		}
		if err != nil {
			return err
		}
		if cur.OwnerOrgNo != org {
			return ErrNotOwner.WithDetail("the scope %q belongs to organisation %s", name, cur.OwnerOrgNo)
		}
		next, err := fn(cur)
		if err != nil {
			return err
		}
		var errs []problem.ValidationError
		if next.Prefix != cur.Prefix {
			errs = append(errs, vldFixed.At("/prefix"))
		}
		if next.Subscope != cur.Subscope {
			errs = append(errs, vldFixed.At("/subscope"))
		}
		errs = append(errs, validateScope(next)...)
		if len(errs) > 0 {
			return problem.Validation(errs...)
		}
		next.Name, next.OwnerOrgNo, next.Created, next.LastUpdated = cur.Name, cur.OwnerOrgNo, cur.Created, s.now()
		if next.AllowedIntegrationTypes == nil {
			next.AllowedIntegrationTypes = []string{}
		}
		if err := updateScope(ctx, q, next); err != nil {
			return err
		}
		out = next
		return notifyScope(ctx, q, name)
	})
	return out, err
}

// GrantAccess gives consumer access to one of org's scopes (again, after
// a withdrawal).
func (s *Service) GrantAccess(ctx context.Context, org, name, consumer string) (Access, error) {
	return s.setAccess(ctx, org, name, consumer, StateApproved)
}

// WithdrawAccess takes consumer's access to one of org's scopes away; its
// clients keep the scope but get no more tokens for it. ErrNoAccess when
// the consumer never had access.
func (s *Service) WithdrawAccess(ctx context.Context, org, name, consumer string) (Access, error) {
	return s.setAccess(ctx, org, name, consumer, StateDenied)
}

func (s *Service) setAccess(ctx context.Context, org, name, consumer, state string) (Access, error) {
	if !parties.ValidOrgNo(consumer, false) {
		return Access{}, problem.Validation(vldConsumer.At("/consumer_orgno"))
	}
	var out Access
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		sc, err := getScope(ctx, q, name, true)
		if errors.Is(err, dberr.ErrNotFound) {
			return ErrNoScope.WithDetail("no scope %q", name)
		}
		if err != nil {
			return err
		}
		if sc.OwnerOrgNo != org {
			return ErrNotOwner.WithDetail("the scope %q belongs to organisation %s", name, sc.OwnerOrgNo)
		}
		if state == StateDenied {
			as, err := listAccess(ctx, q, name)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(as, func(a Access) bool { return a.ConsumerOrgNo == consumer }) {
				return ErrNoAccess.WithDetail("organisation %s was never granted %q", consumer, name)
			}
		}
		if out, err = setAccess(ctx, q, name, consumer, state, s.now()); err != nil {
			return err
		}
		return notifyScope(ctx, q, name)
	})
	return out, err
}

// AccessList lists who has (or had) access to one of org's scopes.
func (s *Service) AccessList(ctx context.Context, org, name string) ([]Access, error) {
	if _, err := s.OwnScope(ctx, org, name); err != nil {
		return nil, err
	}
	return listAccess(ctx, s.pool, name)
}

// ConsumerAccess is the consumer's view: the access org was granted (or
// had withdrawn) on active scopes, and, with accessibleForAll, every
// active scope accessible for all as APPROVED.
func (s *Service) ConsumerAccess(ctx context.Context, org string, accessibleForAll bool) ([]Access, error) {
	out, err := listConsumerAccess(ctx, s.pool, org)
	if err != nil {
		return nil, err
	}
	if !accessibleForAll {
		return out, nil
	}
	all, err := listAccessibleForAll(ctx, s.pool)
	if err != nil {
		return nil, err
	}
	for _, sc := range all {
		if slices.ContainsFunc(out, func(a Access) bool { return a.Scope == sc.Name }) {
			continue
		}
		out = append(out, Access{Scope: sc.Name, State: StateApproved, OwnerOrgNo: sc.OwnerOrgNo,
			ConsumerOrgNo: org, Created: sc.Created, LastUpdated: sc.LastUpdated})
	}
	slices.SortFunc(out, func(a, b Access) int { return strings.Compare(a.Scope, b.Scope) })
	return out, nil
}
