package register_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/register"
)

// PartiesController's lists and identifiers, with the rules of
// GetPartyIdentifiers' query checks.
func TestPartyListsOverHTTP(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "313725138", "scopes": []string{register.ScopeLookup}})
	do := func(method, path string, body any) (int, string) {
		st, _, b := srv.Do(t, method, path, tok, body)
		return st, string(b)
	}

	t.Run("partylist", func(t *testing.T) {
		st, b := do("POST", "/register/api/v1/parties/partylist", []int{50000004, 49999999, 50100003, 50000004})
		var out []register.Party
		if st != 200 || json.Unmarshal([]byte(b), &out) != nil || len(out) != 2 || out[0].PartyID != 50000004 || out[1].PartyID != 50100003 {
			t.Errorf("%d %s", st, b)
		}
		if st, b := do("POST", "/register/api/v1/parties/partylist", []int{49999999}); st != 404 {
			t.Errorf("none: %d %s", st, b)
		}
		if st, b := do("POST", "/register/api/v1/parties/partylist", []int{50000004, 0, -1}); st != 400 ||
			!strings.Contains(b, `"paths":["/1"]`) || !strings.Contains(b, `"paths":["/2"]`) || !strings.Contains(b, "REG.VLD-00009") {
			t.Errorf("bad ids: %d %s", st, b)
		}
		if st, b := do("POST", "/register/api/v1/parties/partylist", []any{9999999999}); st != 400 {
			t.Errorf("beyond int: %d %s", st, b)
		}
		if st, b := do("POST", "/register/api/v1/parties/partylist?fetchSubUnits=maybe", []int{50000004}); st != 400 || !strings.Contains(b, `"fetchSubUnits"`) {
			t.Errorf("bad flag: %d %s", st, b)
		}
	})

	t.Run("partylistbyuuid", func(t *testing.T) {
		st, b := do("POST", "/register/api/v1/parties/lookup", map[string]any{"orgNo": "310385980"})
		var p register.Party
		if st != 200 || json.Unmarshal([]byte(b), &p) != nil {
			t.Fatalf("%d %s", st, b)
		}
		st, b = do("POST", "/register/api/v1/parties/partylistbyuuid?fetchSubUnits=true", []string{p.PartyUUID.String(), "00000000-0000-0000-0000-000000000001"})
		var out []register.Party
		if st != 200 || json.Unmarshal([]byte(b), &out) != nil || len(out) != 1 || out[0].PartyID != p.PartyID {
			t.Errorf("%d %s", st, b)
		}
		if st, b := do("POST", "/register/api/v1/parties/partylistbyuuid", []string{"00000000-0000-0000-0000-000000000001"}); st != 200 || b != "[]" {
			t.Errorf("none: %d %s", st, b)
		}
		if st, b := do("POST", "/register/api/v1/parties/partylistbyuuid", []string{"nope"}); st != 400 {
			t.Errorf("bad uuid: %d %s", st, b)
		}
	})

	t.Run("identifiers", func(t *testing.T) {
		st, b := do("GET", "/register/api/v1/parties/identifiers?ids=50000004,50100003&orgs=310385980&orgs=313725138", nil)
		var out []map[string]any
		if st != 200 || json.Unmarshal([]byte(b), &out) != nil || len(out) != 3 {
			t.Fatalf("%d %s", st, b)
		}
		if out[0]["orgNumber"] != "310385980" || out[1]["partyId"] != float64(50100003) || out[2]["orgNumber"] != "313725138" {
			t.Errorf("%s", b)
		}
		if _, ok := out[1]["orgNumber"]; ok || strings.Contains(b, "ssn") {
			t.Errorf("a person's identifiers: %s", b)
		}
		tests := []struct{ query, code, detail string }{
			{"", "STD.VLD-00000", "At least one of the query parameters 'ids', 'uuids' or 'orgs' must be provided"},
			{"?ids=x", "REG.VLD-00009", "Invalid id: x"},
			{"?ids=-1", "REG.VLD-00009", "Invalid id: -1"},
			{"?uuids=nope", "REG.VLD-00010", "Invalid uuid: nope"},
			{"?orgs=310385981", "REG.VLD-00006", "Invalid organization number: 310385981"},
			{"?ids=" + strings.Repeat("1,", 100) + "1", "REG.VLD-00001", "Maximum number of identifiers is 100"},
		}
		for _, tt := range tests {
			st, b := do("GET", "/register/api/v1/parties/identifiers"+tt.query, nil)
			if st != 400 || !strings.Contains(b, `"code":"`+tt.code+`"`) || !strings.Contains(b, tt.detail) {
				t.Errorf("%q: %d %s", tt.query, st, b)
			}
		}
	})
}
