package systemusers

import (
	"context"

	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// ResourcePackages adapts the resources service's catalogue to Packages.
// An agent may carry a package that comes from a client relation
// (IsClientDelegable); a standard system user one that is assignable.
type ResourcePackages struct{ R *resources.Service }

// Package implements Packages.
func (a ResourcePackages) Package(ctx context.Context, urn string) (Package, error) {
	p, err := a.R.Package(ctx, urn)
	if err != nil {
		return Package{}, err
	}
	return Package{URN: p.URN, Name: p.Name, IsAssignable: p.IsAssignable, IsDelegable: p.IsClientDelegable}, nil
}

// PackagesForRole implements Packages.
func (a ResourcePackages) PackagesForRole(role string) []string { return a.R.PackagesForRole(role) }
