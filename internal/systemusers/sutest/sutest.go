// Package sutest has in-memory stand-ins for the system register and the
// access-package catalogue, for tests of systemusers and requests that
// must not depend on those packages' state.
package sutest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// Systems is an in-memory system register.
type Systems struct {
	mu sync.Mutex
	m  map[string]su.System
}

// Put adds or replaces a system.
func (s *Systems) Put(sys su.System) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]su.System{}
	}
	if sys.InternalID == uuid.Nil {
		sys.InternalID = uuid.New()
	}
	s.m[sys.ID] = sys
}

// System implements su.Systems.
func (s *Systems) System(_ context.Context, id string) (su.System, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sys, ok := s.m[id]
	if !ok || sys.IsDeleted {
		return su.System{}, fmt.Errorf("system %s: %w", id, dberr.ErrNotFound)
	}
	return sys, nil
}

// SystemOfClient implements su.Systems.
func (s *Systems) SystemOfClient(_ context.Context, clientID string) (su.SystemRef, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sys := range s.m {
		if !sys.IsDeleted && slices.Contains(sys.ClientIDs, clientID) {
			return su.SystemRef{ID: sys.ID, Vendor: sys.Vendor}, nil
		}
	}
	return su.SystemRef{}, fmt.Errorf("client %s: %w", clientID, dberr.ErrNotFound)
}

// Package URNs the fake catalogue knows.
const (
	PkgSkatt      = "urn:altinn:accesspackage:skattegrunnlag"
	PkgPost       = "urn:altinn:accesspackage:post-og-arkiv"
	PkgRegnSign   = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"
	PkgRegnUten   = "urn:altinn:accesspackage:regnskapsforer-uten-signeringsrettighet"
	PkgRegnLonn   = "urn:altinn:accesspackage:regnskapsforer-lonn"
	PkgRevisor    = "urn:altinn:accesspackage:ansvarlig-revisor"
	PkgNotAllowed = "urn:altinn:accesspackage:hovedadministrator"
)

// Packages is a small access-package catalogue: standard packages are
// assignable, the accountant/auditor ones are client-delegable only.
type Packages struct{}

// Package implements su.Packages.
func (Packages) Package(_ context.Context, urn string) (su.Package, error) {
	switch urn {
	case PkgSkatt, PkgPost:
		return su.Package{URN: urn, Name: urn, IsAssignable: true}, nil
	case PkgRegnSign, PkgRegnUten, PkgRegnLonn, PkgRevisor:
		return su.Package{URN: urn, Name: urn, IsDelegable: true}, nil
	case PkgNotAllowed:
		return su.Package{URN: urn, Name: urn}, nil
	}
	return su.Package{}, fmt.Errorf("package %s: %w", urn, dberr.ErrNotFound)
}

// RoleURN implements su.Packages.
func (Packages) RoleURN(role string) string {
	switch role {
	case "REGN":
		return "urn:altinn:external-role:ccr:regnskapsforer"
	case "REVI":
		return "urn:altinn:external-role:ccr:revisor"
	}
	return "urn:altinn:external-role:ccr:" + strings.ToLower(role)
}

// PackagesForRole implements su.Packages.
func (Packages) PackagesForRole(role string) []string {
	switch role {
	case "REGN":
		return []string{PkgRegnSign, PkgRegnUten, PkgRegnLonn}
	case "REVI":
		return []string{PkgRevisor}
	}
	return nil
}
