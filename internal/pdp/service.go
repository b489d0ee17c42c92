package pdp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// PolicySource gives a resource's policy; dberr.ErrNotFound (wrapped) when the
// resource or its policy does not exist.
type PolicySource interface {
	Policy(ctx context.Context, resourceID string) (Policy, error)
}

// SystemUserSource gives a system user with its client delegations;
// dberr.ErrNotFound (wrapped) when there is none.
type SystemUserSource interface {
	SystemUser(ctx context.Context, id uuid.UUID) (SystemUser, error)
}

// RoleMapper maps an ER role code to the access-package URNs it carries
// (resources.Service.PackagesForRole).
type RoleMapper interface {
	PackagesForRole(roleCode string) []string
}

// Parties is what the PDP asks the party register (*parties.Service).
type Parties interface {
	Org(ctx context.Context, orgNo string) (parties.Organization, error)
	OrgByPartyID(ctx context.Context, partyID int64) (parties.Organization, error)
	OrgByPartyUUID(ctx context.Context, id uuid.UUID) (parties.Organization, error)
	Person(ctx context.Context, pid string) (parties.Person, error)
	PersonByUserID(ctx context.Context, userID int64) (parties.Person, error)
	PersonByPartyID(ctx context.Context, partyID int64) (parties.Person, error)
	PersonByPartyUUID(ctx context.Context, id uuid.UUID) (parties.Person, error)
	RolesOfPerson(ctx context.Context, pid string) ([]parties.Role, error)
	RolesHeldByOrg(ctx context.Context, orgNo string) ([]parties.Role, error)
}

// AccessListAnswer is the resource registry's answer for one party,
// resource and action: Authorized when a list of the resource admits the
// party for the action; List names the list that decided (the one that
// admitted, or the one the party is on whose action filter left the
// action out; "" when the party is on none), Actions its action filter.
type AccessListAnswer struct {
	Authorized bool
	List       string
	Actions    []string
}

// AccessLists asks the resource registry's access lists (internal/accesslists
// through app). Optional: without it, no party is on any list.
type AccessLists interface {
	AccessList(ctx context.Context, resourceID string, party uuid.UUID, action string) (AccessListAnswer, error)
}

// AgentDelegation is one client's access packages a facilitator delegated
// to a person it made its agent (Access Management's client delegation to
// a person agent: the delegation runs from the client's assignment to the
// facilitator, by a client role such as REGN, to the facilitator's agent
// assignment to the person).
type AgentDelegation struct {
	ID               uuid.UUID // the client delegation
	FacilitatorOrgNo string
	ClientOrgNo      string
	Packages         []string // URNs
}

// PersonAgents gives the client delegations a person holds as an agent,
// of every facilitator (internal/systemusers through app). Optional:
// without it, persons hold no client delegations.
type PersonAgents interface {
	AgentDelegations(ctx context.Context, pid string) ([]AgentDelegation, error)
}

// Service decides.
type Service struct {
	policies PolicySource
	users    SystemUserSource
	parties  Parties
	roles    RoleMapper
	log      *slog.Logger
	c        *pdpCache
	now      func() time.Time
	lists    AccessLists
	agents   PersonAgents
	rec      Recorder
}

// Option sets an optional collaborator of the Service at construction.
type Option func(*Service)

// WithAccessLists has the access-list gate ask l: a resource whose
// accessListMode is Enabled permits only parties a list of it admits.
func WithAccessLists(l AccessLists) Option { return func(s *Service) { s.lists = l } }

// WithPersonAgents has a person subject hold, at a client, the packages
// facilitators delegated to them for that client as their agent.
func WithPersonAgents(a PersonAgents) Option { return func(s *Service) { s.agents = a } }

// WithRecorder has every decision of /authorize and /decision reported to
// rec (the /sim/ call log).
func WithRecorder(rec Recorder) Option { return func(s *Service) { s.rec = rec } }

// New builds a Service. Its caches are only used while Listen keeps a
// LISTEN connection open (see cache.go); until then every decision reads
// through to the sources.
func New(policies PolicySource, users SystemUserSource, p Parties, roles RoleMapper, log *slog.Logger, opts ...Option) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{policies: policies, users: users, parties: p, roles: roles, log: log, now: time.Now}
	s.c = newCache(func() time.Time { return s.now() })
	for _, o := range opts {
		o(s)
	}
	return s
}

// SetClock makes the service use the app's clock (call before serving).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Decide answers one parsed request. It never fails: problems become an
// Indeterminate result with the XACML status saying why.
func (s *Service) Decide(ctx context.Context, r Request) Result {
	var tr *Trace
	if r.Explain {
		tr = &Trace{Resource: r.ResourceID, Action: r.Action, Steps: []string{}}
	}
	res := s.decide(ctx, r, tr)
	// The attributes flagged IncludeInResult, or nil (decide sets none).
	res.Category = r.echo
	res.Trace = tr
	return res
}

// Allowed is the simple question other packages ask: may subject do action
// on resourceID for the organisation partyOrgNo? An Indeterminate answer
// is an error.
func (s *Service) Allowed(ctx context.Context, subject Subject, resourceID, action, partyOrgNo string) (bool, error) {
	res := s.Decide(ctx, Request{Subject: subject, ResourceID: resourceID, Action: action, Party: PartyRef{OrgNo: partyOrgNo}, Endpoint: Internal})
	if res.Decision == Indeterminate {
		msg := ""
		if res.Status != nil && res.Status.StatusMessage != nil {
			msg = *res.Status.StatusMessage
		}
		return false, fmt.Errorf("pdp: indeterminate decision: %s", msg)
	}
	return res.Decision == Permit, nil
}

func (s *Service) decide(ctx context.Context, r Request, tr *Trace) Result {
	// Indeterminate answers for requests that cannot be decided.
	fail := func(e *statusErr) Result {
		if e.code == StatusProcessingError && e.cause != nil {
			s.log.ErrorContext(ctx, "pdp: cannot decide", "err", e.cause)
		}
		if tr != nil {
			tr.step("%s", e.msg)
			tr.MissingAttributes = append(tr.MissingAttributes, e.missing...)
		}
		return indeterminate(e)
	}
	if tr != nil {
		tr.Subject = describeSubject(r.Subject)
	}
	if r.ResourceID == "" {
		// Upstream cannot even look a policy up: it throws, and the whole
		// request is one Indeterminate.
		e := argErr(r.Endpoint, "The request has no resource: urn:altinn:resource (or urn:altinn:org + urn:altinn:app) is required.")
		e.missing = []string{AttrResource}
		return fail(e)
	}
	if r.Action == "" {
		return fail(missingErr("The request has no action: "+AttrAction+" is required.", AttrAction))
	}
	noSubject := func() Result {
		return fail(missingErr(msgIncompleteDelegation, AttrSystemUserUUID+" | "+AttrUserID+" | "+AttrPersonID+" | "+AttrOrgID))
	}
	if r.Subject.IsZero() && len(r.Subject.Attrs) == 0 {
		// No subject attribute at all: upstream throws, as for no resource.
		e := argErr(r.Endpoint, "The request has no subject: urn:altinn:systemuser:uuid, urn:altinn:userid, urn:altinn:person:identifier-no or urn:altinn:organization:identifier-no is required.")
		e.missing = []string{AttrSystemUserUUID + " | " + AttrUserID + " | " + AttrPersonID + " | " + AttrOrgID}
		return fail(e)
	}

	// Step 1: resolve the resource party.
	party, partyOK, err := s.resolveParty(ctx, r.Party, tr)
	if err != nil {
		return fail(unavailable(err))
	}

	// Step 2: the resource policy; none is an error upstream.
	pol, err := s.policy(ctx, r.ResourceID)
	if errors.Is(err, dberr.ErrNotFound) {
		return fail(argErr(r.Endpoint, "Policy not found for resource"))
	}
	if err != nil {
		return fail(unavailable(err))
	}
	if tr != nil {
		tr.step("policy of %s: %d rule(s)", r.ResourceID, len(pol.Rules))
	}

	// Step 3: what the subject holds for the party.
	var facts Facts
	if partyOK {
		facts, err = s.facts(ctx, r.Subject, party, tr)
		if err != nil {
			return fail(unavailable(err))
		}
	}
	// The subject's own attributes match rules that name them, with or
	// without a resource party (e.g. a service owner's urn:altinn:org).
	for _, a := range subjectAttrs(r.Subject) {
		facts.Attrs = append(facts.Attrs, Held{Value: a, Source: "subject attribute of the request"})
	}
	if tr != nil {
		tr.Roles, tr.Packages, tr.Rights = facts.Roles, facts.Packages, facts.Rights
	}

	// Steps 4, 5, 7.
	out := Evaluate(pol, r.ResourceID, r.Action, facts, tr)
	if out.Decision == NotApplicable && r.Subject.IsZero() {
		// Only attributes no rule names, and nothing to look delegations up by.
		return noSubject()
	}
	if out.Decision == NotApplicable && !partyOK {
		// Upstream's delegation step needs a resolvable resource party.
		return fail(missingErr(msgIncompleteDelegation, AttrPartyID+" | "+AttrPartyUUID+" | "+AttrOrgID))
	}
	if tr != nil {
		tr.MatchedRule, tr.Grant = out.Rule, out.Grant
		if out.Decision == NotApplicable {
			tr.step("decision NotApplicable: the subject has no right that covers %q on %s for this party", r.Action, r.ResourceID)
		}
	}
	if out.Decision == Permit && pol.AccessListEnabled {
		// Step 6: the access-list gate, on Permit only: the resource
		// party must be on a list connected to the resource that allows
		// the action, else Deny (Authorization's IsAccessListAuthorized,
		// which admits organisations only: a person party is denied).
		var ans AccessListAnswer
		if party.Person != nil {
			if tr != nil {
				tr.step("the resource has accessListMode Enabled and the party is a person: access lists admit organisations only")
			}
		} else if s.lists != nil {
			if ans, err = s.accessList(ctx, r.ResourceID, party.PartyUUID, r.Action); err != nil {
				return fail(unavailable(err))
			}
		}
		if tr != nil {
			tr.AccessList = ans.List
		}
		if !ans.Authorized {
			if tr != nil {
				switch {
				case party.Person != nil:
					tr.step("%s is not an organisation: Deny", party.label())
				case ans.List == "":
					tr.step("the resource has accessListMode Enabled and %s is on none of its access lists: Deny", party.OrgNo)
				default:
					tr.step("the resource has accessListMode Enabled; %s is on access list %s, which allows only %s, not %q: Deny", party.OrgNo, ans.List, strings.Join(ans.Actions, ", "), r.Action)
				}
			}
			msg := msgAccessList
			return Result{Decision: Deny, Status: &Status{StatusMessage: &msg, StatusCode: &StatusCode{Value: StatusOK}}}
		}
		if tr != nil {
			if len(ans.Actions) == 0 {
				tr.step("access list %s of %s admits %s (every action)", ans.List, r.ResourceID, party.OrgNo)
			} else {
				tr.step("access list %s of %s admits %s for %s", ans.List, r.ResourceID, party.OrgNo, strings.Join(ans.Actions, ", "))
			}
		}
	}
	res := Result{Decision: out.Decision, Status: okStatus()}
	if out.Decision == Permit {
		res.Obligations = obligations(pol)
	}
	return res
}

// subjectAttrs are the subject's attributes as URNs: the request's, and the
// identifiers of a subject built in code (Allowed) that has none.
func subjectAttrs(s Subject) []string {
	out := slices.Clone(s.Attrs)
	add := func(attr, v string) {
		if u := attr + ":" + v; !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	if s.OrgNo != "" {
		add(AttrOrgID, s.OrgNo)
	}
	if s.UserID != 0 {
		add(AttrUserID, strconv.FormatInt(s.UserID, 10))
	}
	if s.PID != "" {
		add(AttrPersonID, s.PID)
	}
	if s.PartyID != 0 {
		add(AttrPartyID, strconv.FormatInt(s.PartyID, 10))
	}
	if s.PartyUUID != uuid.Nil {
		add(AttrPartyUUID, s.PartyUUID.String())
	}
	return out
}

func indeterminate(e *statusErr) Result {
	msg := e.msg
	return Result{Decision: Indeterminate, Status: &Status{StatusMessage: &msg, StatusCode: &StatusCode{Value: e.code}}, fatal: e.fatal}
}

func okStatus() *Status { return &Status{StatusCode: &StatusCode{Value: StatusOK}} }

func unavailable(err error) *statusErr {
	return &statusErr{code: StatusProcessingError, msg: "The PDP could not read its data; try again.", cause: err}
}

// accessList asks the access lists, through the cache (every access-list
// write notifies, so a cached answer is never stale once a write answered).
func (s *Service) accessList(ctx context.Context, resourceID string, party uuid.UUID, action string) (AccessListAnswer, error) {
	return s.c.accessList(resourceID+"\x00"+party.String()+"\x00"+action, func() (AccessListAnswer, error) {
		return s.lists.AccessList(ctx, resourceID, party, action)
	})
}

func (s *Service) policy(ctx context.Context, resourceID string) (Policy, error) {
	return s.c.policy(resourceID, func() (Policy, error) { return s.policies.Policy(ctx, resourceID) })
}

// facts gathers what the subject holds for the party : a standard system user's approved rights and packages for its own
// organisation, an agent's packages delegated for that client, a person's
// or organisation's ER roles there and the packages they carry, and the
// packages delegated to a person as a facilitator's agent for that client.
func (s *Service) facts(ctx context.Context, subj Subject, party resourceParty, tr *Trace) (Facts, error) {
	switch {
	case subj.SystemUserID != uuid.Nil:
		return s.systemUserFacts(ctx, subj.SystemUserID, party, tr)
	case subj.PID != "" || subj.UserID != 0:
		var p parties.Person
		var err error
		if subj.PID != "" {
			p, err = s.c.person("pid:"+subj.PID, func() (parties.Person, error) { return s.parties.Person(ctx, subj.PID) })
		} else {
			p, err = s.c.person("userid:"+strconv.FormatInt(subj.UserID, 10), func() (parties.Person, error) { return s.parties.PersonByUserID(ctx, subj.UserID) })
		}
		if errors.Is(err, dberr.ErrNotFound) {
			if tr != nil {
				tr.step("the subject person is unknown")
			}
			return Facts{}, nil
		}
		if err != nil {
			return Facts{}, err
		}
		if tr != nil {
			tr.Subject = fmt.Sprintf("person %s (%s, user id %d)", p.PID, p.Name, p.UserID)
		}
		if party.Person != nil {
			return personPartyFacts(p, *party.Person, tr), nil
		}
		roles, err := s.c.roles("pid:"+p.PID, func() ([]parties.Role, error) { return s.parties.RolesOfPerson(ctx, p.PID) })
		if err != nil {
			return Facts{}, err
		}
		f := s.roleFacts(roles, party, tr)
		if s.agents == nil {
			return f, nil
		}
		ds, err := s.c.agentDelegations(p.PID, func() ([]AgentDelegation, error) { return s.agents.AgentDelegations(ctx, p.PID) })
		if err != nil {
			return Facts{}, err
		}
		return agentFacts(f, p.PID, ds, party.OrgNo, tr), nil
	default:
		orgNo := subj.OrgNo
		if orgNo == "" {
			o, ok, err := s.resolveParty(ctx, PartyRef{PartyID: subj.PartyID, PartyUUID: subj.PartyUUID}, nil)
			if err != nil {
				return Facts{}, err
			}
			if !ok || o.Person != nil {
				if tr != nil {
					tr.step("the subject party is not a known organisation")
				}
				return Facts{}, nil
			}
			orgNo = o.OrgNo
		}
		roles, err := s.c.roles("org:"+orgNo, func() ([]parties.Role, error) { return s.parties.RolesHeldByOrg(ctx, orgNo) })
		if err != nil {
			return Facts{}, err
		}
		// The PDP adds role codes only for user subjects:
		// an organisation matches through the packages its roles carry.
		f := s.roleFacts(roles, party, tr)
		f.Roles = nil
		return f, nil
	}
}

func (s *Service) systemUserFacts(ctx context.Context, id uuid.UUID, party resourceParty, tr *Trace) (Facts, error) {
	f := Facts{SystemUserID: id}
	su, err := s.c.systemUser(id, func() (SystemUser, error) { return s.users.SystemUser(ctx, id) })
	if errors.Is(err, dberr.ErrNotFound) || (err == nil && su.Deleted) {
		if tr != nil {
			tr.step("system user %s does not exist (or was deleted): it holds no rights", id)
		}
		return f, nil
	}
	if err != nil {
		return f, err
	}
	kind := "standard"
	if su.Agent {
		kind = "agent"
	}
	if tr != nil {
		tr.Subject = fmt.Sprintf("%s system user %s of %s (system %s)", kind, id, su.OwnerOrgNo, su.SystemID)
	}
	if party.Person != nil {
		// A system user belongs to an organisation and holds rights for it
		// (standard) or for its clients, which are organisations (agent).
		if tr != nil {
			tr.step("%s system user of %s holds nothing for %s: system users act for organisations only", kind, su.OwnerOrgNo, party.label())
		}
		return f, nil
	}
	if !su.Agent {
		// A standard system user holds what its own organisation granted at
		// approval, and only for that organisation.
		if su.OwnerOrgNo != party.OrgNo {
			if tr != nil {
				tr.step("standard system user belongs to %s; it holds nothing for %s", su.OwnerOrgNo, party.OrgNo)
			}
			return f, nil
		}
		src := "granted to the standard system user when " + su.OwnerOrgNo + " approved it"
		for _, p := range su.Packages {
			f.Packages = append(f.Packages, Held{Value: PackageCode(p), Source: src})
		}
		for _, r := range su.Rights {
			f.Rights = append(f.Rights, Held{Value: r.ResourceID, Action: r.Action, Source: src})
		}
		if tr != nil {
			tr.step("standard system user holds %d package(s) and %d resource right(s) for %s", len(f.Packages), len(f.Rights), party.OrgNo)
		}
		return f, nil
	}
	// An agent system user holds, per client, the packages its facilitator
	// delegated for that client; for the facilitator itself, only what the
	// facilitator delegated to it (self-delegation).
	if party.OrgNo == su.OwnerOrgNo && len(su.Self) > 0 {
		src := "delegated by " + su.OwnerOrgNo + " to its own agent system user (self-delegation)"
		for _, p := range su.Self {
			f.Packages = append(f.Packages, Held{Value: PackageCode(p), Source: src})
		}
		if tr != nil {
			tr.step("agent system user holds %d package(s) its owner %s delegated to it (self-delegation)", len(f.Packages), su.OwnerOrgNo)
		}
		return f, nil
	}
	pkgs, ok := su.Clients[party.OrgNo]
	if !ok {
		if tr != nil {
			tr.step("agent system user has no client delegation for %s (facilitator %s, %d client(s))", party.OrgNo, su.OwnerOrgNo, len(su.Clients))
		}
		return f, nil
	}
	src := "delegated by " + su.OwnerOrgNo + " to the agent system user for client " + party.OrgNo
	for _, p := range pkgs {
		f.Packages = append(f.Packages, Held{Value: PackageCode(p), Source: src})
	}
	if tr != nil {
		tr.step("agent system user holds %d package(s) delegated for client %s", len(f.Packages), party.OrgNo)
	}
	return f, nil
}

// agentFacts adds to f the packages facilitators delegated to the person,
// as their agent, for the client party: Access Management's connections
// from others reach an agent through the delegation (the client, via the
// facilitator, to the person holding the facilitator's agent role) and
// carry the delegation's packages, as they do for an agent system user.
func agentFacts(f Facts, pid string, ds []AgentDelegation, clientOrgNo string, tr *Trace) Facts {
	for _, d := range ds {
		if d.ClientOrgNo != clientOrgNo {
			continue
		}
		src := fmt.Sprintf("delegated by %s to its agent %s for client %s, client delegation %s", d.FacilitatorOrgNo, pid, clientOrgNo, d.ID)
		for _, p := range d.Packages {
			f.Packages = append(f.Packages, Held{Value: PackageCode(p), Source: src})
		}
		if tr != nil {
			tr.step("person %s is an agent of %s, which delegated %d package(s) for client %s to them (client delegation %s)", pid, d.FacilitatorOrgNo, len(d.Packages), clientOrgNo, d.ID)
		}
	}
	return f
}

// roleFacts keeps the roles held at the party and adds the packages each
// role carries (the role→package mapping).
func (s *Service) roleFacts(roles []parties.Role, party resourceParty, tr *Trace) Facts {
	var f Facts
	for _, r := range roles {
		if party.Person != nil || r.OrgNo != party.OrgNo {
			continue
		}
		if r.RoleCode == parties.RoleAccessManager {
			// Altinn's access-manager right is, in Altinn 3, the
			// tilgangsstyrer package assigned by the organisation.
			f.Packages = append(f.Packages, Held{Value: "tilgangsstyrer", Source: "access-manager (tilgangsstyrer) assigned at " + party.OrgNo})
			continue
		}
		f.Roles = append(f.Roles, Held{Value: r.RoleCode, Source: "ER role " + r.RoleCode + " at " + party.OrgNo})
		if s.roles == nil {
			continue
		}
		src := "through ER role " + r.RoleCode + " at " + party.OrgNo
		for _, p := range s.roles.PackagesForRole(r.RoleCode) {
			f.Packages = append(f.Packages, Held{Value: PackageCode(p), Source: src})
		}
	}
	if tr != nil {
		tr.step("the subject holds %d role(s) and %d package(s) at %s", len(f.Roles), len(f.Packages), party.label())
	}
	return f
}

func describeSubject(s Subject) string {
	switch {
	case s.SystemUserID != uuid.Nil:
		return "system user " + s.SystemUserID.String()
	case s.PID != "":
		return "person " + s.PID
	case s.UserID != 0:
		return "user id " + strconv.FormatInt(s.UserID, 10)
	case s.OrgNo != "":
		return "organisation " + s.OrgNo
	case s.PartyID != 0:
		return "party id " + strconv.FormatInt(s.PartyID, 10)
	case s.PartyUUID != uuid.Nil:
		return "party " + s.PartyUUID.String()
	}
	return "(no subject)"
}
