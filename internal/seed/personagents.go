package seed

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// PersonAgent is a person the facilitator makes its agent through Access
// Management (POST …/enduser/clientdelegations/agents), with the client
// packages it delegates to them (POST …/agents/accesspackages).
type PersonAgent struct {
	Facilitator string              `yaml:"facilitator"` // org number, e.g. the accounting firm
	Person      string              `yaml:"person"`      // pid
	Clients     []PersonAgentClient `yaml:"clients"`
}

// PersonAgentClient is one client's packages delegated to a person agent.
type PersonAgentClient struct {
	Org      string   `yaml:"org"`      // the client's org number
	Packages []string `yaml:"packages"` // URNs the facilitator's ER roles on the client give
}

// personAgentPlan is one person agent: added unless it is there, then the
// file's packages delegated (packages delegated before stay).
type personAgentPlan struct {
	facilitator, pid string
	exists           bool
	clients          []personAgentClientPlan
}

type personAgentClientPlan struct {
	org   string
	perms []systemusers.AMPermission // the packages by the role that gives each
	add   int                        // packages not delegated yet
	kept  int                        // packages delegated already
}

// checkPersonAgents checks the shape of personAgents: numbers, packages
// given, nothing listed twice.
func (f *File) checkPersonAgents() Problems {
	var p Problems
	bad := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	pairs := map[[2]string]bool{}
	for i, a := range f.PersonAgents {
		at := fmt.Sprintf("personAgents[%d]", i)
		if !parties.ValidOrgNo(a.Facilitator, false) {
			bad("%s.facilitator: %q is not a valid organisation number", at, a.Facilitator)
		}
		if !parties.ValidPID(a.Person) {
			bad("%s.person: %q is not a valid national identity number", at, a.Person)
		}
		if pairs[[2]string{a.Facilitator, a.Person}] {
			bad("%s: %s is %s's agent twice in the file", at, a.Person, a.Facilitator)
		}
		pairs[[2]string{a.Facilitator, a.Person}] = true
		seen := map[string]bool{}
		for j, c := range a.Clients {
			cat := fmt.Sprintf("%s.clients[%d]", at, j)
			switch {
			case !parties.ValidOrgNo(c.Org, false):
				bad("%s.org: %q is not a valid organisation number", cat, c.Org)
			case c.Org == a.Facilitator:
				bad("%s.org: %s is the facilitator itself, not a client", cat, c.Org)
			case seen[c.Org]:
				bad("%s.org: %s is listed twice", cat, c.Org)
			}
			seen[c.Org] = true
			if len(c.Packages) == 0 {
				bad("%s.packages: at least one access package (the client's packages to delegate)", cat)
			}
			if err := checkPackageURNs(c.Packages); err != nil {
				bad("%s.packages: %v", cat, err)
			}
		}
	}
	return p
}

// planPersonAgents checks the person agents against the database and the
// rest of the file, as Access Management's AddAgent and
// DelegateAccessPackageToAgent would refuse them: the facilitator and the
// person must exist, every package must exist, be delegable and be given
// by an ER role the facilitator holds on the client (in the database or
// under roles).
func (d Deps) planPersonAgents(ctx context.Context, f *File, p *plan, orgKnown, personKnown func(string) (bool, error)) error {
	bad := func(format string, args ...any) { p.problems = append(p.problems, fmt.Sprintf(format, args...)) }
	for i, a := range f.PersonAgents {
		at := fmt.Sprintf("personAgents[%d]", i)
		if ok, err := orgKnown(a.Facilitator); err != nil {
			return err
		} else if !ok {
			bad("%s.facilitator: no organisation %s (add it under organizations)", at, a.Facilitator)
			continue
		}
		if ok, err := personKnown(a.Person); err != nil {
			return err
		} else if !ok {
			bad("%s.person: no person %s (add them under persons)", at, a.Person)
			continue
		}
		ap := personAgentPlan{facilitator: a.Facilitator, pid: a.Person}
		var current []systemusers.ClientDelegation
		_, err := d.SystemUsers.PersonAgent(ctx, a.Facilitator, a.Person)
		switch {
		case err == nil:
			ap.exists = true
			per, err := d.Parties.Person(ctx, a.Person)
			if err != nil {
				return err
			}
			if current, err = d.SystemUsers.PersonAgentClients(ctx, a.Facilitator, per); err != nil {
				return err
			}
		case !errors.Is(err, dberr.ErrNotFound):
			return err
		}
		roles, err := d.clientRoles(ctx, f, a.Facilitator)
		if err != nil {
			return err
		}
		for j, c := range a.Clients {
			cat := fmt.Sprintf("%s.clients[%d]", at, j)
			if ok, err := orgKnown(c.Org); err != nil {
				return err
			} else if !ok {
				bad("%s.org: no organisation %s (add it under organizations)", cat, c.Org)
				continue
			}
			var had []string
			for _, dl := range current {
				if dl.ClientOrgNo == c.Org {
					had = dl.AccessPackages
				}
			}
			cp := personAgentClientPlan{org: c.Org}
			byRole := map[string][]string{}
			var order []string
			for k, urn := range c.Packages {
				pat := fmt.Sprintf("%s.packages[%d]", cat, k)
				pk, err := d.Resources.Package(ctx, urn)
				switch {
				case errors.Is(err, dberr.ErrNotFound):
					bad("%s: no access package %s", pat, urn)
					continue
				case err != nil:
					return err
				case !pk.IsDelegable:
					bad("%s: %s cannot be delegated (it is not delegable)", pat, urn)
					continue
				}
				role := ""
				for _, r := range roles[c.Org] {
					if slices.Contains(d.Resources.PackagesForRole(r), urn) {
						role = r
						break
					}
				}
				if role == "" {
					bad("%s: no ER role %s holds on %s gives %s (add one under roles, e.g. {org: %q, role: REGN, holderOrg: %q} for regnskapsforer-* packages)",
						pat, a.Facilitator, c.Org, urn, c.Org, a.Facilitator)
					continue
				}
				if !slices.Contains(order, role) {
					order = append(order, role)
				}
				byRole[role] = append(byRole[role], urn)
				if slices.Contains(had, urn) {
					cp.kept++
				} else {
					cp.add++
				}
			}
			for _, r := range order {
				cp.perms = append(cp.perms, systemusers.AMPermission{Role: r, Packages: byRole[r]})
			}
			ap.clients = append(ap.clients, cp)
		}
		p.personAgents = append(p.personAgents, ap)
	}
	return nil
}

// clientRoles maps each organisation the facilitator holds ER roles on to
// those role codes, from the database's roles and the file's.
func (d Deps) clientRoles(ctx context.Context, f *File, facilitator string) (map[string][]string, error) {
	roles, err := d.Parties.RolesHeldByOrg(ctx, facilitator)
	if err != nil {
		return nil, fmt.Errorf("roles held by %s: %w", facilitator, err)
	}
	out := map[string][]string{}
	add := func(org, code string) {
		if !slices.Contains(out[org], code) {
			out[org] = append(out[org], code)
		}
	}
	for _, r := range roles {
		add(r.OrgNo, r.RoleCode)
	}
	for _, r := range f.Roles {
		if r.HolderOrg == facilitator {
			add(r.Org, r.Role)
		}
	}
	return out, nil
}

// applyPersonAgents adds the person agents and delegates their packages.
func (d Deps) applyPersonAgents(ctx context.Context, plans []personAgentPlan, count func(string, action), rep *Report) error {
	for _, a := range plans {
		per, err := d.Parties.Person(ctx, a.pid)
		if err != nil {
			return fmt.Errorf("person agent %s: %w", a.pid, err)
		}
		if !a.exists {
			if _, err := d.SystemUsers.AddPersonAgent(ctx, a.facilitator, per); err != nil {
				return fmt.Errorf("make %s an agent of %s: %w", a.pid, a.facilitator, err)
			}
			count("personAgents", create)
		} else {
			count("personAgents", keep)
		}
		for _, c := range a.clients {
			if c.add > 0 {
				if _, _, err := d.SystemUsers.DelegatePackages(ctx, per.PartyUUID, a.facilitator, c.org, c.perms); err != nil {
					return fmt.Errorf("delegate %s's packages to the agent %s: %w", c.org, a.pid, err)
				}
			}
			rep.Created["personAgentPackages"] += c.add
			rep.Unchanged["personAgentPackages"] += c.kept
		}
	}
	return nil
}
