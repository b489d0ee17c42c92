package seed_test

import (
	"slices"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/seed"
)

// personAgentFile makes Kari Uten Roller (21857841058) an agent of the
// migrations' accounting firm Regnskapshuset Simulert AS (312605031, REGN
// on 310385980 and 314168267), with two packages of one client.
const personAgentFile = `
personAgents:
  - facilitator: "312605031"
    person: "21857841058"
    clients:
      - {org: "314168267", packages: [urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet, urn:altinn:accesspackage:regnskapsforer-lonn]}
`

// TestPersonAgentsSeed: the file's person agent is added with its client
// packages, as Access Management's API would; seeding again changes
// nothing; a package added to the file is delegated, the rest kept.
func TestPersonAgentsSeed(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	rep, err := seed.Apply(ctx, deps(s), parseAgentFile(t, personAgentFile))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created["personAgents"] != 1 || rep.Created["personAgentPackages"] != 2 {
		t.Fatalf("first run: %s", rep)
	}
	kari, err := s.Parties.Person(ctx, "21857841058")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.SystemUsers.PersonAgentClients(ctx, "312605031", kari)
	if err != nil || len(ds) != 1 || ds[0].ClientOrgNo != "314168267" || len(ds[0].AccessPackages) != 2 || !slices.Equal(ds[0].Roles, []string{"REGN"}) {
		t.Fatalf("delegated: %+v %v", ds, err)
	}
	rep, err = seed.Apply(ctx, deps(s), parseAgentFile(t, personAgentFile))
	if err != nil || rep.Changed() || rep.Unchanged["personAgents"] != 1 || rep.Unchanged["personAgentPackages"] != 2 {
		t.Fatalf("second run: %s %v", rep, err)
	}
	more := personAgentFile + `      - {org: "310385980", packages: [urn:altinn:accesspackage:regnskapsforer-lonn]}
`
	rep, err = seed.Apply(ctx, deps(s), parseAgentFile(t, more))
	if err != nil || rep.Created["personAgentPackages"] != 1 || rep.Unchanged["personAgentPackages"] != 2 || rep.Created["personAgents"] != 0 {
		t.Fatalf("a client added: %s %v", rep, err)
	}
	if ds, err = s.SystemUsers.PersonAgentClients(ctx, "312605031", kari); err != nil || len(ds) != 2 {
		t.Fatalf("after the second client: %+v %v", ds, err)
	}
}

// TestPersonAgentBadFilesChangeNothing: every bad personAgents entry is
// refused with one line naming the problem, before anything is written.
func TestPersonAgentBadFilesChangeNothing(t *testing.T) {
	s := apptest.Start(t)
	const medSign = "urn:altinn:accesspackage:regnskapsforer-med-signeringsrettighet"
	cases := []struct {
		name, old, new, want string
	}{
		// The file alone shows these.
		{"bad person", `person: "21857841058"`, `person: "21857841059"`, `personAgents[0].person: "21857841059" is not a valid national identity number`},
		{"bad facilitator", `facilitator: "312605031"`, `facilitator: "312605032"`, `personAgents[0].facilitator: "312605032" is not a valid organisation number`},
		{"no packages", `packages: [` + medSign + `, urn:altinn:accesspackage:regnskapsforer-lonn]`, `packages: []`, `personAgents[0].clients[0].packages: at least one access package`},
		{"client twice", `{org: "314168267"`, `{org: "314168267", packages: [` + medSign + `]}
      - {org: "314168267"`, `personAgents[0].clients[1].org: 314168267 is listed twice`},
		{"the facilitator as client", `{org: "314168267"`, `{org: "312605031"`, `personAgents[0].clients[0].org: 312605031 is the facilitator itself`},
		{"unknown key", `person: "21857841058"`, `person: "21857841058"
    persons: x`, `unknown key "persons" in personAgents[0]`},
		// Only the database knows these.
		{"unknown person", `person: "21857841058"`, `person: "22857841097"`, `personAgents[0].person: no person 22857841097`},
		{"unknown facilitator", `facilitator: "312605031"`, `facilitator: "315555043"`, `personAgents[0].facilitator: no organisation 315555043`},
		{"unknown client", `{org: "314168267"`, `{org: "315555043"`, `personAgents[0].clients[0].org: no organisation 315555043`},
		{"not a client", `{org: "314168267"`, `{org: "313725138"`, `personAgents[0].clients[0].packages[0]: no ER role 312605031 holds on 313725138 gives ` + medSign},
		{"a package the role does not give", `urn:altinn:accesspackage:regnskapsforer-lonn]`, `urn:altinn:accesspackage:ansvarlig-revisor]`,
			`personAgents[0].clients[0].packages[1]: no ER role 312605031 holds on 314168267 gives urn:altinn:accesspackage:ansvarlig-revisor`},
		{"unknown package", `urn:altinn:accesspackage:regnskapsforer-lonn]`, `urn:altinn:accesspackage:finnes-ikke]`, `personAgents[0].clients[0].packages[1]: no access package urn:altinn:accesspackage:finnes-ikke`},
	}
	before := Snapshot(t, s.Pool)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, s, before, personAgentFile, trainingDir(t), tc.old, tc.new, tc.want)
		})
	}
	if _, err := seed.Apply(t.Context(), deps(s), parseAgentFile(t, personAgentFile)); err != nil {
		t.Fatalf("the good file after the bad ones: %v", err)
	}
}
