package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/requests"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// planAgents checks the agent system users against the database and the
// rest of the file, and decides what to write. The checks mirror what
// requests.Service.Create/Approve and systemusers.Service.AddClient would
// refuse (AUTH-00063 no packages, AUTH-00061 package not on the system,
// package not client-delegable, AUTH-00012 approver, AUTH-00079 not a
// client, AUTH-00080 client's roles do not give every package), so a bad
// file is refused before anything is written.
func (d Deps) planAgents(ctx context.Context, f *File, p *plan, fileSystems map[string]registry.RegisterRequest,
	orgKnown func(string) (bool, error), approverFor func(at, approvedBy, orgNo, owner string) (pid, why string, err error)) error {
	bad := func(format string, args ...any) { p.problems = append(p.problems, fmt.Sprintf(format, args...)) }
	notFound := func(err error) bool { return errors.Is(err, dberr.ErrNotFound) }

	for i, u := range f.AgentUsers {
		at := fmt.Sprintf("agentSystemUsers[%d]", i)
		sys, vendor, ok, err := d.systemNamed(ctx, u.System, fileSystems)
		if err != nil {
			return err
		}
		if !ok {
			bad("%s.system: no system %s (add it under systems)", at, u.System)
			continue
		}
		if ok, err := orgKnown(u.Facilitator); err != nil {
			return err
		} else if !ok {
			bad("%s.facilitator: no organisation %s (add it under organizations)", at, u.Facilitator)
			continue
		}
		in := requests.CreateInput{SystemID: u.System, PartyOrgNo: u.Facilitator, ExternalRef: u.ExternalRef, IntegrationTitle: u.IntegrationTitle}
		if in.ExternalRef == "" {
			in.ExternalRef = u.Facilitator
		}
		if u.AccessPackages == nil {
			in.AccessPackages = sys.AccessPackages
		} else {
			in.AccessPackages = toPackages(u.AccessPackages)
		}
		if len(in.AccessPackages) == 0 {
			bad("%s: system %s asks for no access packages, and an agent system user needs client packages (e.g. urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet)", at, u.System)
			continue
		}
		var want []string
		okPackages := true
		for j, pk := range in.AccessPackages {
			want = append(want, pk.URN)
			if !slices.ContainsFunc(sys.AccessPackages, func(x registry.AccessPackageRef) bool { return x.URN == pk.URN }) {
				bad("%s.accessPackages[%d]: system %s does not ask for %s", at, j, u.System, pk.URN)
				okPackages = false
				continue
			}
			ap, err := d.Resources.Package(ctx, pk.URN)
			switch {
			case notFound(err):
				bad("%s.accessPackages[%d]: no access package %s", at, j, pk.URN)
				okPackages = false
			case err != nil:
				return err
			case !ap.IsDelegable:
				bad("%s.accessPackages[%d]: %s cannot be delegated to an agent system user (it is not delegable)", at, j, pk.URN)
				okPackages = false
			case u.Self && !ap.IsAssignable:
				bad("%s.accessPackages[%d]: with self: true the facilitator delegates %s to its own system user, and it is a client-only package (self-delegation takes packages a standard system user may hold, e.g. skatt-naering)", at, j, pk.URN)
				okPackages = false
			}
		}

		approver, why, err := approverFor(at, u.ApprovedBy, u.Facilitator, "the facilitator "+u.Facilitator)
		if err != nil {
			return err
		}
		if why != "" {
			bad("%s", why)
			continue
		}

		ap := agentPlan{vendor: vendor, in: in, approver: approver, self: u.Self}
		var current []string
		cur, err := d.SystemUsers.ByTriple(ctx, nil, u.System, u.Facilitator, in.ExternalRef)
		switch {
		case err == nil && cur.UserType != systemusers.TypeAgent:
			bad("%s: %s already has a %s system user of %s with externalRef %s", at, u.Facilitator, cur.UserType, u.System, in.ExternalRef)
			continue
		case err == nil:
			// Agent system users have no change requests: their packages
			// are fixed when approved. Keeping one silently with other
			// packages would delegate clients something the file does not
			// say.
			have := cur.PackageURNs()
			if !samePackageSet(have, want) {
				bad("%s: the agent system user %s already exists with access packages [%s], not [%s]; an agent system user's packages cannot change (delete it in the portal, or give its packages)",
					at, cur.ID, strings.Join(have, ", "), strings.Join(want, ", "))
				continue
			}
			ap.id = cur.ID
			ds, err := d.SystemUsers.Clients(ctx, cur.ID)
			if err != nil {
				return err
			}
			for _, dl := range ds {
				current = append(current, dl.ClientOrgNo)
			}
		case !notFound(err):
			return err
		}

		// Clients: the facilitator must hold ER roles on each that give
		// every package (as systemusers.AddClient requires). Roles come
		// from the database and the file (which only adds roles).
		if okPackages {
			given, err := d.clientPackages(ctx, f, u.Facilitator)
			if err != nil {
				return err
			}
			for j, c := range u.Clients {
				if ok, err := orgKnown(c); err != nil {
					return err
				} else if !ok {
					bad("%s.clients[%d]: no organisation %s (add it under organizations)", at, j, c)
					continue
				}
				has := given[c]
				if !slices.ContainsFunc(has, func(x string) bool { return slices.Contains(want, x) }) {
					bad("%s.clients[%d]: %s is not a client of %s: %s holds no ER role there giving %s (add one under roles, e.g. {org: %q, role: REGN, holderOrg: %q} for regnskapsforer-* packages)",
						at, j, c, u.Facilitator, u.Facilitator, strings.Join(want, ", "), c, u.Facilitator)
					continue
				}
				var missing []string
				for _, w := range want {
					if !slices.Contains(has, w) {
						missing = append(missing, w)
					}
				}
				if len(missing) > 0 {
					bad("%s.clients[%d]: the roles %s holds on %s do not give %s", at, j, u.Facilitator, c, strings.Join(missing, ", "))
				}
			}
		}
		for _, c := range u.Clients {
			if slices.Contains(current, c) {
				ap.kept++
			} else {
				ap.add = append(ap.add, c)
			}
		}
		for _, c := range current {
			if !slices.Contains(u.Clients, c) {
				ap.remove = append(ap.remove, c)
			}
		}
		p.agents = append(p.agents, ap)
	}
	return nil
}

// clientPackages maps each organisation the facilitator holds ER roles on
// to the access packages those roles give, from the database's roles and
// the file's.
func (d Deps) clientPackages(ctx context.Context, f *File, facilitator string) (map[string][]string, error) {
	roles, err := d.Parties.RolesHeldByOrg(ctx, facilitator)
	if err != nil {
		return nil, fmt.Errorf("roles held by %s: %w", facilitator, err)
	}
	for _, r := range f.Roles {
		if r.HolderOrg == facilitator {
			roles = append(roles, parties.Role{OrgNo: r.Org, RoleCode: r.Role, HolderOrgNo: r.HolderOrg})
		}
	}
	out := map[string][]string{}
	for _, r := range roles {
		for _, pk := range d.Resources.PackagesForRole(r.RoleCode) {
			if !slices.Contains(out[r.OrgNo], pk) {
				out[r.OrgNo] = append(out[r.OrgNo], pk)
			}
		}
	}
	return out, nil
}

func samePackageSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// systemNamed returns the system a system user of the file names, and its
// vendor: the file's own when it lists the system, else the register's
// (only its id, rights and access packages). ok is false when neither has it.
func (d Deps) systemNamed(ctx context.Context, id string, fileSystems map[string]registry.RegisterRequest) (sys registry.RegisterRequest, vendor string, ok bool, err error) {
	if sys, ok := fileSystems[id]; ok {
		return sys, sys.Vendor.OrgNo(), true, nil
	}
	cur, err := d.Registry.System(ctx, id)
	if errors.Is(err, dberr.ErrNotFound) {
		return sys, "", false, nil
	}
	if err != nil {
		return sys, "", false, err
	}
	return registry.RegisterRequest{ID: cur.ID, Rights: cur.Rights, AccessPackages: cur.AccessPackages}, cur.Vendor, true, nil
}
