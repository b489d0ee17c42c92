package portal

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// Test doubles of the services the portal reaches. They keep the rules
// the portal relies on (a request is answered once; AUTH-00013 after),
// so the portal's handling of them is what the tests check.

var requestStatusNotNew = problem.Descriptor{Code: "AUTH-00013", Status: 409, Title: "The request status is not new"}

type fakeRequests struct {
	mu        sync.Mutex
	reqs      map[uuid.UUID]*Request
	approvals []string // approverPID per successful approval
	rejects   []string
	su        *fakeSystemUsers
	// getErr, when set, is what Get answers (a database that went away).
	getErr error
}

func (f *fakeRequests) add(r Request) Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.ID == uuid.Nil {
		r.ID = uuid.New()
	}
	if r.Status == "" {
		r.Status = StatusNew
	}
	if r.Created.IsZero() {
		r.Created = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	}
	cp := r
	f.reqs[r.ID] = &cp
	return r
}

func (f *fakeRequests) Get(_ context.Context, id uuid.UUID) (Request, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.getErr != nil {
		return Request{}, f.getErr
	}
	r, ok := f.reqs[id]
	if !ok {
		return Request{}, problem.Descriptor{Code: "AUTH-00010", Status: 404, Title: "Request not found"}.New()
	}
	return *r, nil
}

func (f *fakeRequests) Approve(_ context.Context, id uuid.UUID, partyOrgNo, pid string) (SystemUser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.reqs[id]
	if !ok {
		return SystemUser{}, fmt.Errorf("request %s: %w", id, dberr.ErrNotFound)
	}
	if r.PartyOrgNo != partyOrgNo {
		return SystemUser{}, problem.Descriptor{Code: "AUTH-00041", Status: 403, Title: "party mismatch"}.New()
	}
	if r.Status != StatusNew || r.TimedOut {
		return SystemUser{}, requestStatusNotNew.New()
	}
	r.Status = StatusAccepted
	r.SystemUserID = r.ID
	f.approvals = append(f.approvals, pid)
	su := SystemUser{ID: r.ID, SystemID: r.SystemID, ReporteeOrgNo: r.PartyOrgNo, UserType: KindStandard,
		Rights: r.Rights, AccessPackages: r.AccessPackages, Created: time.Now()}
	if r.Kind == KindAgent {
		su.UserType = KindAgent
	}
	if f.su != nil {
		f.su.put(su)
	}
	return su, nil
}

func (f *fakeRequests) Reject(_ context.Context, id uuid.UUID, partyOrgNo, pid string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.reqs[id]
	if !ok {
		return fmt.Errorf("request %s: %w", id, dberr.ErrNotFound)
	}
	if r.Status != StatusNew || r.TimedOut {
		return requestStatusNotNew.New()
	}
	r.Status = StatusRejected
	f.rejects = append(f.rejects, pid)
	return nil
}

func (f *fakeRequests) Pending(_ context.Context, orgNo string) ([]Request, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Request
	for _, r := range f.reqs {
		if r.PartyOrgNo == orgNo && r.Status == StatusNew {
			out = append(out, *r)
		}
	}
	return out, nil
}

// RedirectAfter adds the id and status (the real one adds nothing), so the
// tests see that the portal follows RedirectAfter, not RedirectURL.
func (f *fakeRequests) RedirectAfter(r Request) string {
	if r.RedirectURL == "" {
		return ""
	}
	u, _ := url.Parse(r.RedirectURL)
	q := u.Query()
	q.Set("id", r.ID.String())
	q.Set("status", r.Status)
	u.RawQuery = q.Encode()
	return u.String()
}

type fakeSystemUsers struct {
	mu        sync.Mutex
	users     map[uuid.UUID]SystemUser
	clients   map[uuid.UUID][]ClientDelegation
	available map[uuid.UUID][]Client
	deletes   []string
	adds      []string
	removes   []string
}

func newFakeSystemUsers() *fakeSystemUsers {
	return &fakeSystemUsers{users: map[uuid.UUID]SystemUser{}, clients: map[uuid.UUID][]ClientDelegation{}, available: map[uuid.UUID][]Client{}}
}

func (f *fakeSystemUsers) put(su SystemUser) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[su.ID] = su
}

func (f *fakeSystemUsers) Get(_ context.Context, id uuid.UUID) (SystemUser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	su, ok := f.users[id]
	if !ok || su.IsDeleted {
		return SystemUser{}, fmt.Errorf("system user %s: %w", id, dberr.ErrNotFound)
	}
	return su, nil
}

func (f *fakeSystemUsers) ListForParty(_ context.Context, orgNo string) ([]SystemUser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []SystemUser
	for _, su := range f.users {
		if su.ReporteeOrgNo == orgNo && !su.IsDeleted {
			out = append(out, su)
		}
	}
	return out, nil
}

func (f *fakeSystemUsers) Delete(_ context.Context, id uuid.UUID, owner string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	su, ok := f.users[id]
	if !ok || su.IsDeleted {
		return fmt.Errorf("system user %s: %w", id, dberr.ErrNotFound)
	}
	if su.ReporteeOrgNo != owner {
		return problem.Descriptor{Code: "AUTH-00024", Status: 403, Title: "not owned"}.New()
	}
	if len(f.clients[id]) > 0 {
		return problem.Descriptor{Code: "AUTH-00035", Status: 400, Title: "The agent system user has client delegations; remove them first"}.New()
	}
	su.IsDeleted = true
	f.users[id] = su
	f.deletes = append(f.deletes, id.String()+"@"+owner)
	return nil
}

func (f *fakeSystemUsers) Clients(_ context.Context, id uuid.UUID) ([]ClientDelegation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ClientDelegation(nil), f.clients[id]...), nil
}

func (f *fakeSystemUsers) AvailableClients(_ context.Context, id uuid.UUID) ([]Client, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Client(nil), f.available[id]...), nil
}

func (f *fakeSystemUsers) AddClient(_ context.Context, id uuid.UUID, client, facilitator string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.available[id] {
		if c.OrgNo == client {
			f.clients[id] = append(f.clients[id], ClientDelegation{ClientOrgNo: c.OrgNo, ClientName: c.Name, AccessPackages: c.AccessPackages})
			f.adds = append(f.adds, client+"@"+facilitator)
			return nil
		}
	}
	return problem.Descriptor{Code: "AUTH-00079", Status: 400, Title: "Client not found"}.New()
}

func (f *fakeSystemUsers) RemoveClient(_ context.Context, id uuid.UUID, client, facilitator string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	cs := f.clients[id]
	for i, c := range cs {
		if c.ClientOrgNo == client {
			f.clients[id] = append(cs[:i:i], cs[i+1:]...)
			f.removes = append(f.removes, client+"@"+facilitator)
			return nil
		}
	}
	return problem.Descriptor{Code: "AUTH-00038", Status: 400, Title: "Delegation not found"}.New()
}

type fakeSystems map[string]RegisteredSystem

func (f fakeSystems) System(_ context.Context, id string) (RegisteredSystem, error) {
	s, ok := f[id]
	if !ok {
		return s, fmt.Errorf("system %s: %w", id, dberr.ErrNotFound)
	}
	return s, nil
}

type fakeCatalogue struct {
	resources map[string]Resource
	packages  map[string]AccessPackage
}

func (f fakeCatalogue) Resource(_ context.Context, id string) (Resource, error) {
	r, ok := f.resources[id]
	if !ok {
		return r, fmt.Errorf("resource %s: %w", id, dberr.ErrNotFound)
	}
	return r, nil
}

func (f fakeCatalogue) Package(_ context.Context, urn string) (AccessPackage, error) {
	p, ok := f.packages[urn]
	if !ok {
		return p, fmt.Errorf("package %s: %w", urn, dberr.ErrNotFound)
	}
	return p, nil
}

func (f fakeSystems) Visible(_ context.Context) ([]RegisteredSystem, error) {
	var out []RegisteredSystem
	for _, s := range f {
		if s.IsVisible {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f *fakeSystemUsers) CreateForParty(_ context.Context, systemID, owner, title, pid string) (SystemUser, error) {
	return SystemUser{}, errors.New("the fake does not create; creation is tested over the real services")
}
