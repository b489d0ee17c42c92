package systemusers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/amdto"
	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
)

// Access Management's problems (Altinn.AccessManagement.Core.Errors
// Problems, prefix AM) and validation errors met by the agent writes.
var (
	AMUnsupportedEntityType  = problem.Descriptor{Code: "AM-00017", Status: http.StatusBadRequest, Title: "The Entitytype is not supported"}
	AMPersonLookupTooMany    = problem.Descriptor{Code: "AM-00026", Status: http.StatusTooManyRequests, Title: "There has been too many failed lookups"}
	AMVldEntityNotExists     = problem.ValidationDescriptor{Code: "AM.VLD-00006", Title: "Entity do not exists."}
	AMVldInvalidExternalIDs  = problem.ValidationDescriptor{Code: "AM.VLD-00034", Title: "Given external identifiers yielded empty result."}
	AMVldDelegationHasActive = problem.ValidationDescriptor{Code: "AM.VLD-00031", Title: "The delegation has one or more active access packages associated with it. Set cascade to true to remove the delegation and its active access packages."}
	// stdVldRequired is the Altinn library's StdValidationErrors.Required.
	stdVldRequired = problem.ValidationDescriptor{Code: "STD.VLD-00000", Title: "The field is required."}
)

// amAgentRoleAccess is one item of AgentDto.access: a role and what came
// with it (the emulator has no resource delegations: resources is []).
type amAgentRoleAccess struct {
	Role      amdto.CompactRole  `json:"role"`
	Packages  []amCompactPackage `json:"packages"`
	Resources []any              `json:"resources"`
}

// amAgent is Access Management's AgentDto.
type amAgent struct {
	Agent        amdto.CompactEntity `json:"agent"`
	AgentAddedAt time.Time           `json:"agentAddedAt"`
	Access       []amAgentRoleAccess `json:"access"`
}

// amAssignment is Access Management's AssignmentDto: the agent role from
// the facilitator to the agent.
type amAssignment struct {
	ID     uuid.UUID `json:"id"`
	RoleID uuid.UUID `json:"roleId"`
	FromID uuid.UUID `json:"fromId"`
	ToID   uuid.UUID `json:"toId"`
}

// PersonInput is Access Management's body naming a person: the national
// identity number and the last name, which must match.
type PersonInput struct {
	PersonIdentifier string `json:"personIdentifier"`
	LastName         string `json:"lastName"`
}

// vldWith is a validation error at paths with the platform's message as
// an extension member.
func vldWith(d problem.ValidationDescriptor, key, msg string, paths ...string) problem.ValidationError {
	e := d.At(paths...)
	e.Extensions = map[string]any{key: msg}
	return e
}

// checkPersonInput is LookupProfile's first check: each blank field is
// STD.VLD-00000 at its path.
func checkPersonInput(p PersonInput) error {
	var errs []problem.ValidationError
	if isBlank(p.PersonIdentifier) {
		errs = append(errs, vldWith(stdVldRequired, "personIdentifier", "personIdentifier is null or empty.", "/PersonIdentifier"))
	}
	if isBlank(p.LastName) {
		errs = append(errs, vldWith(stdVldRequired, "lastName", "lastname is either null or empty.", "/LastName"))
	}
	if len(errs) > 0 {
		return problem.Validation(errs...)
	}
	return nil
}

func isBlank(s string) bool { return len(bytes.TrimSpace([]byte(s))) == 0 }

// agentAssignmentID is the id of the implicit agent assignment an agent
// system user has from its owner (the emulator keeps none): stable, so
// repeated POSTs answer the same AssignmentDto.
func agentAssignmentID(from, to uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(amAgentRole.ID, append(from[:], to[:]...))
}

// AddPersonAgent is Access Management's AddAgent for a person found by
// identifier and last name: the facilitator assigns them the agent role.
// Adding an agent twice answers the assignment made the first time.
func (s *Service) AddPersonAgent(ctx context.Context, facilitatorOrgNo string, p parties.Person) (PersonAgent, error) {
	var out PersonAgent
	err := db.InTx(ctx, s.pool, func(q db.Querier) error {
		var err error
		out, err = insertPersonAgent(ctx, q, PersonAgent{ID: uuid.New(), FacilitatorOrgNo: facilitatorOrgNo, PID: p.PID, Created: s.clock.Now().UTC()})
		return err
	})
	return out, err
}

// RemoveAgent is Access Management's RemoveAgent for a person agent: the
// assignment and, with cascade, the client delegations it carries go in
// one transaction. Without cascade, an agent holding delegations is
// refused with one AM.VLD-00031 per client. An agent never added is no
// error.
func (s *Service) RemoveAgent(ctx context.Context, facilitatorOrgNo string, p parties.Person, cascade bool) error {
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		a, err := lockPersonAgent(ctx, q, facilitatorOrgNo, p.PID)
		if errors.Is(err, dberr.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		ds, err := personDelegations{facilitatorOrgNo: facilitatorOrgNo, person: p}.list(ctx, q)
		if err != nil {
			return err
		}
		if !cascade && len(ds) > 0 {
			errs := make([]problem.ValidationError, 0, len(ds))
			for _, d := range ds {
				ids, err := s.packageIDs(ctx, d.AccessPackages)
				if err != nil {
					return err
				}
				// Upstream's path is "$QUERY/cascade" (ClientDelegationService.RemoveAgent),
				// its list the delegation's package ids.
				e := AMVldDelegationHasActive.At("$QUERY/cascade")
				e.Extensions = map[string]any{d.ID.String(): fmt.Sprintf("Cannot remove delegation '%s' because party '%s' still has active delegated packages <%s> from party '%s'.",
					d.ID, p.PartyUUID, strings.Join(ids, ", "), d.ClientPartyUUID)}
				errs = append(errs, e)
			}
			return problem.Validation(errs...)
		}
		if err := deletePersonAgent(ctx, q, a.FacilitatorOrgNo, a.PID); err != nil {
			return err
		}
		return notifyPersonAgent(ctx, q, a.PID)
	})
}

// packageIDs are the catalogue's ids of package URNs (a URN the
// catalogue no longer has stays as it is).
func (s *Service) packageIDs(ctx context.Context, urns []string) ([]string, error) {
	out := make([]string, 0, len(urns))
	for _, u := range urns {
		pk, err := s.packages.Package(ctx, u)
		switch {
		case err == nil:
			out = append(out, pk.ID.String())
		case errors.Is(err, dberr.ErrNotFound):
			out = append(out, u)
		default:
			return nil, err
		}
	}
	return out, nil
}

// readPersonInput reads AddAgent's optional body: none (or JSON null) is
// no person.
func readPersonInput(w http.ResponseWriter, r *http.Request) (*PersonInput, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, problem.MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, problem.TooLarge.WithDetail("the body exceeds %d bytes", mbe.Limit)
		}
		return nil, err
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || string(t) == "null" {
		return nil, nil
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	var in PersonInput
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return nil, p
	}
	return &in, nil
}

// handleAMAddAgent is Access Management's POST
// …/enduser/clientdelegations/agents?party=[&to=] with an optional
// PersonInput body, as its InputValidation.SanitizeToInput reads them: a
// `to` decides (the body is then not looked at); else the body names a
// person by national identity number and last name; neither is
// STD.VLD-00000 at all three. 200 with the AssignmentDto.
func (s *Service) handleAMAddAgent(w http.ResponseWriter, r *http.Request) error {
	orgNo, err := s.amParty(r)
	if err != nil {
		return err
	}
	fac, err := s.parties.Org(r.Context(), orgNo)
	if err != nil {
		return err
	}
	var to uuid.UUID
	if raw := r.URL.Query().Get("to"); raw != "" {
		if to, err = uuid.Parse(raw); err != nil {
			return modelStateError("to", notValid(raw))
		}
	}
	person, err := readPersonInput(w, r)
	if err != nil {
		return err
	}
	if to != uuid.Nil {
		return s.addAgentByID(w, r, fac, to)
	}
	if person == nil {
		return problem.Validation(vldWith(stdVldRequired, "params",
			"Invalid combination of params. Either 'QUERY/to' must be set or '/PersonIdentifier' and '/LastName'.",
			"QUERY/to", "/PersonIdentifier", "/LastName"))
	}
	if err := checkPersonInput(*person); err != nil {
		return err
	}
	key := callerKey(r)
	now := s.clock.Now()
	if s.lookups.blocked(key, now) {
		return AMPersonLookupTooMany.New()
	}
	// An identifier of 11 digits is a national identity number; anything
	// else is looked up as a username, which no emulated person has.
	var p parties.Person
	err = dberr.ErrNotFound
	if id := person.PersonIdentifier; len(id) == 11 && allDigits(id) {
		p, err = s.parties.Person(r.Context(), id)
	}
	if errors.Is(err, dberr.ErrNotFound) || (err == nil && !lastNameMatches(personLastName(p.Name), person.LastName)) {
		s.lookups.fail(key, now)
		return problem.Validation(vldWith(AMVldInvalidExternalIDs, "personInput", "PersonInput details must match", "/PersonIdentifier", "/LastName"))
	}
	if err != nil {
		return err
	}
	return s.addPersonAgent(w, r, fac, p)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (s *Service) addPersonAgent(w http.ResponseWriter, r *http.Request, fac parties.Organization, p parties.Person) error {
	a, err := s.AddPersonAgent(r.Context(), fac.OrgNo, p)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, amAssignment{ID: a.ID, RoleID: amAgentRole.ID, FromID: fac.PartyUUID, ToID: p.PartyUUID})
	return nil
}

// addAgentByID is AddAgent with `to`: the party's own agent system user
// is its agent already (the platform assigns the role when the system
// user is made); a person is taken when they have a connection to the
// party (its agent already, or holding an ER role there), else, as for a
// party not found, AM.VLD-00006 at QUERY/to. Other parties
// (organisations, other system users) are not taken as agents here.
func (s *Service) addAgentByID(w http.ResponseWriter, r *http.Request, fac parties.Organization, to uuid.UUID) error {
	notExists := problem.Validation(vldWith(AMVldEntityNotExists, "to", fmt.Sprintf("Cannot find any parties with uuid '%s'.", to), "QUERY/to"))
	su, err := s.Get(r.Context(), to)
	switch {
	case err == nil && su.UserType == TypeAgent && su.ReporteeOrgNo == fac.OrgNo:
		respond.JSON(w, http.StatusOK, amAssignment{ID: agentAssignmentID(fac.PartyUUID, su.ID), RoleID: amAgentRole.ID, FromID: fac.PartyUUID, ToID: su.ID})
		return nil
	case err == nil:
		return AMUnsupportedEntityType.WithDetail("only the party's own agent system users, and persons, can be its agents in the emulator")
	case !errors.Is(err, dberr.ErrNotFound):
		return err
	}
	if p, err := s.parties.PersonByPartyUUID(r.Context(), to); err == nil {
		ok, err := s.personConnected(r.Context(), fac.OrgNo, p.PID)
		if err != nil {
			return err
		}
		if !ok {
			return notExists
		}
		return s.addPersonAgent(w, r, fac, p)
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return err
	}
	if _, err := s.parties.OrgByParty(r.Context(), to.String()); err == nil {
		return AMUnsupportedEntityType.WithDetail("organisations cannot be made agents in the emulator")
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return err
	}
	return notExists
}

// personConnected is the emulator's part of the platform's connection
// query from the party to the person: the person is its agent already or
// holds an ER role on it.
func (s *Service) personConnected(ctx context.Context, orgNo, pid string) (bool, error) {
	if _, err := personAgent(ctx, s.pool, orgNo, pid); err == nil {
		return true, nil
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return false, err
	}
	roles, err := s.parties.RolesOfPerson(ctx, pid)
	if err != nil {
		return false, fmt.Errorf("roles of %s: %w", pid, err)
	}
	for _, ro := range roles {
		if ro.OrgNo == orgNo {
			return true, nil
		}
	}
	return false, nil
}

// callerKey identifies the caller for the lookup cooldown (the platform
// keys it on the authenticated user id).
func callerKey(r *http.Request) string {
	c, _ := auth.CallerFrom(r.Context())
	if c.PID != "" {
		return "pid:" + c.PID
	}
	return "org:" + c.ConsumerOrgNo
}

// handleAMRemoveAgent is Access Management's DELETE
// …/enduser/clientdelegations/agents?party=&to=[&cascade=true]: the party
// removes a person agent, 204. An agent with client delegations needs
// cascade=true (else 400 AM.VLD-00031 per client), which removes them in
// the same transaction. Agent system users stay agents (they are removed
// with the system user).
func (s *Service) handleAMRemoveAgent(w http.ResponseWriter, r *http.Request) error {
	orgNo, err := s.amParty(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	bad := map[string][]string{}
	to, terr := uuid.Parse(q.Get("to"))
	if terr != nil || to == uuid.Nil {
		bad["to"] = []string{"The to field is required and must be a party uuid."}
	}
	cascade := false
	if raw := q.Get("cascade"); raw != "" {
		if cascade, err = strconv.ParseBool(raw); err != nil {
			bad["cascade"] = []string{notValid(raw)}
		}
	}
	if len(bad) > 0 {
		return modelState(bad)
	}
	if su, err := s.Get(r.Context(), to); err == nil {
		if su.UserType == TypeAgent && su.ReporteeOrgNo == orgNo {
			return AMUnsupportedEntityType.WithDetail("an agent system user stays its owner's agent until the system user is deleted")
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return err
	}
	p, err := s.parties.PersonByPartyUUID(r.Context(), to)
	if err == nil {
		err = s.RemoveAgent(r.Context(), orgNo, p, cascade)
	} else if errors.Is(err, dberr.ErrNotFound) {
		err = nil
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// suAgentEntity is an agent system user as Access Management's compact
// entity.
func suAgentEntity(su SystemUser) amdto.CompactEntity {
	return amdto.CompactEntity{ID: su.ID, Name: su.IntegrationTitle, Type: "Systembruker", Variant: "AgentSystem"}
}

// personEntity is a person as Access Management's compact entity (its
// Entity converted by DtoMapper: type and variant Person).
func personEntity(p parties.Person) amdto.CompactEntity {
	uid, pid := p.UserID, p.PID
	return amdto.CompactEntity{ID: p.PartyUUID, Name: p.Name, Type: "Person", Variant: "Person",
		PartyID: p.PartyID, UserID: &uid, PersonIdentifier: &pid}
}

// amAgentEntry is one of the facilitator's agents with its delegations.
type amAgentEntry struct {
	entity amdto.CompactEntity
	added  time.Time
	store  agentDelegations
}

// amAgentsOf lists the facilitator's agents: its agent system users, then
// the persons it made agents.
func (s *Service) amAgentsOf(ctx context.Context, orgNo string) ([]amAgentEntry, error) {
	list, err := s.ListForParty(ctx, orgNo)
	if err != nil {
		return nil, err
	}
	var out []amAgentEntry
	for _, su := range list {
		if su.UserType == TypeAgent {
			out = append(out, amAgentEntry{entity: suAgentEntity(su), added: su.Created.UTC(), store: suDelegations{id: su.ID}})
		}
	}
	pas, err := personAgentsOf(ctx, s.pool, orgNo)
	if err != nil {
		return nil, err
	}
	for _, a := range pas {
		p, err := s.parties.Person(ctx, a.PID)
		if err != nil {
			return nil, fmt.Errorf("agent %s: %w", a.PID, err)
		}
		out = append(out, amAgentEntry{entity: personEntity(p), added: a.Created, store: personDelegations{facilitatorOrgNo: orgNo, person: p}})
	}
	return out, nil
}

// handleAMAgents is Access Management's GET
// …/enduser/clientdelegations/agents?party=: the party's agents (its agent
// system users and the persons it made agents), each holding the agent
// role on the party.
func (s *Service) handleAMAgents(w http.ResponseWriter, r *http.Request) error {
	orgNo, err := s.amParty(r)
	if err != nil {
		return err
	}
	agents, err := s.amAgentsOf(r.Context(), orgNo)
	if err != nil {
		return err
	}
	page := Paginated[amAgent]{Data: []amAgent{}}
	for _, a := range agents {
		page.Data = append(page.Data, amAgent{Agent: a.entity, AgentAddedAt: a.added,
			Access: []amAgentRoleAccess{{Role: amAgentRole, Packages: []amCompactPackage{}, Resources: []any{}}}})
	}
	respond.JSON(w, http.StatusOK, page)
	return nil
}

// handleAMClientPackages is Access Management's GET
// …/enduser/clientdelegations/clients/accesspackages?party=&from=: what
// the party delegated from one client to each of its agents (AgentDto per
// agent holding any, access per client role). An unknown client, or one
// nothing was delegated from, has none.
func (s *Service) handleAMClientPackages(w http.ResponseWriter, r *http.Request) error {
	orgNo, err := s.amParty(r)
	if err != nil {
		return err
	}
	raw := r.URL.Query().Get("from")
	from, err := uuid.Parse(raw)
	if raw == "" || err != nil || from == uuid.Nil {
		return modelStateError("from", "The from field is required and must be a party uuid.")
	}
	page := Paginated[amAgent]{Data: []amAgent{}}
	client, err := s.parties.OrgByParty(r.Context(), from.String())
	if errors.Is(err, dberr.ErrNotFound) {
		respond.JSON(w, http.StatusOK, page)
		return nil
	}
	if err != nil {
		return err
	}
	agents, err := s.amAgentsOf(r.Context(), orgNo)
	if err != nil {
		return err
	}
	for _, a := range agents {
		d, ok, err := delegationOf(r.Context(), s.pool, a.store, client.OrgNo)
		if err != nil {
			return err
		}
		if !ok || d.FacilitatorOrgNo != orgNo {
			continue
		}
		access, err := s.delegationAccess(r, d)
		if err != nil {
			return err
		}
		out := amAgent{Agent: a.entity, AgentAddedAt: a.added, Access: []amAgentRoleAccess{}}
		for _, acc := range access {
			out.Access = append(out.Access, amAgentRoleAccess{Role: acc.Role, Packages: acc.Packages, Resources: []any{}})
		}
		page.Data = append(page.Data, out)
	}
	respond.JSON(w, http.StatusOK, page)
	return nil
}

// delegationAccess is a client delegation's packages per client role that
// gave them, in Access Management's names.
func (s *Service) delegationAccess(r *http.Request, d ClientDelegation) ([]amRoleAccess, error) {
	out := []amRoleAccess{}
	for _, role := range d.Roles {
		given := s.packages.PackagesForRole(role)
		var pk []string
		for _, p := range d.AccessPackages {
			if slices.Contains(given, p) {
				pk = append(pk, p)
			}
		}
		acc, err := s.amAccess(r, s.packages.RoleURN(role), pk)
		if err != nil {
			return nil, err
		}
		out = append(out, acc)
	}
	return out, nil
}
