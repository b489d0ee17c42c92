package registry

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// TestDeleteWritesChangeLogEntry: deleting a system logs a "delete" entry
// by the deleting vendor and client, at the clock's time, in the same
// transaction; a refused delete (another vendor's, or a second one) logs
// nothing. The platform's SetDeleteRegisteredSystemById logs the same way.
func TestDeleteWritesChangeLogEntry(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	res, err := resources.NewService(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clk := clock.NewFixed(t0)
	s := NewService(pool, clk, res)
	ctx := context.Background()
	if _, err := s.Create(ctx, owner, theMatrix()); err != nil {
		t.Fatal(err)
	}
	id := theMatrix().ID
	clk.Advance(time.Second)
	if err := s.Delete(ctx, Actor{OrgNo: otherVendor}, id); problem.From(err).Status != 403 {
		t.Fatalf("delete by another vendor: %v, want 403", err)
	}
	if err := s.Delete(ctx, owner, id); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if err := s.Delete(ctx, owner, id); problem.From(err).Status != 400 {
		t.Fatalf("second delete: %v, want 400", err)
	}
	log, err := s.ChangeLog(ctx, owner, id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, l := range log {
		kinds = append(kinds, l.ChangeType)
	}
	if len(log) != 2 {
		t.Fatalf("change log %v, want create and delete", kinds)
	}
	if log[0].ChangeType != ChangeCreate || !log[0].Created.Equal(t0) {
		t.Errorf("first entry %s at %s, want create at %s", log[0].ChangeType, log[0].Created, t0)
	}
	d := log[1]
	if d.ChangeType != ChangeDelete || d.ChangedByOrgNumber != vendor || d.ClientID != client1 ||
		!d.Created.Equal(t0.Add(time.Second)) || d.SystemInternalID != log[0].SystemInternalID {
		t.Errorf("delete entry = %+v, want delete by %s/%s at %s", d, vendor, client1, t0.Add(time.Second))
	}
	sys, err := s.SystemAny(ctx, id)
	if err != nil || !sys.IsDeleted || !sys.LastChanged.Equal(t0.Add(time.Second)) {
		t.Errorf("deleted system = %+v, %v; want deleted at %s", sys, err, t0.Add(time.Second))
	}
}

// TestChangeLogKeepsEachRightsAction: a rights update's change-log entry
// has each right as the platform stores it: "Action" the right's action,
// or null when it has none (never an empty string).
func TestChangeLogKeepsEachRightsAction(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	res, err := resources.NewService(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFixed(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	s := NewService(pool, clk, res)
	ctx := context.Background()
	if _, err := s.Create(ctx, owner, theMatrix()); err != nil {
		t.Fatal(err)
	}
	id := theMatrix().ID
	clk.Advance(time.Second) // the log lists entries by time
	rights := []Right{
		{Action: "read", Resource: []AttributePair{{"urn:altinn:resource", "kravogbetaling"}}},
		{Resource: []AttributePair{{"urn:altinn:resource", "ske-krav-og-betalinger"}}},
	}
	if err := s.UpdateRights(ctx, owner, id, rights, ""); err != nil {
		t.Fatal(err)
	}
	log, err := s.ChangeLog(ctx, owner, id)
	if err != nil || len(log) != 2 || log[1].ChangeType != ChangeRightsUpdate {
		t.Fatalf("change log %+v, %v; want create and rights update", log, err)
	}
	var logged []struct {
		Action *string `json:"Action"`
	}
	if err := json.Unmarshal(log[1].ChangedData, &logged); err != nil || len(logged) != 2 {
		t.Fatalf("changedData %s: %v", log[1].ChangedData, err)
	}
	if logged[0].Action == nil || *logged[0].Action != "read" || logged[1].Action != nil {
		t.Errorf("changedData %s: want Action \"read\" then null", log[1].ChangedData)
	}
}

// TestPackageDetailsNameOnlyWhatIsWrong: AUTH.VLD-00008's detail lists
// the kinds of fault that occurred, in the platform's order and wording,
// and no empty kind.
func TestPackageDetailsNameOnlyWhatIsWrong(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	res, err := resources.NewService(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	s := NewService(pool, clock.NewFixed(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)), res)
	const unknown = "urn:altinn:accesspackage:finnes-ikke"
	for _, c := range []struct {
		urns []string
		want string
	}{
		{[]string{unknown}, "Not found: " + unknown},
		{[]string{"urn:altinn:nope"}, "Invalid format: urn:altinn:nope"},
		{[]string{unknown, "urn:altinn:nope"}, "Invalid format: urn:altinn:nope | Not found: " + unknown},
	} {
		var pkgs []AccessPackageRef
		for _, u := range c.urns {
			pkgs = append(pkgs, AccessPackageRef{URN: u})
		}
		errs, err := s.checkPackages(context.Background(), pkgs, false)
		if err != nil || len(errs) != 1 || errs[0].Code != VldPackageNotValid.Code {
			t.Errorf("%v: %+v, %v; want one %s", c.urns, errs, err, VldPackageNotValid.Code)
			continue
		}
		if got := errs[0].Extensions["Invalid Urn Details : "]; got != c.want {
			t.Errorf("%v: details %q, want %q", c.urns, got, c.want)
		}
	}
}
