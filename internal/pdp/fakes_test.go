package pdp

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// The in-package test world: a few organisations and persons as seeded in
// migrations/0001_parties.up.sql, policies and system users.

var (
	orgTiger  = parties.Organization{OrgNo: "313725138", Name: "Rakrygget Spesifikk Tiger AS", PartyID: 50000003, PartyUUID: uuid.MustParse("11111111-0000-0000-0000-000000000003")}
	orgElg    = parties.Organization{OrgNo: "310385980", Name: "Fattig Forsiktig Elg AS", PartyID: 50000004, PartyUUID: uuid.MustParse("11111111-0000-0000-0000-000000000004")}
	orgRev    = parties.Organization{OrgNo: "314168267", Name: "Lykkelig Nysgjerrig Rev AS", PartyID: 50000005, PartyUUID: uuid.MustParse("11111111-0000-0000-0000-000000000005")}
	orgRegnsk = parties.Organization{OrgNo: "312605031", Name: "Regnskapshuset Simulert AS", PartyID: 50000009, PartyUUID: uuid.MustParse("11111111-0000-0000-0000-000000000009")}

	personTiril = parties.Person{PID: "12857841016", Name: "Tiril Tiger", PartyID: 50100003, UserID: 20000003, PartyUUID: uuid.MustParse("22222222-0000-0000-0000-000000000003")}
	personTore  = parties.Person{PID: "20857841019", Name: "Tore Tilgang", PartyID: 50100011, UserID: 20000011}
	personKari  = parties.Person{PID: "21857841058", Name: "Kari Uten Roller", PartyID: 50100012, UserID: 20000012}

	suStandard = uuid.MustParse("47caea5b-a80b-4343-b1d3-31eb523a4e28")
	suAgent    = uuid.MustParse("e2eba2c3-b369-4ff9-8418-99a810d6bb58")
	suDeleted  = uuid.MustParse("0b3e63f5-2a5b-4c1c-9b35-6a2d7c0a1f00")
)

type fakeParties struct {
	orgs    []parties.Organization
	persons []parties.Person
	roles   []parties.Role
	calls   atomic.Int64
}

func newFakeParties() *fakeParties {
	return &fakeParties{
		orgs:    []parties.Organization{orgTiger, orgElg, orgRev, orgRegnsk},
		persons: []parties.Person{personTiril, personKari, personTore},
		roles: []parties.Role{
			{OrgNo: orgTiger.OrgNo, RoleCode: "DAGL", HolderPID: personTiril.PID},
			{OrgNo: orgTiger.OrgNo, RoleCode: parties.RoleAccessManager, Source: "altinn", HolderPID: personTore.PID},
			{OrgNo: orgElg.OrgNo, RoleCode: "REGN", HolderOrgNo: orgRegnsk.OrgNo},
		},
	}
}

func (f *fakeParties) findOrg(match func(parties.Organization) bool) (parties.Organization, error) {
	f.calls.Add(1)
	for _, o := range f.orgs {
		if match(o) {
			return o, nil
		}
	}
	return parties.Organization{}, fmt.Errorf("org: %w", dberr.ErrNotFound)
}

func (f *fakeParties) Org(_ context.Context, n string) (parties.Organization, error) {
	return f.findOrg(func(o parties.Organization) bool { return o.OrgNo == n })
}
func (f *fakeParties) OrgByPartyID(_ context.Context, id int64) (parties.Organization, error) {
	return f.findOrg(func(o parties.Organization) bool { return o.PartyID == id })
}
func (f *fakeParties) OrgByPartyUUID(_ context.Context, id uuid.UUID) (parties.Organization, error) {
	return f.findOrg(func(o parties.Organization) bool { return o.PartyUUID == id })
}
func (f *fakeParties) findPerson(match func(parties.Person) bool) (parties.Person, error) {
	f.calls.Add(1)
	for _, p := range f.persons {
		if match(p) {
			return p, nil
		}
	}
	return parties.Person{}, fmt.Errorf("person: %w", dberr.ErrNotFound)
}
func (f *fakeParties) Person(_ context.Context, pid string) (parties.Person, error) {
	return f.findPerson(func(p parties.Person) bool { return p.PID == pid })
}
func (f *fakeParties) PersonByUserID(_ context.Context, id int64) (parties.Person, error) {
	return f.findPerson(func(p parties.Person) bool { return p.UserID == id })
}
func (f *fakeParties) PersonByPartyID(_ context.Context, id int64) (parties.Person, error) {
	return f.findPerson(func(p parties.Person) bool { return p.PartyID == id })
}
func (f *fakeParties) PersonByPartyUUID(_ context.Context, id uuid.UUID) (parties.Person, error) {
	return f.findPerson(func(p parties.Person) bool { return p.PartyUUID == id })
}
func (f *fakeParties) RolesOfPerson(_ context.Context, pid string) ([]parties.Role, error) {
	f.calls.Add(1)
	var out []parties.Role
	for _, r := range f.roles {
		if r.HolderPID == pid {
			out = append(out, r)
		}
	}
	return out, nil
}
func (f *fakeParties) RolesHeldByOrg(_ context.Context, orgNo string) ([]parties.Role, error) {
	f.calls.Add(1)
	var out []parties.Role
	for _, r := range f.roles {
		if r.HolderOrgNo == orgNo {
			out = append(out, r)
		}
	}
	return out, nil
}

type fakePolicies struct {
	mu    sync.Mutex
	m     map[string]Policy
	calls atomic.Int64
}

func (f *fakePolicies) Policy(_ context.Context, id string) (Policy, error) {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.m[id]
	if !ok {
		return Policy{}, fmt.Errorf("policy %s: %w", id, dberr.ErrNotFound)
	}
	return p, nil
}

func (f *fakePolicies) set(p Policy) {
	f.mu.Lock()
	f.m[p.ResourceID] = p
	f.mu.Unlock()
}

type fakeUsers struct {
	mu    sync.Mutex
	m     map[uuid.UUID]SystemUser
	calls atomic.Int64
}

func (f *fakeUsers) SystemUser(_ context.Context, id uuid.UUID) (SystemUser, error) {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	su, ok := f.m[id]
	if !ok {
		return SystemUser{}, fmt.Errorf("system user %s: %w", id, dberr.ErrNotFound)
	}
	return su, nil
}

func (f *fakeUsers) update(id uuid.UUID, fn func(*SystemUser)) {
	f.mu.Lock()
	su := f.m[id]
	fn(&su)
	f.m[id] = su
	f.mu.Unlock()
}

type fakeRoles map[string][]string

func (f fakeRoles) PackagesForRole(code string) []string { return f[code] }

type world struct {
	parties  *fakeParties
	policies *fakePolicies
	users    *fakeUsers
	svc      *Service
}

func newWorld() *world {
	w := &world{
		parties: newFakeParties(),
		policies: &fakePolicies{m: map[string]Policy{
			"ttd-accesspackage-resource": {ResourceID: "ttd-accesspackage-resource", MinAuthLevel: 3, Rules: []Rule{
				{ID: "r-pkg", Effect: Permit, Subjects: []string{"urn:altinn:accesspackage:ansettelsesforhold", "urn:altinn:accesspackage:regnskapsforer-lonn"}, Actions: []string{"read", "write"}},
				{ID: "r-dagl", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:DAGL"}, Actions: []string{"read", "sign"}},
			}},
			"ttd-externalpdp-resource1": {ResourceID: "ttd-externalpdp-resource1", MinAuthLevel: 2, Rules: []Rule{
				{ID: "r-1", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:REGNA"}, Actions: []string{"read", "write"}},
			}},
			"ttd-externalpdp-resource2": {ResourceID: "ttd-externalpdp-resource2", Rules: []Rule{
				{ID: "r-2", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:REGNA"}, Actions: []string{"read", "write"}, Resources: []string{"ttd-externalpdp-resource2"}},
			}},
			"ttd-accesslist-resource": {ResourceID: "ttd-accesslist-resource", MinAuthLevel: 2, AccessListEnabled: true, Rules: []Rule{
				{ID: "r-al", Effect: Permit, Subjects: []string{"urn:altinn:accesspackage:ansettelsesforhold"}, Actions: []string{"read"}},
			}},
			"ttd-regn-role-resource": {ResourceID: "ttd-regn-role-resource", MinAuthLevel: 2, Rules: []Rule{
				{ID: "r-regn", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:regn"}, Actions: []string{"read"}},
			}},
			"altinn_access_management": {ResourceID: "altinn_access_management", MinAuthLevel: 2, Rules: []Rule{
				{ID: "r-am", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:dagl", "urn:altinn:accesspackage:tilgangsstyrer"}, Actions: []string{"read", "write"}},
			}},
			"ttd-deny-resource": {ResourceID: "ttd-deny-resource", MinAuthLevel: 2, Rules: []Rule{
				{ID: "r-permit", Effect: Permit, Subjects: []string{"urn:altinn:accesspackage:skatt-naering"}, Actions: []string{"read"}},
				{ID: "r-deny", Effect: Deny, Subjects: []string{"urn:altinn:external-role:ccr:daglig-leder"}, Actions: []string{"read"}},
			}},
		}},
		users: &fakeUsers{m: map[uuid.UUID]SystemUser{
			suStandard: {ID: suStandard, OwnerOrgNo: orgTiger.OrgNo, SystemID: "312605031_sys",
				Packages: []string{"urn:altinn:accesspackage:ansettelsesforhold", "urn:altinn:accesspackage:skatt-naering"},
				Rights:   []ResourceRight{{ResourceID: "ttd-externalpdp-resource1"}, {ResourceID: "ttd-accesspackage-resource", Action: "delete"}, {ResourceID: "ttd-externalpdp-resource2", Action: "read"}}},
			suAgent: {ID: suAgent, Agent: true, OwnerOrgNo: orgRegnsk.OrgNo, SystemID: "312605031_sys",
				Clients: map[string][]string{orgElg.OrgNo: {"urn:altinn:accesspackage:regnskapsforer-lonn"}}},
			suDeleted: {ID: suDeleted, OwnerOrgNo: orgTiger.OrgNo, Deleted: true, Packages: []string{"urn:altinn:accesspackage:ansettelsesforhold"}},
		}},
	}
	roles := fakeRoles{
		"DAGL": {"urn:altinn:accesspackage:skatt-naering", "urn:altinn:accesspackage:ansettelsesforhold"},
		"REGN": {"urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet", "urn:altinn:accesspackage:regnskapsforer-uten-signeringsrettighet", "urn:altinn:accesspackage:regnskapsforer-lonn"},
	}
	w.svc = New(w.policies, w.users, w.parties, roles, nil)
	return w
}
