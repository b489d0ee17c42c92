package systemusers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// PersonAgent is a person a facilitator made its agent through Access
// Management (the agent role assigned from the facilitator to the person).
type PersonAgent struct {
	ID               uuid.UUID // the assignment's id
	FacilitatorOrgNo string
	PID              string
	Created          time.Time
}

// personLastName is the last name the emulator's one-string name gives
// (its last word), as Register's person record splits it.
func personLastName(name string) string {
	words := strings.Fields(name)
	if len(words) < 2 {
		return ""
	}
	return words[len(words)-1]
}

// lastNameMatches is Access Management's last-name check of a person
// lookup (parties.LastNamesSimilar, its IsSimilarTo); a person without a
// last name never matches.
func lastNameMatches(registered, given string) bool {
	if strings.TrimSpace(registered) == "" {
		return false
	}
	return parties.LastNamesSimilar(registered, given)
}

// lookupGuard counts a caller's failed person lookups as Access
// Management's UserProfileLookupService does (appsettings
// UserProfileLookupSettings: MaximumFailedAttempts 2, cache lifetime
// 3600 s): with two failures in the hour, the next lookup is refused.
type lookupGuard struct {
	mu     sync.Mutex
	failed map[string]lookupFailures
}

type lookupFailures struct {
	n       int
	expires time.Time
}

const (
	maxFailedLookups    = 2
	failedLookupsWindow = time.Hour
)

// blocked reports whether key has used up its failed lookups.
func (g *lookupGuard) blocked(key string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	f, ok := g.failed[key]
	return ok && now.Before(f.expires) && f.n >= maxFailedLookups
}

// fail counts one failed lookup; as in the platform's memory cache, each
// failure sets the count's expiry an hour on.
func (g *lookupGuard) fail(key string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failed == nil {
		g.failed = map[string]lookupFailures{}
	}
	f := g.failed[key]
	if !now.Before(f.expires) {
		f.n = 0
	}
	g.failed[key] = lookupFailures{n: f.n + 1, expires: now.Add(failedLookupsWindow)}
}

// reset forgets every count (a /sim reset).
func (g *lookupGuard) reset() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.failed = nil
}

const paCols = `id, facilitator_org_no, agent_pid, created`

func scanPA(row pgx.Row) (PersonAgent, error) {
	var a PersonAgent
	err := row.Scan(&a.ID, &a.FacilitatorOrgNo, &a.PID, &a.Created)
	a.Created = a.Created.UTC()
	return a, db.Map(err)
}

// insertPersonAgent makes pid the facilitator's agent, or answers the
// assignment it already has.
func insertPersonAgent(ctx context.Context, q db.Querier, a PersonAgent) (PersonAgent, error) {
	out, err := scanPA(q.QueryRow(ctx, `INSERT INTO am_person_agents (`+paCols+`) VALUES ($1,$2,$3,$4)
		ON CONFLICT (facilitator_org_no, agent_pid) DO NOTHING RETURNING `+paCols, a.ID, a.FacilitatorOrgNo, a.PID, a.Created))
	if errors.Is(err, dberr.ErrNotFound) {
		return lockPersonAgent(ctx, q, a.FacilitatorOrgNo, a.PID)
	}
	if err != nil {
		return out, fmt.Errorf("add agent %s to %s: %w", a.PID, a.FacilitatorOrgNo, err)
	}
	return out, nil
}

// lockPersonAgent reads and locks the facilitator's assignment to the
// person, so a delegation and the agent's removal do not interleave.
func lockPersonAgent(ctx context.Context, q db.Querier, facilitatorOrgNo, pid string) (PersonAgent, error) {
	return scanPA(q.QueryRow(ctx, `SELECT `+paCols+` FROM am_person_agents WHERE facilitator_org_no = $1 AND agent_pid = $2 FOR UPDATE`, facilitatorOrgNo, pid))
}

// personAgent reads the facilitator's assignment to the person.
func personAgent(ctx context.Context, q db.Querier, facilitatorOrgNo, pid string) (PersonAgent, error) {
	return scanPA(q.QueryRow(ctx, `SELECT `+paCols+` FROM am_person_agents WHERE facilitator_org_no = $1 AND agent_pid = $2`, facilitatorOrgNo, pid))
}

// personAgentsOf lists the facilitator's person agents, oldest first.
func personAgentsOf(ctx context.Context, q db.Querier, facilitatorOrgNo string) ([]PersonAgent, error) {
	rows, err := q.Query(ctx, `SELECT `+paCols+` FROM am_person_agents WHERE facilitator_org_no = $1 ORDER BY created, agent_pid`, facilitatorOrgNo)
	if err != nil {
		return nil, fmt.Errorf("person agents of %s: %w", facilitatorOrgNo, db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PersonAgent, error) { return scanPA(r) })
	if err != nil {
		return nil, fmt.Errorf("person agents of %s: %w", facilitatorOrgNo, err)
	}
	return out, nil
}

// deletePersonAgent removes the assignment; its client delegations go
// with it (ON DELETE CASCADE).
func deletePersonAgent(ctx context.Context, q db.Querier, facilitatorOrgNo, pid string) error {
	if _, err := q.Exec(ctx, `DELETE FROM am_person_agents WHERE facilitator_org_no = $1 AND agent_pid = $2`, facilitatorOrgNo, pid); err != nil {
		return fmt.Errorf("remove agent %s from %s: %w", pid, facilitatorOrgNo, db.Map(err))
	}
	return nil
}

// agentDelegations is where one agent's client delegations are kept: the
// system-user table for an agent system user, the person-agent table for
// a person. The write rules (DelegatePackages, RemovePackages) are the
// same for both.
type agentDelegations interface {
	list(ctx context.Context, q db.Querier) ([]ClientDelegation, error)
	insert(ctx context.Context, q db.Querier, d ClientDelegation) (ClientDelegation, error)
	update(ctx context.Context, q db.Querier, id uuid.UUID, roles, packages []string) error
	remove(ctx context.Context, q db.Querier, clientOrgNo string) error
	// changed tells other instances' caches the delegations changed.
	changed(ctx context.Context, q db.Querier) error
}

// suDelegations are an agent system user's.
type suDelegations struct{ id uuid.UUID }

func (a suDelegations) list(ctx context.Context, q db.Querier) ([]ClientDelegation, error) {
	return listDelegations(ctx, q, a.id)
}

func (a suDelegations) insert(ctx context.Context, q db.Querier, d ClientDelegation) (ClientDelegation, error) {
	d.SystemUserID = a.id
	out, _, err := insertDelegation(ctx, q, d)
	return out, err
}

func (a suDelegations) update(ctx context.Context, q db.Querier, id uuid.UUID, roles, packages []string) error {
	return updateDelegation(ctx, q, id, roles, packages)
}

func (a suDelegations) remove(ctx context.Context, q db.Querier, clientOrgNo string) error {
	_, err := deleteDelegation(ctx, q, a.id, clientOrgNo)
	return err
}

func (a suDelegations) changed(ctx context.Context, q db.Querier) error {
	return db.Invalidate(ctx, q, "delegation:"+a.id.String())
}

// personDelegations are a person agent's, given by one facilitator. Their
// ClientDelegation.SystemUserID is the person's party uuid (the agent's id
// in Access Management).
type personDelegations struct {
	facilitatorOrgNo string
	person           parties.Person
}

const pdCols = `id, client_org_no, client_party_uuid, facilitator_org_no, roles, access_packages, created`

func (a personDelegations) scan(row pgx.Row) (ClientDelegation, error) {
	d := ClientDelegation{SystemUserID: a.person.PartyUUID}
	err := row.Scan(&d.ID, &d.ClientOrgNo, &d.ClientPartyUUID, &d.FacilitatorOrgNo, &d.Roles, &d.AccessPackages, &d.Created)
	d.Created = d.Created.UTC()
	return d, db.Map(err)
}

func (a personDelegations) list(ctx context.Context, q db.Querier) ([]ClientDelegation, error) {
	rows, err := q.Query(ctx, `SELECT `+pdCols+` FROM am_person_agent_delegations
		WHERE facilitator_org_no = $1 AND agent_pid = $2 ORDER BY created, client_org_no`, a.facilitatorOrgNo, a.person.PID)
	if err != nil {
		return nil, fmt.Errorf("client delegations of agent %s: %w", a.person.PID, db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ClientDelegation, error) { return a.scan(r) })
	if err != nil {
		return nil, fmt.Errorf("client delegations of agent %s: %w", a.person.PID, err)
	}
	return out, nil
}

func (a personDelegations) insert(ctx context.Context, q db.Querier, d ClientDelegation) (ClientDelegation, error) {
	out, err := a.scan(q.QueryRow(ctx, `INSERT INTO am_person_agent_delegations (agent_pid, `+pdCols+`)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING `+pdCols,
		a.person.PID, d.ID, d.ClientOrgNo, d.ClientPartyUUID, a.facilitatorOrgNo, d.Roles, d.AccessPackages, d.Created))
	if err != nil {
		return out, fmt.Errorf("delegate client %s to agent %s: %w", d.ClientOrgNo, a.person.PID, err)
	}
	return out, nil
}

func (a personDelegations) update(ctx context.Context, q db.Querier, id uuid.UUID, roles, packages []string) error {
	if _, err := q.Exec(ctx, `UPDATE am_person_agent_delegations SET roles = $2, access_packages = $3 WHERE id = $1`, id, roles, packages); err != nil {
		return fmt.Errorf("update client delegation: %w", db.Map(err))
	}
	return nil
}

func (a personDelegations) remove(ctx context.Context, q db.Querier, clientOrgNo string) error {
	if _, err := q.Exec(ctx, `DELETE FROM am_person_agent_delegations WHERE facilitator_org_no = $1 AND agent_pid = $2 AND client_org_no = $3`,
		a.facilitatorOrgNo, a.person.PID, clientOrgNo); err != nil {
		return fmt.Errorf("remove client delegation: %w", db.Map(err))
	}
	return nil
}

// changed drops the person's client delegations from the PDP's caches
// (internal/pdp reads them by national identity number).
func (a personDelegations) changed(ctx context.Context, q db.Querier) error {
	return notifyPersonAgent(ctx, q, a.person.PID)
}

// notifyPersonAgent tells every instance's PDP that the person's client
// delegations as an agent changed.
func notifyPersonAgent(ctx context.Context, q db.Querier, pid string) error {
	return db.Invalidate(ctx, q, PersonAgentPayload+pid)
}

// PersonAgentPayload, followed by a national identity number, is the
// notification sent when that person's client delegations as an agent
// change.
const PersonAgentPayload = "personagent:"

// delegationOf is the agent's delegation for the client, if any.
func delegationOf(ctx context.Context, q db.Querier, a agentDelegations, clientOrgNo string) (ClientDelegation, bool, error) {
	ds, err := a.list(ctx, q)
	if err != nil {
		return ClientDelegation{}, false, err
	}
	for _, d := range ds {
		if d.ClientOrgNo == clientOrgNo {
			return d, true, nil
		}
	}
	return ClientDelegation{}, false, nil
}

// PersonAgent reads the facilitator's agent assignment to the person
// (dberr.ErrNotFound when there is none).
func (s *Service) PersonAgent(ctx context.Context, facilitatorOrgNo, pid string) (PersonAgent, error) {
	return personAgent(ctx, s.pool, facilitatorOrgNo, pid)
}

// PersonAgentClients lists what the facilitator delegated to its person
// agent, one ClientDelegation per client (SystemUserID: the person's
// party uuid).
func (s *Service) PersonAgentClients(ctx context.Context, facilitatorOrgNo string, p parties.Person) ([]ClientDelegation, error) {
	return personDelegations{facilitatorOrgNo: facilitatorOrgNo, person: p}.list(ctx, s.pool)
}

// PersonAgentDelegations lists the client delegations the person holds as
// an agent, of every facilitator, oldest first (what the PDP adds to the
// person's access at each client). Their SystemUserID is unset.
func (s *Service) PersonAgentDelegations(ctx context.Context, pid string) ([]ClientDelegation, error) {
	var none personDelegations
	rows, err := s.pool.Query(ctx, `SELECT `+pdCols+` FROM am_person_agent_delegations
		WHERE agent_pid = $1 ORDER BY created, facilitator_org_no, client_org_no`, pid)
	if err != nil {
		return nil, fmt.Errorf("client delegations of agent %s: %w", pid, db.Map(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ClientDelegation, error) { return none.scan(r) })
	if err != nil {
		return nil, fmt.Errorf("client delegations of agent %s: %w", pid, err)
	}
	return out, nil
}
