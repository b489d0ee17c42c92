package pdp

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

// fakeAgents are persons' client delegations as agents, by national
// identity number.
type fakeAgents struct {
	mu    sync.Mutex
	m     map[string][]AgentDelegation
	err   error
	calls atomic.Int64
}

func (f *fakeAgents) AgentDelegations(_ context.Context, pid string) ([]AgentDelegation, error) {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.m[pid]), f.err
}

func (f *fakeAgents) set(pid string, ds ...AgentDelegation) {
	f.mu.Lock()
	f.m[pid] = ds
	f.mu.Unlock()
}

var (
	// Kari (no roles anywhere) is the accounting firm's agent for its
	// client Elg, with the client's payroll package; Elg's own delegation
	// to her from another facilitator is for Tiger.
	kariForElg   = AgentDelegation{ID: uuid.MustParse("aaaaaaaa-0000-0000-0000-000000000001"), FacilitatorOrgNo: orgRegnsk.OrgNo, ClientOrgNo: orgElg.OrgNo, Packages: []string{"urn:altinn:accesspackage:regnskapsforer-lonn"}}
	kariForTiger = AgentDelegation{ID: uuid.MustParse("aaaaaaaa-0000-0000-0000-000000000002"), FacilitatorOrgNo: orgElg.OrgNo, ClientOrgNo: orgTiger.OrgNo, Packages: []string{"urn:altinn:accesspackage:skatt-naering"}}
)

// agentWorld is newWorld with Kari's client delegations read by the PDP.
func agentWorld() (*world, *fakeAgents) {
	w := newWorld()
	a := &fakeAgents{m: map[string][]AgentDelegation{personKari.PID: {kariForTiger, kariForElg}}}
	w.svc = New(w.policies, w.users, w.parties, fakeRoles{}, nil, WithPersonAgents(a))
	return w, a
}

// TestPersonAgentHoldsDelegatedPackagesAtTheClient: a person a
// facilitator made its agent holds, at a client, the packages the
// facilitator delegated to them for that client (Access Management's
// connection through a delegation), whether named by national identity
// number or user id: Permit for the actions those packages give under the
// resource's policy; NotApplicable for another client, for an action or a
// resource the packages do not give, and when the PDP reads no person
// agents. The trace names the facilitator and the delegation.
func TestPersonAgentHoldsDelegatedPackagesAtTheClient(t *testing.T) {
	w, _ := agentWorld()
	plain := newWorld()
	const (
		kari      = "person 21857841058 (Kari Uten Roller, user id 20000012)"
		elg       = "310385980 Fattig Forsiktig Elg AS (party id 50000004, uuid 11111111-0000-0000-0000-000000000004)"
		noRoles   = "the subject holds 0 role(s) and 0 package(s) at 310385980"
		agentStep = "person 21857841058 is an agent of 312605031, which delegated 1 package(s) for client 310385980 to them (client delegation aaaaaaaa-0000-0000-0000-000000000001)"
		source    = "delegated by 312605031 to its agent 21857841058 for client 310385980, client delegation aaaaaaaa-0000-0000-0000-000000000001"
		daglNot   = "rule r-dagl (Permit read,sign) names action \"read\" but none of its subjects urn:altinn:rolecode:DAGL is held by the subject"
	)
	byPID, byUserID := attr(AttrPersonID, personKari.PID), attr(AttrUserID, "20000012")
	elgNo := attr(AttrOrgID, orgElg.OrgNo)
	for _, c := range []struct {
		name     string
		svc      *Service
		body     string
		decision string
		grant    string // source of the grant, when Permit
		packages int    // listed in the trace
		steps    []string
	}{
		{name: "by national identity number, at the client", svc: w.svc, body: req(byPID, act("read"), res("ttd-accesspackage-resource", elgNo)),
			decision: Permit, grant: source, packages: 1, steps: []string{
				"policy of ttd-accesspackage-resource: 2 rule(s)", noRoles, agentStep,
				"rule r-pkg permits \"read\" through urn:altinn:accesspackage:regnskapsforer-lonn (" + source + ")", daglNot}},
		{name: "by user id, at the client", svc: w.svc, body: req(byUserID, act("write"), res("ttd-accesspackage-resource", elgNo)),
			decision: Permit, grant: source, packages: 1, steps: []string{
				"policy of ttd-accesspackage-resource: 2 rule(s)", noRoles, agentStep,
				"rule r-pkg permits \"write\" through urn:altinn:accesspackage:regnskapsforer-lonn (" + source + ")"}},
		{name: "an action the package does not give", svc: w.svc, body: req(byPID, act("sign"), res("ttd-accesspackage-resource", elgNo)),
			decision: NotApplicable, packages: 1, steps: []string{
				"policy of ttd-accesspackage-resource: 2 rule(s)", noRoles, agentStep,
				"rule r-dagl (Permit read,sign) names action \"sign\" but none of its subjects urn:altinn:rolecode:DAGL is held by the subject",
				"no policy rule of ttd-accesspackage-resource permits \"sign\" for what the subject holds",
				"no resource delegation to the subject for this party",
				"decision NotApplicable: the subject has no right that covers \"sign\" on ttd-accesspackage-resource for this party"}},
		{name: "a resource another package opens", svc: w.svc, body: req(byPID, act("read"), res("ttd-deny-resource", elgNo)),
			decision: NotApplicable, packages: 1},
		{name: "another client", svc: w.svc, body: req(byPID, act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgRev.OrgNo))),
			decision: NotApplicable, packages: 0},
		{name: "no person agents read", svc: plain.svc, body: req(byPID, act("read"), res("ttd-accesspackage-resource", elgNo)),
			decision: NotApplicable, packages: 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := decideOne(t, c.svc, External, c.body)
			tr := r.Trace
			if r.Decision != c.decision || tr == nil || tr.Subject != kari {
				t.Fatalf("decision %s, trace %+v; want %s for %s", r.Decision, tr, c.decision, kari)
			}
			grant := ""
			if tr.Grant != nil {
				grant = tr.Grant.Source
			}
			if grant != c.grant || len(tr.Packages) != c.packages {
				t.Errorf("grant %q, %d package(s); want %q, %d", grant, len(tr.Packages), c.grant, c.packages)
			}
			if c.steps != nil && strings.Join(tr.Steps, "\n") != strings.Join(c.steps, "\n") {
				t.Errorf("steps:\n  %s\nwant:\n  %s", strings.Join(tr.Steps, "\n  "), strings.Join(c.steps, "\n  "))
			}
			if c.packages == 0 && slices.ContainsFunc(tr.Steps, func(s string) bool { return strings.Contains(s, "is an agent of") }) {
				t.Errorf("steps %q name a delegation for another client", tr.Steps)
			}
			if tr.Party != elg && c.name != "another client" {
				t.Errorf("party %q", tr.Party)
			}
		})
	}
	// Two facilitators' delegations for one client add up, each named.
	w2, a := agentWorld()
	other := AgentDelegation{ID: uuid.MustParse("aaaaaaaa-0000-0000-0000-000000000003"), FacilitatorOrgNo: orgRev.OrgNo, ClientOrgNo: orgElg.OrgNo,
		Packages: []string{"urn:altinn:accesspackage:ansettelsesforhold", "urn:altinn:accesspackage:skatt-naering"}}
	a.set(personKari.PID, kariForElg, kariForTiger, other)
	r := decideOne(t, w2.svc, External, req(byPID, act("read"), res("ttd-deny-resource", elgNo)))
	if r.Decision != Permit || len(r.Trace.Packages) != 3 || !slices.Contains(r.Trace.Steps, agentStep) ||
		!slices.Contains(r.Trace.Steps, "person 21857841058 is an agent of 314168267, which delegated 2 package(s) for client 310385980 to them (client delegation aaaaaaaa-0000-0000-0000-000000000003)") ||
		r.Trace.Grant == nil || r.Trace.Grant.Source != "delegated by 314168267 to its agent 21857841058 for client 310385980, client delegation aaaaaaaa-0000-0000-0000-000000000003" {
		t.Fatalf("two facilitators: %s, trace %+v", r.Decision, r.Trace)
	}
	// Without a trace the packages count all the same.
	if ok, err := w2.svc.Allowed(context.Background(), Subject{PID: personKari.PID}, "ttd-deny-resource", "read", orgElg.OrgNo); !ok || err != nil {
		t.Fatalf("Allowed: %v %v", ok, err)
	}
}

// TestPersonAgentSourceFailure: when the person agents cannot be read,
// the decision is Indeterminate (processing error), never a Permit or
// NotApplicable from half the facts.
func TestPersonAgentSourceFailure(t *testing.T) {
	w, a := agentWorld()
	a.err = errors.New("database away")
	r := decideOne(t, w.svc, External, req(attr(AttrPersonID, personKari.PID), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo))))
	if code, _ := statusOf(r); r.Decision != Indeterminate || code != StatusProcessingError {
		t.Fatalf("%s %s; want Indeterminate, processing error", r.Decision, code)
	}
}

// TestPersonAgentDelegationsDroppedOnNotify: a person's client
// delegations are cached while the listener is up, and dropped by the
// personagent:<pid> notification Access Management's writes send (another
// person's leaves them), so a removed delegation is NotApplicable at once.
func TestPersonAgentDelegationsDroppedOnNotify(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	w, a := agentWorld()
	listening(t, w.svc, pool)
	body := req(attr(AttrPersonID, personKari.PID), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgElg.OrgNo)))
	for range 3 {
		if d := decideOne(t, w.svc, External, body).Decision; d != Permit {
			t.Fatalf("decision %s, want Permit", d)
		}
	}
	if n := a.calls.Load(); n != 1 {
		t.Fatalf("agent loads %d, want 1 (then cached)", n)
	}
	a.set(personKari.PID, kariForTiger)
	notify(t, pool, "personagent:"+personTiril.PID)
	time.Sleep(50 * time.Millisecond)
	if d := decideOne(t, w.svc, External, body).Decision; d != Permit {
		t.Fatalf("after another person's notification: %s, want the cached Permit", d)
	}
	notify(t, pool, "personagent:"+personKari.PID)
	waitFor(t, "NotApplicable after the delegation's removal", func() bool {
		return decideOne(t, w.svc, External, body).Decision == NotApplicable
	})
}
