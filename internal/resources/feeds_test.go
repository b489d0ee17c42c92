package resources

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
)

var admin = Writer{Admin: true}

// feedService is a service on a fresh database whose clock stands still
// until the test moves it.
func feedService(t *testing.T) (*Service, *clock.Fixed) {
	t.Helper()
	c := clock.NewFixed(time.Date(2100, 2, 1, 0, 0, 0, 0, time.UTC)) // after every seeded pair
	return newService(t).WithClock(c), c
}

func createTestResource(t *testing.T, s *Service, id string) {
	t.Helper()
	r := Resource{Identifier: id, Title: map[string]string{"nb": id, "nn": id, "en": id},
		HasCompetentAuthority: &CompetentAuthority{Organization: "991825827", Orgcode: "ttd"}}
	if _, err := s.CreateResource(context.Background(), admin, r); err != nil {
		t.Fatalf("create %s: %v", id, err)
	}
}

// policyFor is a one-rule policy on the resource giving read to subjects.
func policyFor(id string, subjects ...string) Policy {
	return Policy{ResourceID: id, Rules: []Rule{{Subjects: subjects, Resources: [][]AttributeMatch{{{AttrResource, id}}}, Actions: []string{"read"}}}}
}

func setPolicy(t *testing.T, s *Service, id string, subjects ...string) {
	t.Helper()
	if err := s.ReplacePolicy(context.Background(), admin, policyFor(id, subjects...)); err != nil {
		t.Fatalf("policy of %s: %v", id, err)
	}
}

// pairsOf reads the whole /updated feed for one resource, by subject URN.
func pairsOf(t *testing.T, s *Service, id string) map[string]UpdatedSubject {
	t.Helper()
	pg, err := s.UpdatedSubjects(context.Background(), time.Time{}, nil, MaxFeedPage)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]UpdatedSubject{}
	for _, u := range pg.Items {
		if u.ResourceURN == "urn:altinn:resource:"+id {
			out[u.SubjectURN] = u
		}
	}
	return out
}

// The registry's ResourceControllerWithDbTests.SetResourceSubjects_OK, step
// by step: pairs a policy drops are marked deleted at the time of the
// change, new ones appear at that time, the rest keep theirs.
func TestSubjectPairsFollowThePolicy(t *testing.T) {
	t.Parallel()
	s, c := feedService(t)
	createTestResource(t, s, "foo")
	r := func(code string) string { return "urn:altinn:rolecode:" + code }

	// 1: three subjects.
	setPolicy(t, s, "foo", r("r001"), r("r002"), r("r003"))
	p := pairsOf(t, s, "foo")
	if len(p) != 3 {
		t.Fatalf("step 1: %d pairs: %+v", len(p), p)
	}
	for _, u := range p {
		if u.Deleted || !u.UpdatedAt.Equal(c.Now()) {
			t.Errorf("step 1: %+v", u)
		}
	}
	t1 := c.Now()

	// 2: r002 dropped, r004 added.
	c.Advance(time.Minute)
	setPolicy(t, s, "foo", r("r001"), r("r003"), r("r004"))
	p = pairsOf(t, s, "foo")
	if len(p) != 4 || !p[r("r002")].Deleted || p[r("r004")].Deleted {
		t.Fatalf("step 2: %+v", p)
	}
	if !p[r("r001")].UpdatedAt.Equal(t1) || !p[r("r003")].UpdatedAt.Equal(t1) {
		t.Errorf("step 2: untouched pairs moved: %+v", p)
	}
	t2 := c.Now()
	if !p[r("r002")].UpdatedAt.Equal(t2) || !p[r("r004")].UpdatedAt.Equal(t2) {
		t.Errorf("step 2: changed pairs not at %v: %+v", t2, p)
	}

	// 3: a policy naming none of them (another attribute only): all gone,
	// r002 keeps the time it went.
	c.Advance(time.Minute)
	setPolicy(t, s, "foo", "urn:altinn:accesspackage:skatt")
	p = pairsOf(t, s, "foo")
	for _, code := range []string{"r001", "r003", "r004"} {
		if u := p[r(code)]; !u.Deleted || !u.UpdatedAt.Equal(c.Now()) {
			t.Errorf("step 3: %s: %+v", code, u)
		}
	}
	if u := p[r("r002")]; !u.Deleted || !u.UpdatedAt.Equal(t2) {
		t.Errorf("step 3: r002: %+v", u)
	}
	t3 := c.Now()

	// 4: r001 and r003 come back; r004 stays gone.
	c.Advance(time.Minute)
	setPolicy(t, s, "foo", r("r001"), r("r003"))
	p = pairsOf(t, s, "foo")
	if p[r("r001")].Deleted || p[r("r003")].Deleted || !p[r("r001")].UpdatedAt.Equal(c.Now()) || !p[r("r004")].UpdatedAt.Equal(t3) {
		t.Errorf("step 4: %+v", p)
	}
	subs, err := s.PolicySubjectsOf(context.Background(), "foo")
	if err != nil || len(subs) != 2 || subs[0].URN != r("r001") || subs[1].URN != r("r003") {
		t.Errorf("live subjects %+v, %v", subs, err)
	}

	// Deleting the resource marks its pairs gone.
	c.Advance(time.Minute)
	if err := s.DeleteResource(context.Background(), admin, "foo"); err != nil {
		t.Fatal(err)
	}
	for urn, u := range pairsOf(t, s, "foo") {
		if !u.Deleted {
			t.Errorf("after delete, %s is live", urn)
		}
	}
	if _, err := s.PolicySubjectsOf(context.Background(), "foo"); !errors.Is(err, dberr.ErrNotFound) {
		t.Errorf("subjects of a deleted resource: %v", err)
	}
}

// Paging /updated: the feed is ordered by (time, resource, subject); a page
// continues past the last pair of the one before, also among pairs of one
// time (the registry's GetUpdatedResourceSubjects_Paginates).
func TestUpdatedSubjectsPages(t *testing.T) {
	t.Parallel()
	s, c := feedService(t)
	c.Advance(24 * time.Hour) // past every seeded pair
	since := c.Now()
	createTestResource(t, s, "paged")
	setPolicy(t, s, "paged", "urn:altinn:rolecode:r001", "urn:altinn:rolecode:r002", "urn:altinn:rolecode:r003")

	var got []string
	var after *UpdatedSubject
	for range 10 {
		pg, err := s.UpdatedSubjects(context.Background(), since, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range pg.Items {
			got = append(got, u.SubjectURN)
		}
		if !pg.More {
			break
		}
		last := pg.Items[len(pg.Items)-1]
		after, since = &last, last.UpdatedAt
	}
	want := []string{"urn:altinn:rolecode:r001", "urn:altinn:rolecode:r002", "urn:altinn:rolecode:r003"}
	if !slices.Equal(got, want) {
		t.Errorf("pages gave %v, want %v", got, want)
	}
	// since is inclusive.
	pg, err := s.UpdatedSubjects(context.Background(), c.Now(), nil, MaxFeedPage)
	if err != nil || len(pg.Items) != 3 {
		t.Errorf("since = the pairs' time: %d items, %v", len(pg.Items), err)
	}
	pg, err = s.UpdatedSubjects(context.Background(), c.Now().Add(time.Microsecond), nil, MaxFeedPage)
	if err != nil || len(pg.Items) != 0 {
		t.Errorf("since after the pairs: %+v, %v", pg.Items, err)
	}
}

// changesAfter reads the change feed past the seeded resources.
func changesAfter(t *testing.T, s *Service, after int64) []string {
	t.Helper()
	pg, err := s.Changes(context.Background(), after, MaxFeedPage)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range pg.Items {
		ids = append(ids, c.ResourceID)
	}
	return ids
}

func lastChange(t *testing.T, s *Service) int64 {
	t.Helper()
	pg, err := s.Changes(context.Background(), 0, MaxFeedPage)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Items) == 0 {
		t.Fatal("the seeded resources with policies are not in the change feed")
	}
	return pg.Items[len(pg.Items)-1].ID
}

// The registry's GetResourceChanges_* tests: only resources that have had a
// policy, each once at its latest change (metadata or policy), deleted
// ones left out, paged.
func TestChangesFeed(t *testing.T) {
	t.Parallel()
	s, c := feedService(t)
	base := lastChange(t, s)

	for _, id := range []string{"changes_res1", "changes_res2", "changes_res3"} {
		createTestResource(t, s, id)
		setPolicy(t, s, id, "urn:altinn:rolecode:dagl")
	}
	createTestResource(t, s, "changes_without_policy")
	if got := changesAfter(t, s, base); !slices.Equal(got, []string{"changes_res1", "changes_res2", "changes_res3"}) {
		t.Fatalf("feed %v", got)
	}

	pg, err := s.Changes(context.Background(), base, 2)
	if err != nil || len(pg.Items) != 2 || !pg.More {
		t.Fatalf("first page %+v more=%v, %v", pg.Items, pg.More, err)
	}
	pg, err = s.Changes(context.Background(), pg.Items[1].ID, 2)
	if err != nil || len(pg.Items) != 1 || pg.More || pg.Items[0].ResourceID != "changes_res3" {
		t.Fatalf("second page %+v more=%v, %v", pg.Items, pg.More, err)
	}

	// A metadata update moves the resource to the end, at the new time.
	c.Advance(time.Hour)
	r, err := s.Resource(context.Background(), "changes_res1")
	if err != nil {
		t.Fatal(err)
	}
	r.Title["en"] = "changed"
	if _, err := s.UpdateResource(context.Background(), admin, "changes_res1", r); err != nil {
		t.Fatal(err)
	}
	pg, err = s.Changes(context.Background(), base, MaxFeedPage)
	if err != nil || len(pg.Items) != 3 || pg.Items[2].ResourceID != "changes_res1" || !pg.Items[2].ChangedAt.Equal(c.Now()) {
		t.Fatalf("after update %+v, %v", pg.Items, err)
	}

	// A policy upload brings in a resource that had none, and moves one
	// that had.
	setPolicy(t, s, "changes_without_policy", "urn:altinn:rolecode:lede")
	setPolicy(t, s, "changes_res2", "urn:altinn:rolecode:lede")
	want := []string{"changes_res3", "changes_res1", "changes_without_policy", "changes_res2"}
	if got := changesAfter(t, s, base); !slices.Equal(got, want) {
		t.Errorf("after policies %v, want %v", got, want)
	}

	// A deleted resource leaves the feed.
	if err := s.DeleteResource(context.Background(), admin, "changes_res3"); err != nil {
		t.Fatal(err)
	}
	if got := changesAfter(t, s, base); slices.Contains(got, "changes_res3") {
		t.Errorf("deleted resource in the feed: %v", got)
	}
}

// The registry's GetResourceForSubjects: subjects in the order first
// stored, each with every resource naming it; matching is exact.
func TestResourcesForSubjects(t *testing.T) {
	t.Parallel()
	s, _ := feedService(t)
	createTestResource(t, s, "skd_mva_test")
	createTestResource(t, s, "skd_flyttemelding_test")
	setPolicy(t, s, "skd_mva_test", "urn:altinn:rolecode:utinn")
	setPolicy(t, s, "skd_flyttemelding_test", "urn:altinn:rolecode:utinn", "urn:altinn:rolecode:dagl")

	got, err := s.ResourcesForSubjects(context.Background(), []string{"urn:altinn:rolecode:utinn", "urn:altinn:rolecode:dagl"})
	if err != nil {
		t.Fatal(err)
	}
	var utinn, dagl *SubjectResources
	for i := range got {
		switch got[i].Subject.URN {
		case "urn:altinn:rolecode:utinn":
			utinn = &got[i]
		case "urn:altinn:rolecode:dagl":
			dagl = &got[i]
		}
	}
	if utinn == nil || dagl == nil {
		t.Fatalf("got %+v", got)
	}
	var ours []string
	for _, r := range utinn.Resources {
		if r.Value == "skd_mva_test" || r.Value == "skd_flyttemelding_test" {
			ours = append(ours, r.Value)
		}
	}
	if !slices.Equal(ours, []string{"skd_mva_test", "skd_flyttemelding_test"}) {
		t.Errorf("utinn's resources %+v", utinn.Resources)
	}
	if !slices.ContainsFunc(dagl.Resources, func(a AttributeMatchV2) bool {
		return a == AttributeMatchV2{Type: AttrResource, Value: "skd_flyttemelding_test", URN: "urn:altinn:resource:skd_flyttemelding_test"}
	}) {
		t.Errorf("dagl's resources %+v", dagl.Resources)
	}
	if utinn.Subject != (AttributeMatchV2{Type: AttrRoleCode, Value: "utinn", URN: "urn:altinn:rolecode:utinn"}) {
		t.Errorf("subject %+v", utinn.Subject)
	}
	// Stored values are lower-case, and the registry matches as stored.
	if got, err := s.ResourcesForSubjects(context.Background(), []string{"urn:altinn:rolecode:UTINN"}); err != nil || len(got) != 0 {
		t.Errorf("upper-case subject matched: %+v, %v", got, err)
	}
	if got, err := s.ResourcesForSubjects(context.Background(), nil); err != nil || len(got) != 0 {
		t.Errorf("no subjects: %+v, %v", got, err)
	}
}

// The migration's backfill: the seeded policies' subjects are there.
func TestSeededSubjects(t *testing.T) {
	t.Parallel()
	s, _ := feedService(t)
	p, err := s.Policy(context.Background(), "ske-mva-melding")
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.PolicySubjectsOf(context.Background(), "ske-mva-melding")
	if err != nil {
		t.Fatal(err)
	}
	want := PolicySubjects(p)
	slices.SortFunc(want, func(a, b AttributeMatchV2) int { return compareURN(a.URN, b.URN) })
	slices.SortFunc(got, func(a, b AttributeMatchV2) int { return compareURN(a.URN, b.URN) })
	if !slices.Equal(got, want) {
		t.Errorf("backfilled %+v, policy names %+v", got, want)
	}
}

func compareURN(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// A change number is taken under the counter's row lock, held until the
// writer commits: a second writer waits, so numbers become visible in
// order and a reader paging past the last number it saw never skips one
// that commits later.
func TestChangeNumbersCommitInOrder(t *testing.T) {
	t.Parallel()
	s, c := feedService(t)
	ctx := context.Background()
	createTestResource(t, s, "race_a")
	createTestResource(t, s, "race_b")
	setPolicy(t, s, "race_a", "urn:altinn:rolecode:dagl")
	setPolicy(t, s, "race_b", "urn:altinn:rolecode:dagl")
	base := lastChange(t, s)

	txA, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer txA.Rollback(ctx)
	if err := bumpChange(ctx, txA, "race_a", c.Now(), false); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		txB, err := s.pool.Begin(ctx)
		if err != nil {
			done <- err
			return
		}
		defer txB.Rollback(ctx)
		if err := bumpChange(ctx, txB, "race_b", c.Now(), false); err != nil {
			done <- err
			return
		}
		done <- txB.Commit(ctx)
	}()
	select {
	case err := <-done:
		t.Fatalf("the second writer did not wait for the first: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if got := changesAfter(t, s, base); len(got) != 0 {
		t.Fatalf("uncommitted changes visible: %v", got)
	}
	if err := txA.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := changesAfter(t, s, base); !slices.Equal(got, []string{"race_a", "race_b"}) {
		t.Errorf("feed %v, want race_a then race_b", got)
	}
}
