package seed_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/requests"
	"github.com/altinn-sim/altinn-sim/internal/seed"
)

// agentFile is a small valid file with an agent system user of the
// migrations' accounting firm Regnskapshuset Simulert AS (312605031, DAGL
// Regine Regnskap 18857841030), which holds REGN on 310385980 and
// 314168267. The bad cases below break it one way each.
const agentFile = `
organizations:
  - {orgNo: "315555000", name: Treningsleverandøren AS}
systems:
  - id: 315555000_agent
    vendor: "315555000"
    name: Byrå
    description: Byrå
    accessPackages:
      - urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet
      - urn:altinn:accesspackage:regnskap-okonomi-rapport
      - urn:altinn:accesspackage:ansvarlig-revisor
    isVisible: false
agentSystemUsers:
  - {system: 315555000_agent, facilitator: "312605031", approvedBy: "18857841030", accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet], clients: ["310385980", "314168267"]}
`

func parseAgentFile(t *testing.T, body string) seed.File {
	t.Helper()
	f, err := seed.Parse([]byte(body), trainingDir(t))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return f
}

// TestAgentBadFilesChangeNothing: every bad agentSystemUsers entry is
// refused with one line naming the problem, before anything is written —
// also those only the database can show (clients, roles, approvers).
func TestAgentBadFilesChangeNothing(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	const pkgs = `accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet]`
	cases := []struct {
		name, old, new, want string
	}{
		// The file alone shows these.
		{"client twice", `clients: ["310385980", "314168267"]`, `clients: ["310385980", "310385980"]`, `agentSystemUsers[0].clients[1]: 310385980 is listed twice`},
		{"bad client number", `clients: ["310385980", "314168267"]`, `clients: ["310385981"]`, `agentSystemUsers[0].clients[0]: "310385981" is not a valid organisation number`},
		{"empty packages", pkgs, `accessPackages: []`, `agentSystemUsers[0].accessPackages: an agent system user needs at least one access package`},
		{"unknown field", `facilitator: "312605031"`, `facilitator: "312605031", client: x`, `unknown key "client" in agentSystemUsers[0] (did you mean "clients"?)`},
		// Only the database knows these.
		{"unknown client", `clients: ["310385980", "314168267"]`, `clients: ["310385980", "315555043"]`, `agentSystemUsers[0].clients[1]: no organisation 315555043`},
		{"client without the ER role", `clients: ["310385980", "314168267"]`, `clients: ["313725138", "314168267"]`, `agentSystemUsers[0].clients[0]: 313725138 is not a client of 312605031`},
		{"self-delegation of a client-only package", pkgs, pkgs + `, self: true`, `agentSystemUsers[0].accessPackages[0]: with self: true the facilitator delegates urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet to its own system user`},
		{"a package no client role gives", pkgs, `accessPackages: [urn:altinn:accesspackage:regnskap-okonomi-rapport]`, `agentSystemUsers[0].clients[0]: 310385980 is not a client of 312605031`},
		{"package the system lacks", pkgs, `accessPackages: [urn:altinn:accesspackage:regnskapsforer-lonn]`, `agentSystemUsers[0].accessPackages[0]: system 315555000_agent does not ask for urn:altinn:accesspackage:regnskapsforer-lonn`},
		{"roles do not give every package", pkgs, `accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet, urn:altinn:accesspackage:ansvarlig-revisor]`, `agentSystemUsers[0].clients[0]: the roles 312605031 holds on 310385980 do not give urn:altinn:accesspackage:ansvarlig-revisor`},
		{"approver who may not manage the facilitator", `approvedBy: "18857841030"`, `approvedBy: "13857841055"`, `agentSystemUsers[0].approvedBy: 13857841055 may not manage access for the facilitator 312605031`},
		{"unknown facilitator", `facilitator: "312605031", approvedBy: "18857841030"`, `facilitator: "315555043"`, `agentSystemUsers[0].facilitator: no organisation 315555043`},
		{"unknown system", `{system: 315555000_agent,`, `{system: 315555000_nope,`, `agentSystemUsers[0].system: no system 315555000_nope`},
	}
	before := Snapshot(t, s.Pool)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, s, before, agentFile, trainingDir(t), tc.old, tc.new, tc.want)
		})
	}
	// The good file goes in after the bad ones.
	if _, err := seed.Apply(ctx, deps(s), parseAgentFile(t, agentFile)); err != nil {
		t.Fatalf("the good file after the bad ones: %v", err)
	}
}

// TestAgentClientsFollowFile: the agent system user is created once, by
// an approved agent request; seeding again changes no row; a changed
// client list adds and removes delegations to match, and the PDP follows.
func TestAgentClientsFollowFile(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	rep, err := seed.Apply(ctx, deps(s), parseAgentFile(t, agentFile))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created["agentSystemUsers"] != 1 || rep.Created["clientDelegations"] != 2 {
		t.Errorf("first seeding: %s", rep)
	}
	agent, err := s.SystemUsers.ByTriple(ctx, nil, "315555000_agent", "312605031", "")
	if err != nil {
		t.Fatal(err)
	}
	if agent.UserType != "agent" || !slices.Equal(agent.PackageURNs(), []string{"urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"}) {
		t.Errorf("agent system user %+v", agent)
	}
	// Made as on the platform: the vendor's agent request, accepted by Regine.
	req, err := s.Requests.Get(ctx, agent.ID)
	if err != nil || req.Kind != requests.KindAgent || req.Status != requests.StatusAccepted {
		t.Errorf("the agent system user's request: %+v, %v", req, err)
	}
	clients := func() []string {
		t.Helper()
		ds, err := s.SystemUsers.Clients(ctx, agent.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, d.ClientOrgNo)
		}
		slices.Sort(out)
		return out
	}
	if got := clients(); !slices.Equal(got, []string{"310385980", "314168267"}) {
		t.Fatalf("clients %v", got)
	}

	// Again: no row changes.
	once := Snapshot(t, s.Pool)
	rep, err = seed.Apply(ctx, deps(s), parseAgentFile(t, agentFile))
	if err != nil || rep.Changed() || rep.Unchanged["agentSystemUsers"] != 1 || rep.Unchanged["clientDelegations"] != 2 {
		t.Fatalf("second seeding: %s, %v", rep, err)
	}
	if d := diff(once, Snapshot(t, s.Pool)); len(d) > 0 {
		t.Errorf("second seeding changed tables %v", d)
	}

	// One client dropped: its delegation goes, the other stays.
	dropped := strings.Replace(agentFile, `clients: ["310385980", "314168267"]`, `clients: ["310385980"]`, 1)
	rep, err = seed.Apply(ctx, deps(s), parseAgentFile(t, dropped))
	if err != nil || rep.Removed["clientDelegations"] != 1 || rep.Unchanged["clientDelegations"] != 1 || rep.Created["clientDelegations"] != 0 {
		t.Fatalf("seeding with one client dropped: %s, %v", rep, err)
	}
	if got := clients(); !slices.Equal(got, []string{"310385980"}) {
		t.Errorf("clients after dropping 314168267: %v", got)
	}
	for _, tc := range []struct{ org, want string }{{"310385980", "Permit"}, {"314168267", "NotApplicable"}} {
		if got := decide(t, s, agent.ID.String(), "ske-mva-melding", "write", tc.org); got != tc.want {
			t.Errorf("after dropping 314168267, the PDP for %s: %s, want %s", tc.org, got, tc.want)
		}
	}

	// A new client the file itself makes (organisation and REGN role),
	// swapped in for the remaining one.
	swapped := strings.Replace(agentFile, `clients: ["310385980", "314168267"]`, `clients: ["314168267", "315555043"]`, 1)
	swapped = strings.Replace(swapped, "systems:", `  - {orgNo: "315555043", name: Ny Klient AS}
roles:
  - {org: "315555043", role: REGN, holderOrg: "312605031"}
systems:`, 1)
	rep, err = seed.Apply(ctx, deps(s), parseAgentFile(t, swapped))
	if err != nil || rep.Removed["clientDelegations"] != 1 || rep.Created["clientDelegations"] != 2 || rep.Unchanged["agentSystemUsers"] != 1 {
		t.Fatalf("seeding with the clients swapped: %s, %v", rep, err)
	}
	if got := clients(); !slices.Equal(got, []string{"314168267", "315555043"}) {
		t.Errorf("clients after the swap: %v", got)
	}
	for _, tc := range []struct{ org, want string }{{"310385980", "NotApplicable"}, {"314168267", "Permit"}, {"315555043", "Permit"}, {"313725138", "NotApplicable"}} {
		if got := decide(t, s, agent.ID.String(), "ske-mva-melding", "write", tc.org); got != tc.want {
			t.Errorf("after the swap, the PDP for %s: %s, want %s", tc.org, got, tc.want)
		}
	}
	// The system user itself is still the one first approved.
	if again, err := s.SystemUsers.ByTriple(ctx, nil, "315555000_agent", "312605031", ""); err != nil || again.ID != agent.ID {
		t.Errorf("agent system user after the changes: %+v, %v; want %s kept", again, err, agent.ID)
	}

	// Its packages cannot change: a file asking for others is refused.
	other := strings.Replace(swapped, `accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet]`, `accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet, urn:altinn:accesspackage:regnskapsforer-lonn]`, 1)
	other = strings.Replace(other, "      - urn:altinn:accesspackage:ansvarlig-revisor", "      - urn:altinn:accesspackage:regnskapsforer-lonn", 1)
	before := Snapshot(t, s.Pool)
	if _, err := seed.Apply(ctx, deps(s), parseAgentFile(t, other)); !errors.Is(err, seed.ErrInvalid) || !strings.Contains(err.Error(), "an agent system user's packages cannot change") {
		t.Errorf("changed packages of an existing agent system user: %v", err)
	}
	if d := diff(before, Snapshot(t, s.Pool)); len(d) > 0 {
		t.Errorf("the refused file changed tables %v", d)
	}
}

// TestAgentDefaultApprover: without approvedBy someone who may manage the
// facilitator approves, and without accessPackages the agent system user
// gets all the system's packages.
func TestAgentDefaultApprover(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	body := strings.Replace(agentFile, `approvedBy: "18857841030", accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet], `, ``, 1)
	body = strings.Replace(body, "      - urn:altinn:accesspackage:regnskap-okonomi-rapport\n      - urn:altinn:accesspackage:ansvarlig-revisor\n", "      - urn:altinn:accesspackage:regnskapsforer-lonn\n", 1)
	if _, err := seed.Apply(ctx, deps(s), parseAgentFile(t, body)); err != nil {
		t.Fatal(err)
	}
	agent, err := s.SystemUsers.ByTriple(ctx, nil, "315555000_agent", "312605031", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := agent.PackageURNs(); len(got) != 2 || !slices.Contains(got, "urn:altinn:accesspackage:regnskapsforer-lonn") {
		t.Errorf("packages %v, want the system's two", got)
	}
	req, err := s.Requests.Get(ctx, agent.ID)
	if err != nil || req.Status != requests.StatusAccepted {
		t.Errorf("request %+v, %v", req, err)
	}
}

// TestAgentEarlierRequests: a vendor's earlier agent request for the same
// system user — rejected, or still open but for other packages — does not
// decide what seeding makes: it is withdrawn and the file's request
// approved.
func TestAgentEarlierRequests(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	body := strings.Replace(agentFile, "      - urn:altinn:accesspackage:ansvarlig-revisor", "      - urn:altinn:accesspackage:regnskapsforer-lonn", 1)
	withoutAgents := body[:strings.Index(body, "agentSystemUsers:")]
	if _, err := seed.Apply(ctx, deps(s), parseAgentFile(t, withoutAgents)); err != nil {
		t.Fatal(err)
	}
	// Two system users of the same system for the firm, told apart by
	// externalRef: one asked for and rejected, one asked for and open.
	ask := func(ref string) requests.Request {
		t.Helper()
		r, _, err := s.Requests.Create(ctx, "315555000", requests.KindAgent, requests.CreateInput{SystemID: "315555000_agent", PartyOrgNo: "312605031", ExternalRef: ref,
			AccessPackages: []requests.AccessPackageRef{{URN: "urn:altinn:accesspackage:regnskapsforer-lonn"}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	rejected := ask("rejected")
	if err := s.Requests.Reject(ctx, rejected.ID, "312605031", "18857841030"); err != nil {
		t.Fatal(err)
	}
	open := ask("open")
	line := `  - {system: 315555000_agent, facilitator: "312605031", approvedBy: "18857841030", accessPackages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet], clients: ["310385980", "314168267"]}`
	if !strings.Contains(body, line) {
		t.Fatal("test does not apply")
	}
	two := strings.Replace(body, line, strings.Replace(line, `facilitator: "312605031",`, `facilitator: "312605031", externalRef: rejected,`, 1)+"\n"+
		strings.Replace(line, `facilitator: "312605031",`, `facilitator: "312605031", externalRef: open,`, 1), 1)
	rep, err := seed.Apply(ctx, deps(s), parseAgentFile(t, two))
	if err != nil || rep.Created["agentSystemUsers"] != 2 {
		t.Fatalf("seeding: %s, %v", rep, err)
	}
	for _, old := range []requests.Request{rejected, open} {
		agent, err := s.SystemUsers.ByTriple(ctx, nil, "315555000_agent", "312605031", old.ExternalRef)
		if err != nil {
			t.Fatal(err)
		}
		if agent.ID == old.ID || !slices.Equal(agent.PackageURNs(), []string{"urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"}) {
			t.Errorf("agent system user %s (%s) with %v; want a new one with the file's package", agent.ID, old.ExternalRef, agent.PackageURNs())
		}
	}
	if rep, err := seed.Apply(ctx, deps(s), parseAgentFile(t, two)); err != nil || rep.Changed() {
		t.Errorf("seeding again: %s, %v", rep, err)
	}
}
