package seed_test

import (
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/accesslists"
	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/seed"
	"github.com/altinn-sim/altinn-sim/internal/sim"
)

// listsFile seeds two access lists: one on a resource of the file's own
// service owner (kursetaten, known only from the file), one on skd's
// kravogbetaling for read only, with members by number and by URN.
const listsFile = `
organizations:
  - {orgNo: "315555035", name: Kursetaten, orgForm: ORGL}
  - {orgNo: "315555019", name: Kurs Kunde AS}
resources:
  - identifier: trening-timeliste
    title: {nb: Timeliste, nn: Timeliste, en: Timesheet}
    accessListMode: Enabled
    hasCompetentAuthority: {organization: "315555035", orgcode: kursetaten}
accessLists:
  - owner: kursetaten
    identifier: kursdeltakere
    name: Kursdeltakere
    description: Those who may use the timesheet API
    members: ["315555019", "urn:altinn:organization:identifier-no:313725138"]
    resources: [trening-timeliste]
  - owner: SKD
    identifier: godkjente
    name: Godkjente
    members: ["310385980"]
    resources:
      - {resource: kravogbetaling, actions: [read]}
`

func TestAccessListsSeed(t *testing.T) {
	s := apptest.Start(t)
	ctx := t.Context()
	f, err := seed.Parse([]byte(listsFile), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := seed.Apply(ctx, deps(s), f)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created["accessLists"] != 2 {
		t.Errorf("report %s, want 2 access lists created", rep)
	}
	tiger, _ := s.Parties.Org(ctx, "313725138")
	kunde, _ := s.Parties.Org(ctx, "315555019")
	elg, _ := s.Parties.Org(ctx, "310385980")
	allows := func(party accesslists.Party, res, action string) bool {
		t.Helper()
		d, err := s.AccessLists.Allows(ctx, party.UUID, res, action)
		if err != nil {
			t.Fatal(err)
		}
		return d.Authorized
	}
	if !allows(accesslists.Party{UUID: tiger.PartyUUID}, "trening-timeliste", "write") || !allows(accesslists.Party{UUID: kunde.PartyUUID}, "trening-timeliste", "read") {
		t.Error("members of kursdeltakere are not admitted")
	}
	if !allows(accesslists.Party{UUID: elg.PartyUUID}, "kravogbetaling", "read") || allows(accesslists.Party{UUID: elg.PartyUUID}, "kravogbetaling", "write") {
		t.Error("godkjente: read only")
	}
	// Again: nothing changes.
	if rep, err = seed.Apply(ctx, deps(s), f); err != nil || rep.Unchanged["accessLists"] != 2 || rep.Changed() {
		t.Errorf("second run: %s %v", rep, err)
	}
	// The file is the whole truth: a member and a connection gone, the
	// filter changed.
	changed := strings.Replace(listsFile, `members: ["315555019", "urn:altinn:organization:identifier-no:313725138"]`, `members: ["315555019"]`, 1)
	changed = strings.Replace(changed, `actions: [read]`, `actions: [read, write]`, 1)
	f2, err := seed.Parse([]byte(changed), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if rep, err = seed.Apply(ctx, deps(s), f2); err != nil || rep.Updated["accessLists"] != 2 {
		t.Fatalf("changed file: %s %v", rep, err)
	}
	if allows(accesslists.Party{UUID: tiger.PartyUUID}, "trening-timeliste", "read") || !allows(accesslists.Party{UUID: elg.PartyUUID}, "kravogbetaling", "write") {
		t.Error("the changed file was not applied")
	}
	// The seeded state is what a reset returns to.
	if err := sim.TakeSnapshot(ctx, s.Pool); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AccessLists.Delete(ctx, "skd", "godkjente", accesslists.Conditions{}); err != nil {
		t.Fatal(err)
	}
	if err := sim.Reset(ctx, s.Pool); err != nil {
		t.Fatal(err)
	}
	if !allows(accesslists.Party{UUID: elg.PartyUUID}, "kravogbetaling", "write") {
		t.Error("reset did not bring the seeded list back")
	}
}

func TestAccessListsSeedBadFilesChangeNothing(t *testing.T) {
	s := apptest.Start(t)
	before := Snapshot(t, s.Pool)
	for _, tc := range []struct{ name, old, new, want string }{
		{"unknown owner", `owner: SKD`, `owner: nosuchowner`, `accessLists[1].owner: "nosuchowner" is not a service owner's org code`},
		{"no owner", `owner: SKD`, `owner: ""`, `accessLists[1].owner: required`},
		{"no name", `name: Godkjente`, `name: ""`, `accessLists[1].name: required`},
		{"unknown member", `members: ["310385980"]`, `members: ["31038598"]`, `is neither an organisation number nor a party URN`},
		{"member not in the register", `members: ["310385980"]`, `members: ["315555043"]`, `accessLists[1].members[0]: no organisation 315555043`},
		{"member uuid not in the register", `members: ["310385980"]`, `members: ["urn:altinn:party:uuid:00000000-0000-0000-0000-000000000001"]`, `accessLists[1].members[0]: no organisation with`},
		{"a person", `members: ["310385980"]`, `members: ["urn:altinn:person:identifier-no:12857841016"]`, `accessLists[1].members[0]`},
		{"unknown resource", `resource: kravogbetaling`, `resource: no-such-resource`, `accessLists[1].resources[0]: no resource "no-such-resource"`},
		{"twice", "  - owner: SKD\n    identifier: godkjente", "  - owner: kursetaten\n    identifier: kursdeltakere", `is listed twice`},
		{"unknown key", `    name: Godkjente`, "    name: Godkjente\n    member: []", `unknown key "member" in accessLists[1] (did you mean "members"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, s, before, listsFile, t.TempDir(), tc.old, tc.new, tc.want)
		})
	}
}
