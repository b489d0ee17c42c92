package accesslists

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/db"
)

// Wanted is a list as a seed file describes it: the whole truth for that
// list (members and connections not named are removed).
type Wanted struct {
	Owner       string // an org code the owner register knows
	Identifier  string
	Name        string
	Description string
	Members     []PartyRef
	Connections []Connection // ResourceID and Actions only
}

// Register is the party register the service resolves members in.
func (s *Service) Register() Register { return s.reg }

// Owners is the service's owner register (seeding checks owners with it).
func (s *Service) Owners() *Owners { return s.owners }

// Sync makes the list what w says, in one transaction, and reports
// whether it was created or changed. Like the API, it changes the
// version only when something changed; unknown parties are
// ErrPartyNotFound and nothing is written.
func (s *Service) Sync(ctx context.Context, w Wanted) (created, changed bool, err error) {
	owner, ok, err := s.owners.Canonical(ctx, w.Owner)
	if err != nil {
		return false, false, err
	}
	if !ok {
		return false, false, fmt.Errorf("access list %s/%s: %q is not a service owner's org code", w.Owner, w.Identifier, w.Owner)
	}
	var want []Party
	seen := map[uuid.UUID]bool{}
	for _, ref := range w.Members {
		p, err := s.reg.Party(ctx, ref)
		if isNotFound(err) {
			return false, false, fmt.Errorf("%w: %s", ErrPartyNotFound, ref)
		}
		if err != nil {
			return false, false, err
		}
		if !seen[p.UUID] {
			seen[p.UUID] = true
			want = append(want, p)
		}
	}
	err = db.InTx(ctx, s.pool, func(q db.Querier) error {
		created, changed = false, false
		now := s.now()
		made, err := insertList(ctx, q, List{ID: uuid.New(), Owner: owner, Identifier: w.Identifier, Name: w.Name, Description: w.Description, Created: now})
		if err != nil {
			return err
		}
		created = made
		l, err := getList(ctx, q, owner, w.Identifier, true)
		if err != nil {
			return err
		}
		if l.Name != w.Name || l.Description != w.Description {
			if err := updateList(ctx, q, l.ID, w.Name, w.Description); err != nil {
				return err
			}
			changed = true
		}
		have, err := memberSet(ctx, q, l.ID)
		if err != nil {
			return err
		}
		var add []Party
		var remove []uuid.UUID
		for _, p := range want {
			if !have[p.UUID] {
				add = append(add, p)
			}
		}
		for id := range have {
			if !seen[id] {
				remove = append(remove, id)
			}
		}
		if len(add)+len(remove) > 0 {
			if err := removeMembers(ctx, q, l.ID, remove); err != nil {
				return err
			}
			if err := addMembers(ctx, q, l.ID, add, now); err != nil {
				return err
			}
			changed = true
		}
		cur, err := connections(ctx, q, l.ID, "", 0)
		if err != nil {
			return err
		}
		byID := map[string]Connection{}
		for _, c := range cur {
			byID[c.ResourceID] = c
		}
		wanted := map[string]bool{}
		for _, c := range w.Connections {
			wanted[c.ResourceID] = true
			acts := normActions(c.Actions)
			old, ok := byID[c.ResourceID]
			switch {
			case !ok:
				err = insertConnection(ctx, q, l.ID, Connection{ResourceID: c.ResourceID, Actions: acts, Created: now})
			case !slices.Equal(normActions(old.Actions), acts):
				err = updateConnection(ctx, q, l.ID, Connection{ResourceID: c.ResourceID, Actions: acts, Modified: now})
			default:
				continue
			}
			if err != nil {
				return err
			}
			changed = true
		}
		for _, c := range cur {
			if !wanted[c.ResourceID] {
				if err := deleteConnection(ctx, q, l.ID, c.ResourceID); err != nil {
					return err
				}
				changed = true
			}
		}
		if created || changed {
			return touch(ctx, q, l.ID, now)
		}
		return nil
	})
	return created, changed && !created, err
}
