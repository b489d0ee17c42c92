package systemusers

import (
	"context"

	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// ResourcePackages adapts the resources service's catalogue to Packages.
// An agent system user may carry any delegable package (the platform's
// ValidateAccessPackages checks Package.IsDelegable for an agent request:
// skatt-naering is delegable and assignable, so an agent may carry it and
// its owner may then delegate it to it, self-delegation); a standard
// system user one that is assignable.
type ResourcePackages struct{ R *resources.Service }

// Package implements Packages.
func (a ResourcePackages) Package(ctx context.Context, urn string) (Package, error) {
	p, err := a.R.Package(ctx, urn)
	if err != nil {
		return Package{}, err
	}
	return Package{ID: p.ID, AreaID: p.Area.ID, URN: p.URN, Name: p.Name, IsAssignable: p.IsAssignable, IsDelegable: p.IsDelegable}, nil
}

// PackagesForRole implements Packages.
func (a ResourcePackages) PackagesForRole(role string) []string { return a.R.PackagesForRole(role) }

// RoleURN implements Packages.
func (a ResourcePackages) RoleURN(role string) string { return resources.RoleURN(role) }

// RegistrySystems adapts the system register to Systems.
type RegistrySystems struct{ R *registry.Service }

// System implements Systems.
func (a RegistrySystems) System(ctx context.Context, id string) (System, error) {
	s, err := a.R.System(ctx, id)
	return fromRegistry(s), err
}

// SystemOfClient implements Systems.
func (a RegistrySystems) SystemOfClient(ctx context.Context, clientID string) (SystemRef, error) {
	s, err := a.R.ClientSystem(ctx, clientID)
	return SystemRef{ID: s.ID, Vendor: s.Vendor}, err
}

func fromRegistry(s registry.RegisteredSystem) System {
	return System{ID: s.ID, InternalID: s.InternalID, Vendor: s.Vendor, Name: s.Name, Rights: s.Rights,
		AccessPackages: s.AccessPackages, ClientIDs: s.ClientIDs, AllowedRedirectURLs: s.AllowedRedirectURLs,
		IsVisible: s.IsVisible, IsDeleted: s.IsDeleted}
}
