package simpages

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/registry"
	"github.com/altinn-sim/altinn-sim/internal/requests"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
	"github.com/altinn-sim/altinn-sim/web"
)

// TestNewDefaults: without a logger or a clock the pages get a silent
// logger and the wall clock, never nil.
func TestNewDefaults(t *testing.T) {
	s, err := New(Deps{Web: web.FS})
	if err != nil {
		t.Fatal(err)
	}
	if s.d.Log == nil || s.d.Clock == nil {
		t.Fatalf("log %v, clock %v", s.d.Log, s.d.Clock)
	}
	if _, err := New(Deps{Web: web.FS, Dev: true}); err != nil {
		t.Fatal(err)
	}
}

// TestWhen: a time claim reads as a date and its distance from the
// emulator's clock, ahead, behind or now.
func TestWhen(t *testing.T) {
	now := time.Date(2027, 3, 4, 5, 6, 7, 0, time.UTC)
	for at, want := range map[time.Time]string{
		now.Add(90 * time.Second):        "2027-03-04T05:07:37Z (in 1m30s on the emulator's clock)",
		now.Add(-2 * time.Hour):          "2027-03-04T03:06:07Z (2h0m0s ago on the emulator's clock)",
		now.Add(400 * time.Millisecond):  "2027-03-04T05:06:07Z (now on the emulator's clock)",
		now.Add(-400 * time.Millisecond): "2027-03-04T05:06:06Z (now on the emulator's clock)",
	} {
		if got := when(at, now); got != want {
			t.Errorf("when(%v) = %q, want %q", at, got, want)
		}
	}
}

// TestRowsKeepOrderAndExplain: members in the JWT's own order, values
// as JSON without HTML escapes, unknown members said to be unread, time
// claims dated.
func TestRowsKeepOrderAndExplain(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	got := rows([]byte(`{"zz":"<b>","iss":"c","exp":1800000060,"aud":["a","b"]}`), grantClaims, now)
	if len(got) != 4 || got[0].Name != "zz" || got[1].Name != "iss" || got[2].Name != "exp" || got[3].Name != "aud" {
		t.Fatalf("order: %+v", got)
	}
	if got[0].Value != `"<b>"` || got[0].About != "Not a member this emulator reads." {
		t.Errorf("unknown member: %+v", got[0])
	}
	if got[1].About != grantClaims["iss"] || got[1].When != "" {
		t.Errorf("iss: %+v", got[1])
	}
	if !strings.Contains(got[2].When, "in 1m0s") {
		t.Errorf("exp: %+v", got[2])
	}
	if got[3].Value != `["a","b"]` {
		t.Errorf("aud: %+v", got[3])
	}
	if rows([]byte(`[1]`), grantClaims, now) != nil {
		t.Error("an array read as an object")
	}
}

func TestIndentAndCompact(t *testing.T) {
	if got := indent([]byte(`{"a":1}`)); got != "{\n  \"a\": 1\n}" {
		t.Errorf("indent: %q", got)
	}
	if got := indent([]byte(`{"a":`)); got != `{"a":` {
		t.Errorf("indent of broken JSON: %q", got)
	}
	if got := compact([]byte(` { "a" : "x&y" } `)); got != `{"a":"x&y"}` {
		t.Errorf("compact: %q", got)
	}
	if got := compact([]byte(`{"a":`)); got != `{"a":` {
		t.Errorf("compact of broken JSON: %q", got)
	}
}

// TestByStatus sums kinds per status, sorted by status.
func TestByStatus(t *testing.T) {
	got, total := byStatus([]requests.StatusCount{
		{Kind: "standard", Status: "New", Count: 2}, {Kind: "agent", Status: "Accepted", Count: 1},
		{Kind: "change", Status: "New", Count: 3}, {Kind: "standard", Status: "Rejected", Count: 4},
	})
	want := []requests.StatusCount{{Status: "Accepted", Count: 1}, {Status: "New", Count: 5}, {Status: "Rejected", Count: 4}}
	if total != 10 || len(got) != len(want) {
		t.Fatalf("byStatus: %+v, total %d", got, total)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("byStatus[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestWhyFor: the link names the first right's resource and action
// (read when the right has none), skipping attributes that are not the
// resource; without rights it leaves the resource empty.
func TestWhyFor(t *testing.T) {
	id := uuid.MustParse("ebe4a681-0a8c-429e-a36f-8f9ca942b59f")
	su := systemusers.SystemUser{ID: id, ReporteeOrgNo: "313725138", Rights: []registry.Right{
		{Resource: []registry.AttributePair{{ID: "urn:altinn:org", Value: "skd"}}},
		{Action: "write", Resource: []registry.AttributePair{{ID: "urn:altinn:org", Value: "skd"}, {ID: "urn:altinn:resource", Value: "first"}}},
		{Resource: []registry.AttributePair{{ID: "urn:altinn:resource", Value: "second"}}},
	}}
	want := "/sim/decisions/why?action=write&party=313725138&resource=first&subject=urn%3Aaltinn%3Asystemuser%3Auuid%3Aebe4a681-0a8c-429e-a36f-8f9ca942b59f"
	if got := whyFor(su); got != want {
		t.Errorf("whyFor = %s, want %s", got, want)
	}
	su.Rights = su.Rights[2:]
	if got := whyFor(su); !strings.Contains(got, "action=read&") || !strings.Contains(got, "resource=second&") {
		t.Errorf("right without action: %s", got)
	}
	su.Rights = nil
	if got := whyFor(su); !strings.Contains(got, "resource=&") {
		t.Errorf("no rights: %s", got)
	}
}
