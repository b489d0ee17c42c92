package systemusers

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// VldSelfParty is the emulator's answer to a ?partyUuid= that is not the
// system user's owner: Access Management would refuse the delegation
// (the platform passes the value on unchecked).
var VldSelfParty = problem.ValidationDescriptor{Code: "SIM.VLD-00120", Title: "partyUuid must be the party uuid of the system user's owner."}

// SelfPackages lists the packages an agent system user's own organisation
// delegated to it (nil for none).
func (s *Service) SelfPackages(ctx context.Context, id uuid.UUID) ([]string, error) {
	return selfPackages(ctx, s.pool, id)
}

// IsSelfDelegated is SystemUserService.IsSelfDelegatedToAgentSystemUser:
// whether the owner (partyUUID) has delegated any access package to the
// system user. For a standard system user those are the packages it was
// given at approval; for an agent one, the self-delegated ones.
func (s *Service) IsSelfDelegated(ctx context.Context, su SystemUser, partyUUID uuid.UUID) (bool, error) {
	if partyUUID != su.PartyUUID {
		return false, problem.Validation(VldSelfParty.At("?partyUuid"))
	}
	if su.UserType != TypeAgent {
		return len(su.AccessPackages) > 0, nil
	}
	pk, err := selfPackages(ctx, s.pool, su.ID)
	return len(pk) > 0, err
}

// DelegateSelf is SystemUserService.DelegateSelfToAgentSystemUser: the
// owner delegates every access package of its agent system user to it, as
// it would to a standard system user, so the system user acts for the
// owner too. AUTH-00034 for a standard system user, AUTH-00063 when it has
// no packages or one its system does not list, AUTH-00011 when its system
// is gone, AUTH-00064 for a package a standard system user cannot hold
// (the client-only accountant and auditor packages). Idempotent.
func (s *Service) DelegateSelf(ctx context.Context, id, partyUUID uuid.UUID) error {
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		su, err := s.GetForUpdate(ctx, q, id)
		if err != nil {
			return err
		}
		if su.UserType != TypeAgent {
			return ExpectedAgentUserType.New()
		}
		if partyUUID != su.PartyUUID {
			return problem.Validation(VldSelfParty.At("?partyUuid"))
		}
		want := su.PackageURNs()
		if len(want) == 0 {
			return AccessPackageNotFound.WithDetail("the system user has no access packages")
		}
		if err := s.assignableToOwner(ctx, su, want); err != nil {
			return err
		}
		n, err := addSelfPackages(ctx, q, id, want, s.clock.Now().UTC())
		if err != nil || n == 0 {
			return err
		}
		return db.Invalidate(ctx, q, "delegation:"+id.String())
	})
}

// assignableToOwner is the platform's ValidateAccessPackages for a
// standard system user: every package listed by the system, and each one
// a standard system user may hold.
func (s *Service) assignableToOwner(ctx context.Context, su SystemUser, urns []string) error {
	sys, err := s.systems.System(ctx, su.SystemID)
	if errors.Is(err, dberr.ErrNotFound) || (err == nil && sys.IsDeleted) {
		return SystemIDNotFound.WithDetail("no system %q", su.SystemID)
	}
	if err != nil {
		return err
	}
	var notFound, notAssignable []string
	for _, urn := range urns {
		if !slices.ContainsFunc(sys.AccessPackages, func(p AccessPackageRef) bool { return p.URN == urn }) {
			notFound = append(notFound, urn)
			continue
		}
		pk, err := s.packages.Package(ctx, urn)
		if err != nil && !errors.Is(err, dberr.ErrNotFound) {
			return err
		}
		if err != nil || !pk.IsAssignable {
			notAssignable = append(notAssignable, urn)
		}
	}
	if len(notFound) > 0 {
		p := AccessPackageNotFound.WithDetail("the system does not list: %s", strings.Join(notFound, ", "))
		p.Extensions = map[string]any{"NotFoundPackages": strings.Join(notFound, ", ")}
		return p
	}
	if len(notAssignable) > 0 {
		p := AccessPackageNotDelegableStd.WithDetail("not delegable to the owner's own system user: %s", strings.Join(notAssignable, ", "))
		p.Extensions = map[string]any{"NotDelegablePackages": strings.Join(notAssignable, ", ")}
		return p
	}
	return nil
}

// RevokeSelf is SystemUserService.RevokeSelfFromAgentSystemUser: the
// owner takes back the agent system user's packages it delegated to it;
// client delegations are untouched. AUTH-00034 for a standard system
// user, AUTH-00011 when its system is gone. Idempotent.
func (s *Service) RevokeSelf(ctx context.Context, id, partyUUID uuid.UUID) error {
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		su, err := s.GetForUpdate(ctx, q, id)
		if err != nil {
			return err
		}
		if su.UserType != TypeAgent {
			return ExpectedAgentUserType.New()
		}
		if partyUUID != su.PartyUUID {
			return problem.Validation(VldSelfParty.At("?partyUuid"))
		}
		sys, err := s.systems.System(ctx, su.SystemID)
		if errors.Is(err, dberr.ErrNotFound) || (err == nil && sys.IsDeleted) {
			return SystemIDNotFound.WithDetail("no system %q", su.SystemID)
		}
		if err != nil {
			return err
		}
		// The platform revokes the system user's packages one by one; a
		// package it no longer carries stays delegated there too.
		n, err := removeSelfPackages(ctx, q, id, su.PackageURNs())
		if err != nil || n == 0 {
			return err
		}
		return db.Invalidate(ctx, q, "delegation:"+id.String())
	})
}
