package seed

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/altinn-sim/altinn-sim/internal/accesslists"
	"github.com/altinn-sim/altinn-sim/internal/apidelegation"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/mpclient"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/requests"
	"github.com/altinn-sim/altinn-sim/internal/resources"
	"github.com/altinn-sim/altinn-sim/internal/scopes"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// Deps are the services seeding writes through.
type Deps struct {
	Pool        *pgxpool.Pool // for the parties' one transaction
	Parties     *parties.Service
	Clients     *mpclient.Service
	Resources   *resources.Service
	Registry    *registry.Service
	SystemUsers *systemusers.Service
	Requests    *requests.Service
	// Scopes and APIDelegation write the scopes, delegation schemes and
	// delegations; a file with those needs them.
	Scopes        *scopes.Service
	APIDelegation *apidelegation.Service
	// AccessLists seeds accessLists (needed only when the file has some).
	AccessLists *accesslists.Service
}

// Kinds of things a seed file holds, in the order they are written.
var Kinds = []string{"organizations", "persons", "roles", "scopes", "scopeAccess", "clients", "resources", "policies", "systems", "systemUsers",
	"agentSystemUsers", "clientDelegations", "selfDelegations", "personAgents", "personAgentPackages", "apiDelegationSchemes", "apiDelegations", "accessLists"}

// Report counts what a seeding did, per kind. Only client delegations are
// ever removed (a client no longer listed for an agent system user).
type Report struct {
	Created, Updated, Unchanged, Removed map[string]int
}

func newReport() Report {
	return Report{Created: map[string]int{}, Updated: map[string]int{}, Unchanged: map[string]int{}, Removed: map[string]int{}}
}

// Changed reports whether anything was created, updated or removed.
func (r Report) Changed() bool {
	for _, k := range Kinds {
		if r.Created[k]+r.Updated[k]+r.Removed[k] > 0 {
			return true
		}
	}
	return false
}

// String is one line: "organizations 2 created, ...; clients 1 unchanged".
func (r Report) String() string {
	var parts []string
	for _, k := range Kinds {
		var p []string
		if n := r.Created[k]; n > 0 {
			p = append(p, fmt.Sprintf("%d created", n))
		}
		if n := r.Updated[k]; n > 0 {
			p = append(p, fmt.Sprintf("%d updated", n))
		}
		if n := r.Removed[k]; n > 0 {
			p = append(p, fmt.Sprintf("%d removed", n))
		}
		if n := r.Unchanged[k]; n > 0 {
			p = append(p, fmt.Sprintf("%d unchanged", n))
		}
		if len(p) > 0 {
			parts = append(parts, k+" "+strings.Join(p, ", "))
		}
	}
	if len(parts) == 0 {
		return "nothing to seed"
	}
	return strings.Join(parts, "; ")
}

type action int

const (
	keep action = iota
	create
	update
	replaceKeys // clients: only the key set differs
)

// plan is what Apply will write, decided before writing anything.
type plan struct {
	orgs    []parties.Organization
	orgAct  []action
	persons []parties.Person
	perAct  []action
	roles   []parties.Role
	roleAct []action
	clients []mpclient.NewClient
	cliAct  []action
	res     []resources.Resource
	resAct  []action
	pols    []*resources.Policy
	polAct  []action
	systems []registry.RegisterRequest
	sysAct  []action
	users   []userPlan
	agents  []agentPlan
	// personAgents are Access Management's person agents (personagents.go).
	personAgents []personAgentPlan
	api          apiPlan
	lists        []accesslists.Wanted
	problems     Problems
}

type userPlan struct {
	vendor   string
	in       requests.CreateInput
	approver string
	exists   bool
}

// agentPlan is one agent system user: created (by an agent request its
// approver approves) unless it exists, then its delegations made to match
// the file's clients.
type agentPlan struct {
	vendor   string
	in       requests.CreateInput // PartyOrgNo is the facilitator
	approver string
	id       uuid.UUID // the existing system user's; zero when it is to be created
	add      []string  // clients to delegate
	remove   []string  // clients delegated before, no longer in the file
	kept     int       // clients already delegated
	self     bool      // the facilitator delegates the packages to the system user itself
}

// Apply checks the file against the database, then writes it. Any problem
// found by the checks is returned as Problems (errors.Is ErrInvalid) and
// nothing is written. The parties go in one transaction; the other
// services each write in their own, in dependency order. Should a service
// still refuse something the checks let through, the clients and
// resources this run created are removed again before the error returns.
func Apply(ctx context.Context, d Deps, f File) (Report, error) {
	rep := newReport()
	p, err := d.plan(ctx, &f)
	if err != nil {
		return rep, err
	}
	if len(p.problems) > 0 {
		return rep, f.withLines(p.problems)
	}
	count := func(kind string, a action) {
		switch a {
		case keep:
			rep.Unchanged[kind]++
		case create:
			rep.Created[kind]++
		default:
			rep.Updated[kind]++
		}
	}

	// Parties: one transaction.
	err = db.InTx(ctx, d.Pool, func(q db.Querier) error {
		for i, o := range p.orgs {
			if p.orgAct[i] != keep {
				if err := d.Parties.UpsertOrg(ctx, q, o); err != nil {
					return err
				}
			}
		}
		for i, ps := range p.persons {
			if p.perAct[i] != keep {
				if err := d.Parties.UpsertPerson(ctx, q, ps); err != nil {
					return err
				}
			}
		}
		for i, r := range p.roles {
			if p.roleAct[i] != keep {
				if err := d.Parties.AddRole(ctx, q, r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("organisations, persons and roles: %w", err)
	}
	for i := range p.orgs {
		count("organizations", p.orgAct[i])
	}
	for i := range p.persons {
		count("persons", p.perAct[i])
	}
	for i := range p.roles {
		count("roles", p.roleAct[i])
	}

	// From here each service writes on its own; undo what this run
	// created if a later step fails.
	var undo []func()
	fail := func(err error) (Report, error) {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
		return rep, err
	}
	// Scopes before the clients that carry them.
	if err := d.applyScopes(ctx, p.api, count); err != nil {
		return fail(err)
	}
	for i, c := range p.clients {
		switch p.cliAct[i] {
		case create:
			if _, err := d.Clients.CreateClient(ctx, c); err != nil {
				return fail(fmt.Errorf("client %s: %w", c.ClientID, err))
			}
			id := c.ClientID
			undo = append(undo, func() { _ = d.Clients.DeleteClient(context.WithoutCancel(ctx), id) })
		case replaceKeys:
			if _, err := d.Clients.ReplaceKeys(ctx, c.ClientID, c.JWKS); err != nil {
				return fail(fmt.Errorf("client %s: %w", c.ClientID, err))
			}
		case update:
			// Maskinporten clients have no update of name or scopes here:
			// the client is registered again under the same id.
			if err := d.Clients.DeleteClient(ctx, c.ClientID); err != nil {
				return fail(fmt.Errorf("client %s: %w", c.ClientID, err))
			}
			if _, err := d.Clients.CreateClient(ctx, c); err != nil {
				return fail(fmt.Errorf("client %s: %w", c.ClientID, err))
			}
		}
		count("clients", p.cliAct[i])
	}
	admin := resources.Writer{Admin: true}
	for i, r := range p.res {
		switch p.resAct[i] {
		case create:
			if _, err := d.Resources.CreateResource(ctx, admin, r); err != nil {
				return fail(fmt.Errorf("resource %s: %w", r.Identifier, err))
			}
			id := r.Identifier
			undo = append(undo, func() { _ = d.Resources.DeleteResource(context.WithoutCancel(ctx), admin, id) })
		case update:
			if _, err := d.Resources.UpdateResource(ctx, admin, r.Identifier, r); err != nil {
				return fail(fmt.Errorf("resource %s: %w", r.Identifier, err))
			}
		}
		count("resources", p.resAct[i])
		if pol := p.pols[i]; pol != nil {
			if p.polAct[i] != keep {
				if err := d.Resources.ReplacePolicy(ctx, admin, *pol); err != nil {
					return fail(fmt.Errorf("policy of %s: %w", r.Identifier, err))
				}
			}
			count("policies", p.polAct[i])
		}
	}
	for i, s := range p.systems {
		actor := registry.Actor{OrgNo: s.Vendor.OrgNo(), Admin: true, ClientID: "altinn-sim-seed"}
		switch p.sysAct[i] {
		case create:
			if _, err := d.Registry.Create(ctx, actor, s); err != nil {
				return fail(fmt.Errorf("system %s: %w", s.ID, err))
			}
		case update:
			if err := d.Registry.Update(ctx, actor, s.ID, s, ""); err != nil {
				return fail(fmt.Errorf("system %s: %w", s.ID, err))
			}
		}
		count("systems", p.sysAct[i])
	}
	for _, u := range p.users {
		if u.exists {
			count("systemUsers", keep)
			continue
		}
		// A request for the same system user that was answered without
		// leaving one (rejected, or its system user since deleted) would
		// be handed back by Create; the vendor withdraws it and asks anew.
		if old, err := d.Requests.ByExternalRef(ctx, u.vendor, requests.KindStandard, u.in.SystemID, u.in.PartyOrgNo, u.in.ExternalRef); err == nil && old.Status != requests.StatusNew {
			if err := d.Requests.Delete(ctx, u.vendor, requests.KindStandard, old.ID); err != nil {
				return fail(fmt.Errorf("system user of %s for %s: withdraw the %s request: %w", u.in.SystemID, u.in.PartyOrgNo, old.Status, err))
			}
		}
		// As on the platform: the vendor asks, a person approves.
		r, _, err := d.Requests.Create(ctx, u.vendor, requests.KindStandard, u.in)
		if err != nil {
			return fail(fmt.Errorf("system user of %s for %s: request: %w", u.in.SystemID, u.in.PartyOrgNo, err))
		}
		if _, err := d.Requests.Approve(ctx, r.ID, u.in.PartyOrgNo, u.approver); err != nil {
			return fail(fmt.Errorf("system user of %s for %s: approve: %w", u.in.SystemID, u.in.PartyOrgNo, err))
		}
		count("systemUsers", create)
	}
	for _, u := range p.agents {
		id := u.id
		if id == uuid.Nil {
			name := fmt.Sprintf("agent system user of %s for %s", u.in.SystemID, u.in.PartyOrgNo)
			// A request answered without leaving a system user, or one still
			// open but for other packages than the file's (Create would hand
			// it back), is withdrawn and asked anew.
			if old, err := d.Requests.ByExternalRef(ctx, u.vendor, requests.KindAgent, u.in.SystemID, u.in.PartyOrgNo, u.in.ExternalRef); err == nil &&
				(old.Status != requests.StatusNew || !samePackageSet(refURNs(old.AccessPackages), refURNs(u.in.AccessPackages))) {
				if err := d.Requests.Delete(ctx, u.vendor, requests.KindAgent, old.ID); err != nil {
					return fail(fmt.Errorf("%s: withdraw the %s request: %w", name, old.Status, err))
				}
			}
			// As on the platform: the vendor sends an agent request, a
			// person who may manage the facilitator's access approves.
			r, _, err := d.Requests.Create(ctx, u.vendor, requests.KindAgent, u.in)
			if err != nil {
				return fail(fmt.Errorf("%s: request: %w", name, err))
			}
			created, err := d.Requests.Approve(ctx, r.ID, u.in.PartyOrgNo, u.approver)
			if err != nil {
				return fail(fmt.Errorf("%s: approve: %w", name, err))
			}
			id = created.ID
			count("agentSystemUsers", create)
		} else {
			count("agentSystemUsers", keep)
		}
		// The facilitator's access manager then delegates the clients;
		// the file's list is the whole truth for this system user.
		for _, c := range u.remove {
			if err := d.SystemUsers.RemoveClient(ctx, id, c, u.in.PartyOrgNo); err != nil {
				return fail(fmt.Errorf("agent system user %s: remove client %s: %w", id, c, err))
			}
			rep.Removed["clientDelegations"]++
		}
		for _, c := range u.add {
			if err := d.SystemUsers.AddClient(ctx, id, c, u.in.PartyOrgNo); err != nil {
				return fail(fmt.Errorf("agent system user %s: delegate client %s: %w", id, c, err))
			}
			count("clientDelegations", create)
		}
		rep.Unchanged["clientDelegations"] += u.kept
		if err := d.applySelf(ctx, id, u, &rep); err != nil {
			return fail(err)
		}
	}
	if err := d.applyPersonAgents(ctx, p.personAgents, count, &rep); err != nil {
		return fail(err)
	}
	if err := d.applyAPIDelegations(ctx, p.api, count); err != nil {
		return fail(err)
	}
	for _, l := range p.lists {
		created, changed, err := d.AccessLists.Sync(ctx, l)
		if err != nil {
			return fail(fmt.Errorf("access list %s/%s: %w", l.Owner, l.Identifier, err))
		}
		switch {
		case created:
			count("accessLists", create)
		case changed:
			count("accessLists", update)
		default:
			count("accessLists", keep)
		}
	}
	return rep, nil
}

// applySelf keeps an agent system user's self-delegation as the file
// says: delegated with self: true, taken back without.
func (d Deps) applySelf(ctx context.Context, id uuid.UUID, u agentPlan, rep *Report) error {
	have, err := d.SystemUsers.SelfPackages(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case u.self && len(have) > 0:
		rep.Unchanged["selfDelegations"]++
		return nil
	case !u.self && len(have) == 0:
		return nil
	}
	org, err := d.Parties.Org(ctx, u.in.PartyOrgNo)
	if err != nil {
		return fmt.Errorf("agent system user %s: facilitator %s: %w", id, u.in.PartyOrgNo, err)
	}
	if !u.self {
		if err := d.SystemUsers.RevokeSelf(ctx, id, org.PartyUUID); err != nil {
			return fmt.Errorf("agent system user %s: take back the self-delegation: %w", id, err)
		}
		rep.Removed["selfDelegations"]++
		return nil
	}
	if err := d.SystemUsers.DelegateSelf(ctx, id, org.PartyUUID); err != nil {
		return fmt.Errorf("agent system user %s: self-delegation: %w", id, err)
	}
	rep.Created["selfDelegations"]++
	return nil
}

// plan reads the database and decides every write; problems found are
// collected in p.problems.
func (d Deps) plan(ctx context.Context, f *File) (*plan, error) {
	p := &plan{}
	bad := func(format string, args ...any) { p.problems = append(p.problems, fmt.Sprintf(format, args...)) }
	notFound := func(err error) bool { return errors.Is(err, dberr.ErrNotFound) }

	// Parties.
	fileOrgs := map[string]bool{}
	for _, o := range f.Organizations {
		fileOrgs[o.OrgNo] = true
		form := o.OrgForm
		if form == "" {
			form = "AS"
		}
		org := parties.Organization{OrgNo: o.OrgNo, Name: strings.TrimSpace(o.Name), OrgForm: form}
		cur, err := d.Parties.Org(ctx, o.OrgNo)
		a := create
		switch {
		case err == nil && cur.Name == org.Name && cur.OrgForm == org.OrgForm:
			a = keep
		case err == nil:
			a = update
		case !notFound(err):
			return nil, err
		}
		p.orgs, p.orgAct = append(p.orgs, org), append(p.orgAct, a)
	}
	orgKnown := func(orgNo string) (bool, error) {
		if fileOrgs[orgNo] {
			return true, nil
		}
		_, err := d.Parties.Org(ctx, orgNo)
		if notFound(err) {
			return false, nil
		}
		return err == nil, err
	}
	filePersons := map[string]bool{}
	for _, ps := range f.Persons {
		filePersons[ps.PID] = true
		per := parties.Person{PID: ps.PID, Name: strings.TrimSpace(ps.Name)}
		cur, err := d.Parties.Person(ctx, ps.PID)
		a := create
		switch {
		case err == nil && cur.Name == per.Name:
			a = keep
		case err == nil:
			a = update
		case !notFound(err):
			return nil, err
		}
		p.persons, p.perAct = append(p.persons, per), append(p.perAct, a)
	}
	personKnown := func(pid string) (bool, error) {
		if filePersons[pid] {
			return true, nil
		}
		_, err := d.Parties.Person(ctx, pid)
		if notFound(err) {
			return false, nil
		}
		return err == nil, err
	}
	for i, r := range f.Roles {
		at := fmt.Sprintf("roles[%d]", i)
		if ok, err := orgKnown(r.Org); err != nil {
			return nil, err
		} else if !ok {
			bad("%s.org: no organisation %s (add it under organizations)", at, r.Org)
		}
		if r.Person != "" {
			if ok, err := personKnown(r.Person); err != nil {
				return nil, err
			} else if !ok {
				bad("%s.person: no person %s (add them under persons)", at, r.Person)
			}
		}
		if r.HolderOrg != "" {
			if ok, err := orgKnown(r.HolderOrg); err != nil {
				return nil, err
			} else if !ok {
				bad("%s.holderOrg: no organisation %s", at, r.HolderOrg)
			}
		}
		role := parties.Role{OrgNo: r.Org, RoleCode: r.Role, Source: "ccr", HolderPID: r.Person, HolderOrgNo: r.HolderOrg}
		if r.Role == parties.RoleAccessManager {
			role.Source = "altinn"
		}
		a := create
		if cur, err := d.Parties.RolesOn(ctx, r.Org); err != nil {
			return nil, err
		} else if slices.ContainsFunc(cur, func(c parties.Role) bool {
			return c.RoleCode == role.RoleCode && c.HolderPID == role.HolderPID && c.HolderOrgNo == role.HolderOrgNo
		}) {
			a = keep
		}
		p.roles, p.roleAct = append(p.roles, role), append(p.roleAct, a)
	}
	// canManage: may pid approve for orgNo, by the file's roles or the
	// database's?
	canManage := func(pid, orgNo string) (bool, error) {
		for _, r := range f.Roles {
			if r.Org == orgNo && r.Person == pid && parties.CanManageAccess(r.Role) {
				return true, nil
			}
		}
		return d.Parties.CanManage(ctx, pid, orgNo)
	}
	// approverFor picks who approves a system user of orgNo: approvedBy when
	// that person exists and may manage orgNo's access, else someManager's
	// choice. why is the file's problem when there is nobody; owner is how it
	// names orgNo.
	approverFor := func(at, approvedBy, orgNo, owner string) (pid, why string, err error) {
		if approvedBy == "" {
			pid, err := d.someManager(ctx, f, orgNo)
			if err != nil || pid != "" {
				return pid, "", err
			}
			return "", fmt.Sprintf("%s: nobody may approve for %s; give it a DAGL under roles, or approvedBy", at, orgNo), nil
		}
		if ok, err := personKnown(approvedBy); err != nil {
			return "", "", err
		} else if !ok {
			return "", fmt.Sprintf("%s.approvedBy: no person %s", at, approvedBy), nil
		}
		ok, err := canManage(approvedBy, orgNo)
		if err != nil {
			return "", "", err
		}
		if !ok {
			return "", fmt.Sprintf("%s.approvedBy: %s may not manage access for %s (needs e.g. DAGL or ACCESS_MANAGER there)", at, approvedBy, owner), nil
		}
		return approvedBy, "", nil
	}

	// Scopes, schemes and delegations of delegated API access.
	if err := d.planAPIDelegation(ctx, f, p, orgKnown); err != nil {
		return nil, err
	}

	// Clients.
	for i, c := range f.Clients {
		at := fmt.Sprintf("clients[%d]", i)
		var set mpclient.JWKS
		if err := json.Unmarshal(f.keys[i], &set); err != nil {
			return nil, err
		}
		nc := mpclient.NewClient{ClientID: c.ClientID, OrgNo: c.OrgNo, Name: c.Name, Scopes: dedupe(c.Scopes), JWKS: set}
		a := create
		cur, err := d.Clients.Client(ctx, c.ClientID)
		switch {
		case err == nil && cur.OrgNo != c.OrgNo:
			bad("%s.clientId: client %s already belongs to organisation %s", at, c.ClientID, cur.OrgNo)
		case err == nil:
			a = keep
			if !sameKeys(cur.JWKS, set) {
				a = replaceKeys
			}
			if cur.Name != nc.Name || !slices.Equal(cur.Scopes, nc.Scopes) {
				a = update
			}
		case !notFound(err):
			return nil, err
		}
		if a == create || a == update {
			// The client may carry only scopes its organisation may use.
			check, fileRefused := p.api.splitFileScopes(c.OrgNo, c.Scopes)
			refused, err := d.Clients.RefusedScopes(ctx, c.OrgNo, check)
			if err != nil {
				return nil, err
			}
			for j, sc := range c.Scopes {
				if why, ok := refused[sc]; ok {
					bad("%s.scopes[%d]: %s", at, j, why)
				} else if why, ok := fileRefused[j]; ok {
					bad("%s.scopes[%d]: %s", at, j, why)
				}
			}
		}
		p.clients, p.cliAct = append(p.clients, nc), append(p.cliAct, a)
	}

	// Resources and policies.
	fileRes := map[string]resources.Resource{}
	for i := range f.Resources {
		at := fmt.Sprintf("resources[%d]", i)
		res := f.res[i]
		fileRes[res.Identifier] = res
		if ok, err := orgKnown(res.HasCompetentAuthority.Organization); err != nil {
			return nil, err
		} else if !ok && !parties.ValidOrgNo(res.HasCompetentAuthority.Organization, false) {
			bad("%s.hasCompetentAuthority.organization: %q is not an organisation number", at, res.HasCompetentAuthority.Organization)
		}
		a := create
		cur, err := d.Resources.Resource(ctx, res.Identifier)
		switch {
		case err == nil:
			res.VersionID = cur.VersionID
			a = update
			if sameJSON(cur, res) {
				a = keep
			}
		case !notFound(err):
			return nil, err
		}
		p.res, p.resAct = append(p.res, res), append(p.resAct, a)
		var pol *resources.Policy
		pa := keep
		if want, ok := f.policies[i]; ok {
			pol = &want
			pa = create
			if a != create {
				have, err := d.Resources.Policy(ctx, res.Identifier)
				switch {
				case err == nil:
					pa = update
					if have.PolicyID == want.PolicyID && have.MinAuthLevel == want.MinAuthLevel && sameJSON(have.Rules, want.Rules) {
						pa = keep
					}
				case !notFound(err):
					return nil, err
				}
			}
		}
		p.pols, p.polAct = append(p.pols, pol), append(p.polAct, pa)
	}
	resourceType := func(id string) (string, bool, error) {
		if r, ok := fileRes[id]; ok {
			return r.ResourceType, true, nil
		}
		r, err := d.Resources.Resource(ctx, id)
		if notFound(err) {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		return r.ResourceType, true, nil
	}

	// Systems.
	fileSystems := map[string]registry.RegisterRequest{}
	for i, s := range f.Systems {
		at := fmt.Sprintf("systems[%d]", i)
		rr := registry.NewRegisterRequest()
		rr.ID, rr.Vendor = s.ID, registry.VendorFor(s.Vendor)
		rr.Name, rr.Description = map[string]string(s.Name), map[string]string(s.Description)
		rr.Rights = toRights(s.Rights)
		rr.AccessPackages = toPackages(s.AccessPackages)
		rr.ClientID = nonNil(s.ClientIDs)
		rr.AllowedRedirectURLs = nonNil(s.AllowedRedirectURLs)
		if s.IsVisible != nil {
			rr.IsVisible = *s.IsVisible
		}
		fileSystems[s.ID] = rr
		if ok, err := orgKnown(s.Vendor); err != nil {
			return nil, err
		} else if !ok {
			bad("%s.vendor: no organisation %s (add it under organizations)", at, s.Vendor)
		}
		for j, r := range s.Rights {
			typ, ok, err := resourceType(r.Resource)
			if err != nil {
				return nil, err
			}
			switch {
			case !ok:
				bad("%s.rights[%d]: no resource %q in the resource registry (add it under resources)", at, j, r.Resource)
			case !registry.DelegableResourceType(typ):
				bad("%s.rights[%d]: resource %s is a %s, which systems cannot be given rights to", at, j, r.Resource, typ)
			}
		}
		for j, urn := range s.AccessPackages {
			pk, err := d.Resources.Package(ctx, urn)
			switch {
			case notFound(err):
				bad("%s.accessPackages[%d]: no access package %s", at, j, urn)
			case err != nil:
				return nil, err
			case !pk.IsDelegable && !pk.IsAssignable:
				bad("%s.accessPackages[%d]: %s cannot be delegated", at, j, urn)
			case rr.IsVisible && !pk.IsAssignable:
				bad("%s.accessPackages[%d]: %s is not assignable to a standard system user, so the system must have isVisible: false", at, j, urn)
			}
		}
		// As the register, any client id not bound to another system will
		// do; it need not be a Maskinporten client (under clients) yet.
		for j, id := range s.ClientIDs {
			other, err := d.Registry.SystemByClientID(ctx, id)
			if err == nil && other.ID != s.ID {
				bad("%s.clientIds[%d]: client %s is already bound to system %s", at, j, id, other.ID)
			} else if err != nil && !notFound(err) {
				return nil, err
			}
		}
		a := create
		cur, err := d.Registry.SystemAny(ctx, s.ID)
		switch {
		case err == nil && cur.IsDeleted:
			bad("%s.id: system %s was deleted, and the register never reuses an id", at, s.ID)
		case err == nil && cur.Vendor != s.Vendor:
			bad("%s.id: system %s belongs to vendor %s", at, s.ID, cur.Vendor)
		case err == nil:
			a = update
			if sameSystem(cur, rr) {
				a = keep
			}
		case !notFound(err):
			return nil, err
		}
		p.systems, p.sysAct = append(p.systems, rr), append(p.sysAct, a)
	}

	// System users.
	for i, u := range f.SystemUsers {
		at := fmt.Sprintf("systemUsers[%d]", i)
		sys, vendor, ok, err := d.systemNamed(ctx, u.System, fileSystems)
		if err != nil {
			return nil, err
		}
		if !ok {
			bad("%s.system: no system %s (add it under systems)", at, u.System)
			continue
		}
		if ok, err := orgKnown(u.Org); err != nil {
			return nil, err
		} else if !ok {
			bad("%s.org: no organisation %s (add it under organizations)", at, u.Org)
			continue
		}
		in := requests.CreateInput{SystemID: u.System, PartyOrgNo: u.Org, ExternalRef: u.ExternalRef, IntegrationTitle: u.IntegrationTitle}
		if in.ExternalRef == "" {
			in.ExternalRef = u.Org
		}
		if u.Rights == nil && u.AccessPackages == nil {
			in.Rights, in.AccessPackages = sys.Rights, sys.AccessPackages
		} else {
			in.Rights, in.AccessPackages = toRights(u.Rights), toPackages(u.AccessPackages)
		}
		if len(in.Rights) == 0 && len(in.AccessPackages) == 0 {
			bad("%s: the system user would have no rights and no access packages", at)
		}
		for j, r := range in.Rights {
			if !slices.ContainsFunc(sys.Rights, func(x registry.Right) bool { return sameJSON(x, r) }) {
				bad("%s.rights[%d]: system %s has no right on %s", at, j, u.System, r.Resource[0].Value)
			}
		}
		for j, pk := range in.AccessPackages {
			if !slices.ContainsFunc(sys.AccessPackages, func(x registry.AccessPackageRef) bool { return x.URN == pk.URN }) {
				bad("%s.accessPackages[%d]: system %s does not have %s", at, j, u.System, pk.URN)
				continue
			}
			if ap, err := d.Resources.Package(ctx, pk.URN); err == nil && !ap.IsAssignable {
				bad("%s.accessPackages[%d]: %s cannot be given to a standard system user", at, j, pk.URN)
			}
		}
		approver, why, err := approverFor(at, u.ApprovedBy, u.Org, u.Org)
		if err != nil {
			return nil, err
		}
		if why != "" {
			bad("%s", why)
			continue
		}
		up := userPlan{vendor: vendor, in: in, approver: approver}
		_, err = d.SystemUsers.ByTriple(ctx, nil, u.System, u.Org, in.ExternalRef)
		switch {
		case err == nil:
			up.exists = true
		case !notFound(err):
			return nil, err
		}
		p.users = append(p.users, up)
	}
	if err := d.planAgents(ctx, f, p, fileSystems, orgKnown, approverFor); err != nil {
		return nil, err
	}
	if err := d.planPersonAgents(ctx, f, p, orgKnown, personKnown); err != nil {
		return nil, err
	}
	if err := d.planAccessLists(ctx, f, p, fileRes, orgKnown); err != nil {
		return nil, err
	}
	return p, nil
}

// planAccessLists checks the file's access lists: a service owner's org
// code (the owner register, or a resource of the file), members the
// register has (or the file adds), resources the registry has (or the
// file adds).
func (d Deps) planAccessLists(ctx context.Context, f *File, p *plan, fileRes map[string]resources.Resource, orgKnown func(string) (bool, error)) error {
	if len(f.AccessLists) == 0 {
		return nil
	}
	bad := func(format string, args ...any) { p.problems = append(p.problems, fmt.Sprintf(format, args...)) }
	if d.AccessLists == nil {
		bad("accessLists: this command cannot seed access lists")
		return nil
	}
	fileOwners := map[string]bool{}
	for _, r := range fileRes {
		if r.HasCompetentAuthority != nil && r.HasCompetentAuthority.Orgcode != "" {
			fileOwners[strings.ToLower(r.HasCompetentAuthority.Orgcode)] = true
		}
	}
	for i, l := range f.AccessLists {
		at := fmt.Sprintf("accessLists[%d]", i)
		if _, ok, err := d.AccessLists.Owners().Canonical(ctx, l.Owner); err != nil {
			return err
		} else if !ok && !fileOwners[strings.ToLower(l.Owner)] {
			bad("%s.owner: %q is not a service owner's org code (a resource's hasCompetentAuthority.orgcode, or one of Altinn's)", at, l.Owner)
		}
		w := accesslists.Wanted{Owner: l.Owner, Identifier: l.Identifier, Name: strings.TrimSpace(l.Name), Description: l.Description}
		for j, m := range l.Members {
			ref, _ := listMember(m)
			w.Members = append(w.Members, ref)
			if ref.OrgNo != "" {
				if ok, err := orgKnown(ref.OrgNo); err != nil {
					return err
				} else if !ok {
					bad("%s.members[%d]: no organisation %s (add it under organizations)", at, j, ref.OrgNo)
				}
				continue
			}
			if _, err := d.AccessLists.Register().Party(ctx, ref); errors.Is(err, dberr.ErrNotFound) {
				bad("%s.members[%d]: no organisation with %s in the party register", at, j, m)
			} else if err != nil {
				return err
			}
		}
		for j, r := range l.Resources {
			w.Connections = append(w.Connections, accesslists.Connection{ResourceID: r.Resource, Actions: r.Actions})
			if _, ok := fileRes[r.Resource]; ok {
				continue
			}
			if _, err := d.Resources.Resource(ctx, r.Resource); errors.Is(err, dberr.ErrNotFound) {
				bad("%s.resources[%d]: no resource %q in the resource registry (add it under resources)", at, j, r.Resource)
			} else if err != nil {
				return err
			}
		}
		p.lists = append(p.lists, w)
	}
	return nil
}

// someManager picks a person who may approve for orgNo: from the file's
// roles first, else the database's (lowest pid, so the choice is stable).
func (d Deps) someManager(ctx context.Context, f *File, orgNo string) (string, error) {
	for _, r := range f.Roles {
		if r.Org == orgNo && r.Person != "" && parties.CanManageAccess(r.Role) {
			return r.Person, nil
		}
	}
	roles, err := d.Parties.RolesOn(ctx, orgNo)
	if err != nil {
		return "", err
	}
	var pids []string
	for _, r := range roles {
		if r.HolderPID != "" && parties.CanManageAccess(r.RoleCode) {
			pids = append(pids, r.HolderPID)
		}
	}
	if len(pids) == 0 {
		return "", nil
	}
	sort.Strings(pids)
	return pids[0], nil
}

func toRights(rs []Right) []registry.Right {
	out := []registry.Right{}
	for _, r := range rs {
		out = append(out, registry.Right{Action: r.Action, Resource: []registry.AttributePair{{ID: resources.AttrResource, Value: r.Resource}}})
	}
	return out
}

func toPackages(urns []string) []registry.AccessPackageRef {
	out := []registry.AccessPackageRef{}
	for _, u := range urns {
		out = append(out, registry.AccessPackageRef{URN: u})
	}
	return out
}

func refURNs(ps []registry.AccessPackageRef) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.URN)
	}
	return out
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func dedupe(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

func sameSystem(cur registry.RegisteredSystem, want registry.RegisterRequest) bool {
	return sameJSON(cur.Name, want.Name) && sameJSON(cur.Description, want.Description) &&
		sameJSON(nonNil(cur.Rights), nonNil(want.Rights)) && sameJSON(nonNil(cur.AccessPackages), nonNil(want.AccessPackages)) &&
		sameJSON(nonNil(cur.ClientIDs), nonNil(want.ClientID)) && sameJSON(nonNil(cur.AllowedRedirectURLs), nonNil(want.AllowedRedirectURLs)) &&
		cur.IsVisible == want.IsVisible
}

// sameKeys compares two key sets by their keys' thumbprints.
func sameKeys(a, b mpclient.JWKS) bool {
	ta, tb := thumbprints(a), thumbprints(b)
	return ta != nil && tb != nil && slices.Equal(ta, tb)
}

func thumbprints(s mpclient.JWKS) []string {
	out := []string{}
	for _, raw := range s.Keys {
		k, err := jwk.ParseKey(raw)
		if err != nil {
			return nil
		}
		tp, err := k.Thumbprint(crypto.SHA256)
		if err != nil {
			return nil
		}
		out = append(out, k.KeyID()+"/"+uuid.NewSHA1(uuid.Nil, tp).String())
	}
	sort.Strings(out)
	return out
}
