package accesslists

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
)

// Page sizes of the registry: lists by owner in twenties, members and
// resource connections in hundreds.
const (
	listPageSize = 20
	bigPageSize  = 100
	// maxMembersPerWrite is how many members one PUT, POST or DELETE of
	// /members may name.
	maxMembersPerWrite = 100
)

// Register finds the parties members name (the party register).
type Register interface {
	// Party resolves a reference to an organisation; dberr.ErrNotFound
	// when the register has none.
	Party(ctx context.Context, ref PartyRef) (Party, error)
}

// Service is the access lists' rules over their tables.
type Service struct {
	pool   *pgxpool.Pool
	clock  clock.Clock
	reg    Register
	owners *Owners
	// bearer and tokens check the platform-internal operations' callers
	// (SetVerifiers).
	bearer auth.Verifier
	tokens AccessTokens
}

// New builds the service.
func New(pool *pgxpool.Pool, c clock.Clock, reg Register, owners *Owners) *Service {
	return &Service{pool: pool, clock: c, reg: reg, owners: owners}
}

// now is the emulator's clock, to the microsecond PostgreSQL keeps.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Problems of the registry (Altinn.ResourceRegistry.Core.Errors).
var (
	// ErrPartyNotFound is RR-00001: a member reference the register has no party for.
	ErrPartyNotFound = errors.New("one or more party references not found")
	// ErrResourceNotFound is RR-00002: a resource connection to a resource the registry does not have.
	ErrResourceNotFound = errors.New("one or more resource references not found")
	// ErrOtherOwnersResource is RR-00004: the caller does not own the resource it connects.
	ErrOtherOwnersResource = errors.New("the resource belongs to another service owner")
)

// Include says what GET of lists adds (?include=).
type Include struct {
	Connections bool // resources (or resource-actions)
	Actions     bool // resource-actions
	Members     bool // members: not implemented upstream (501)
}

// readTx runs fn in one read-only snapshot, so a page and the version it
// is checked against come from the same moment.
func (s *Service) readTx(ctx context.Context, fn func(q db.Querier) error) error {
	return db.InTxOpts(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// Lists is a page of owner's lists from identifier from on, and the
// identifier the next page starts at ("" on the last page). With
// inc.Connections, each list carries its connections to resource.
func (s *Service) Lists(ctx context.Context, owner, from string, inc Include, resource string) ([]List, string, error) {
	var (
		out  []List
		next string
	)
	err := s.readTx(ctx, func(q db.Querier) error {
		ls, err := listsByOwner(ctx, q, owner, from, listPageSize+1)
		if err != nil {
			return err
		}
		if len(ls) > listPageSize {
			next = ls[listPageSize].Identifier
			ls = ls[:listPageSize]
		}
		if inc.Connections && len(ls) > 0 {
			ids := make([]uuid.UUID, len(ls))
			for i, l := range ls {
				ids[i] = l.ID
			}
			cs, err := connectionsOf(ctx, q, ids, resource)
			if err != nil {
				return err
			}
			for i := range ls {
				ls[i].Connections = withActions(nonNilConns(cs[ls[i].ID]), inc.Actions)
			}
		}
		out = ls
		return nil
	})
	return out, next, err
}

func nonNilConns(cs []Connection) []Connection {
	if cs == nil {
		return []Connection{}
	}
	return cs
}

// withActions drops the actions unless they were asked for (include=resources
// gives connections without their action filters).
func withActions(cs []Connection, actions bool) []Connection {
	if actions {
		return cs
	}
	for i := range cs {
		cs[i].Actions = nil
	}
	return cs
}

// Get reads one list under the request's conditions.
func (s *Service) Get(ctx context.Context, owner, identifier string, inc Include, c Conditions) (List, Outcome, error) {
	var (
		l   List
		out Outcome
	)
	err := s.readTx(ctx, func(q db.Querier) error {
		var err error
		if l, err = getList(ctx, q, owner, identifier, false); err != nil {
			return err
		}
		if out = c.Check(l.Version, l.Modified); out != Succeeded {
			return nil
		}
		if inc.Connections {
			cs, err := connections(ctx, q, l.ID, "", 0)
			if err != nil {
				return err
			}
			l.Connections = withActions(nonNilConns(cs), inc.Actions)
		}
		return nil
	})
	return l, out, err
}

// Upsert creates the list or sets its name and description (no change,
// no new version). Conditions that refuse a new list (If-Match) turn a
// missing list into Failed.
func (s *Service) Upsert(ctx context.Context, owner, identifier, name, description string, c Conditions) (List, Outcome, error) {
	var (
		l   List
		out Outcome
	)
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		out = Succeeded
		now := s.now()
		if c.AllowsCreate() {
			created, err := insertList(ctx, q, List{ID: uuid.New(), Owner: owner, Identifier: identifier, Name: name, Description: description, Created: now})
			if err != nil {
				return err
			}
			if created {
				var err error
				l, err = getList(ctx, q, owner, identifier, false)
				if err != nil {
					return err
				}
				return db.Invalidate(ctx, q, Payload)
			}
		}
		var err error
		l, err = getList(ctx, q, owner, identifier, true)
		if isNotFound(err) {
			out = Failed
			return nil
		}
		if err != nil {
			return err
		}
		if out = c.Check(l.Version, l.Modified); out != Succeeded {
			out = Failed // Unmodified cannot happen on a write
			return nil
		}
		if l.Name == name && l.Description == description {
			return nil
		}
		if err := updateList(ctx, q, l.ID, name, description); err != nil {
			return err
		}
		if err := touch(ctx, q, l.ID, now); err != nil {
			return err
		}
		l, err = getList(ctx, q, owner, identifier, false)
		return err
	})
	return l, out, err
}

// Delete removes a list (with its members and connections); the list as
// it was is returned. A missing list is dberr.ErrNotFound.
func (s *Service) Delete(ctx context.Context, owner, identifier string, c Conditions) (List, Outcome, error) {
	var (
		l   List
		out Outcome
	)
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		var err error
		if l, err = getList(ctx, q, owner, identifier, true); err != nil {
			return err
		}
		if out = c.Check(l.Version, l.Modified); out != Succeeded {
			out = Failed
			return nil
		}
		return deleteList(ctx, q, l.ID)
	})
	return l, out, err
}

// MemberPage is one page of a list's members, with the list's version.
type MemberPage struct {
	Items    []Member
	Next     *uuid.UUID // the first member of the next page
	Version  int64
	Modified time.Time
}

// Members reads a page of members from party uuid from on.
func (s *Service) Members(ctx context.Context, owner, identifier string, from uuid.UUID, c Conditions) (MemberPage, Outcome, error) {
	var (
		p   MemberPage
		out Outcome
	)
	err := s.readTx(ctx, func(q db.Querier) error {
		l, err := getList(ctx, q, owner, identifier, false)
		if err != nil {
			return err
		}
		p.Version, p.Modified = l.Version, l.Modified
		if out = c.Check(l.Version, l.Modified); out != Succeeded {
			return nil
		}
		p, err = memberPage(ctx, q, l, from)
		return err
	})
	return p, out, err
}

func memberPage(ctx context.Context, q db.Querier, l List, from uuid.UUID) (MemberPage, error) {
	ms, err := members(ctx, q, l.ID, from, bigPageSize+1)
	if err != nil {
		return MemberPage{}, err
	}
	p := MemberPage{Items: ms, Version: l.Version, Modified: l.Modified}
	if len(ms) > bigPageSize {
		next := ms[bigPageSize].UUID
		p.Next, p.Items = &next, ms[:bigPageSize]
	}
	return p, nil
}

// memberOp is how a write changes the member set.
type memberOp int

const (
	opReplace memberOp = iota
	opAdd
	opRemove
)

// ReplaceMembers makes the list's members exactly refs.
func (s *Service) ReplaceMembers(ctx context.Context, owner, identifier string, refs []PartyRef, c Conditions) (MemberPage, Outcome, error) {
	return s.changeMembers(ctx, owner, identifier, refs, c, opReplace)
}

// AddMembers adds refs; members already there stay as they are.
func (s *Service) AddMembers(ctx context.Context, owner, identifier string, refs []PartyRef, c Conditions) (MemberPage, Outcome, error) {
	return s.changeMembers(ctx, owner, identifier, refs, c, opAdd)
}

// RemoveMembers removes refs that are members.
func (s *Service) RemoveMembers(ctx context.Context, owner, identifier string, refs []PartyRef, c Conditions) (MemberPage, Outcome, error) {
	return s.changeMembers(ctx, owner, identifier, refs, c, opRemove)
}

// changeMembers is the three member writes: the list must exist (else
// dberr.ErrNotFound), the conditions hold, every reference resolve to a
// party (else ErrPartyNotFound, nothing written); a write that changes
// nothing keeps the version. The answer is the first page after the write.
func (s *Service) changeMembers(ctx context.Context, owner, identifier string, refs []PartyRef, c Conditions, op memberOp) (MemberPage, Outcome, error) {
	var (
		p   MemberPage
		out Outcome
	)
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		l, err := getList(ctx, q, owner, identifier, true)
		if err != nil {
			return err
		}
		if out = c.Check(l.Version, l.Modified); out != Succeeded {
			out = Failed
			return nil
		}
		want := make([]Party, 0, len(refs))
		seen := map[uuid.UUID]bool{}
		for _, ref := range refs {
			pt, err := s.reg.Party(ctx, ref)
			if isNotFound(err) {
				return fmt.Errorf("%w: %s", ErrPartyNotFound, ref)
			}
			if err != nil {
				return err
			}
			if !seen[pt.UUID] {
				seen[pt.UUID] = true
				want = append(want, pt)
			}
		}
		have, err := memberSet(ctx, q, l.ID)
		if err != nil {
			return err
		}
		var add []Party
		var remove []uuid.UUID
		switch op {
		case opReplace:
			for _, pt := range want {
				if !have[pt.UUID] {
					add = append(add, pt)
				}
			}
			for id := range have {
				if !seen[id] {
					remove = append(remove, id)
				}
			}
		case opAdd:
			for _, pt := range want {
				if !have[pt.UUID] {
					add = append(add, pt)
				}
			}
		case opRemove:
			for _, pt := range want {
				if have[pt.UUID] {
					remove = append(remove, pt.UUID)
				}
			}
		}
		if len(add)+len(remove) > 0 {
			now := s.now()
			if err := removeMembers(ctx, q, l.ID, remove); err != nil {
				return err
			}
			if err := addMembers(ctx, q, l.ID, add, now); err != nil {
				return err
			}
			if err := touch(ctx, q, l.ID, now); err != nil {
				return err
			}
			if l, err = getList(ctx, q, owner, identifier, false); err != nil {
				return err
			}
		}
		p, err = memberPage(ctx, q, l, uuid.Nil)
		return err
	})
	return p, out, err
}

// ConnectionPage is one page of a list's resource connections.
type ConnectionPage struct {
	Items    []Connection
	Next     string // the first resource of the next page ("" on the last)
	Version  int64
	Modified time.Time
}

// Connections reads a page of resource connections from resource from on.
func (s *Service) Connections(ctx context.Context, owner, identifier, from string, c Conditions) (ConnectionPage, Outcome, error) {
	var (
		p   ConnectionPage
		out Outcome
	)
	err := s.readTx(ctx, func(q db.Querier) error {
		l, err := getList(ctx, q, owner, identifier, false)
		if err != nil {
			return err
		}
		p.Version, p.Modified = l.Version, l.Modified
		if out = c.Check(l.Version, l.Modified); out != Succeeded {
			return nil
		}
		cs, err := connections(ctx, q, l.ID, from, bigPageSize+1)
		if err != nil {
			return err
		}
		if len(cs) > bigPageSize {
			p.Next, cs = cs[bigPageSize].ResourceID, cs[:bigPageSize]
		}
		p.Items = cs
		return nil
	})
	return p, out, err
}

// UpsertConnection connects resource to the list with actions (none: all
// actions), or sets the actions of the connection there is. The list as
// it is afterwards comes with it (its version is the answer's ETag).
func (s *Service) UpsertConnection(ctx context.Context, owner, identifier, resource string, actions []string, c Conditions) (Connection, List, Outcome, error) {
	var (
		conn Connection
		l    List
		out  Outcome
	)
	actions = normActions(actions)
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		var err error
		if l, err = getList(ctx, q, owner, identifier, true); err != nil {
			return err
		}
		if out = c.Check(l.Version, l.Modified); out != Succeeded {
			out = Failed
			return nil
		}
		now := s.now()
		cur, err := getConnection(ctx, q, l.ID, resource)
		switch {
		case isNotFound(err):
			conn = Connection{ResourceID: resource, Actions: actions, Created: now, Modified: now}
			if err := insertConnection(ctx, q, l.ID, conn); err != nil {
				return err
			}
		case err != nil:
			return err
		case slices.Equal(normActions(cur.Actions), actions):
			conn = cur
			return nil
		default:
			conn = Connection{ResourceID: resource, Actions: actions, Created: cur.Created, Modified: now}
			if err := updateConnection(ctx, q, l.ID, conn); err != nil {
				return err
			}
		}
		if err := touch(ctx, q, l.ID, now); err != nil {
			return err
		}
		l, err = getList(ctx, q, owner, identifier, false)
		return err
	})
	return conn, l, out, err
}

// DeleteConnection removes the list's connection to resource. A missing
// list is dberr.ErrNotFound; a missing connection is existed false.
func (s *Service) DeleteConnection(ctx context.Context, owner, identifier, resource string, c Conditions) (conn Connection, l List, out Outcome, existed bool, err error) {
	err = db.InTx(ctx, s.pool, func(q db.Querier) error {
		var err error
		if l, err = getList(ctx, q, owner, identifier, true); err != nil {
			return err
		}
		if out = c.Check(l.Version, l.Modified); out != Succeeded {
			out = Failed
			return nil
		}
		conn, err = getConnection(ctx, q, l.ID, resource)
		if isNotFound(err) {
			existed = false
			return nil
		}
		if err != nil {
			return err
		}
		existed = true
		if err := deleteConnection(ctx, q, l.ID, resource); err != nil {
			return err
		}
		if err := touch(ctx, q, l.ID, s.now()); err != nil {
			return err
		}
		l, err = getList(ctx, q, owner, identifier, false)
		return err
	})
	return conn, l, out, existed, err
}

// normActions is a set of actions in a stable order (upstream keeps a
// set; the order it writes is the hash set's, so any order is right).
func normActions(as []string) []string {
	if len(as) == 0 {
		return nil
	}
	out := slices.Clone(as)
	sort.Strings(out)
	return slices.Compact(out)
}

// Memberships are the party's memberships of lists connected to resource
// (every resource when empty). A party uuid is taken as it is (the
// registry does not look it up); the other references must resolve, else
// ErrPartyNotFound.
func (s *Service) Memberships(ctx context.Context, party PartyRef, resource string) ([]Membership, error) {
	id := party.UUID
	if id == uuid.Nil {
		if party.ID == 0 && party.OrgNo == "" {
			// The nil uuid: upstream's "could not resolve" marker.
			return nil, fmt.Errorf("%w: %s", ErrPartyNotFound, party)
		}
		p, err := s.reg.Party(ctx, party)
		if isNotFound(err) {
			return nil, fmt.Errorf("%w: %s", ErrPartyNotFound, party)
		}
		if err != nil {
			return nil, err
		}
		id = p.UUID
	}
	return memberships(ctx, s.pool, id, resource)
}

// ByMember are the lists a party (by uuid) is on.
func (s *Service) ByMember(ctx context.Context, party uuid.UUID) ([]List, error) {
	return listsByMember(ctx, s.pool, party)
}

// Decision is the access-list answer for one party, resource and action:
// Authorized says whether a list admits it, and List names the list that
// did (or, when none did, the first list the party is on for the
// resource, whose action filter left the action out).
type Decision struct {
	Authorized bool
	List       string // urn:altinn:access-list:<owner>:<identifier>, "" when the party is on no list
	Actions    []string
}

// Allows decides as Authorization's AccessListAuthorization: authorized
// when one of the party's memberships for the resource has no action
// filter or names the action.
func (s *Service) Allows(ctx context.Context, party uuid.UUID, resource, action string) (Decision, error) {
	ms, err := memberships(ctx, s.pool, party, resource)
	if err != nil {
		return Decision{}, err
	}
	return decide(ms, action), nil
}

// decide is the rule, on the memberships read.
func decide(ms []Membership, action string) Decision {
	var d Decision
	for _, m := range ms {
		if m.Allows(action) {
			return Decision{Authorized: true, List: ListURN(m.ListOwner, m.ListIdentifier), Actions: m.Actions}
		}
		if d.List == "" {
			d = Decision{List: ListURN(m.ListOwner, m.ListIdentifier), Actions: m.Actions}
		}
	}
	return d
}
