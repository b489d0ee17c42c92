package register_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/register"
)

// Register's PartiesControllerTests.PartyNamesLookupQueryParameterHandlingData
// and PartyNamesLookupInvalidQueryParameters.
func TestParseComponents(t *testing.T) {
	tests := []struct {
		in    []string
		names bool
		bad   []string
	}{
		{nil, false, nil},
		{[]string{""}, false, nil},
		{[]string{"person-name"}, true, nil},
		{[]string{" person-name , "}, true, nil},
		{[]string{"none"}, false, []string{"Invalid value: 'none'"}},
		{[]string{"non-existent"}, false, []string{"Invalid value: 'non-existent'"}},
		{[]string{"Person-Name"}, false, []string{"Invalid value: 'Person-Name'"}},
		{[]string{"person-name,x", "y"}, true, []string{"Invalid value: 'x'", "Invalid value: 'y'"}},
	}
	for _, tt := range tests {
		names, bad := register.ParseComponents(tt.in)
		if names != tt.names || !slices.Equal(bad, tt.bad) {
			t.Errorf("%q: %v %v", tt.in, names, bad)
		}
	}
}

func TestCheckNames(t *testing.T) {
	s := register.New(nil, false)
	if p := s.CheckNames(register.NamesLookup{}); p != nil {
		t.Errorf("empty: %+v", p)
	}
	p := s.CheckNames(register.NamesLookup{Parties: []register.Lookup{{OrgNo: str("313725138")}, {OrgNo: str("313725139")}, {}}})
	if p == nil || len(p.ValidationErrors) != 2 || p.ValidationErrors[0].Code != "REG.VLD-00006" ||
		!slices.Equal(p.ValidationErrors[0].Paths, []string{"/parties/1/orgNo"}) || p.ValidationErrors[1].Code != "STD.VLD-00000" ||
		!slices.Equal(p.ValidationErrors[1].Paths, []string{"/parties/2/ssn", "/parties/2/orgNo"}) {
		t.Errorf("%+v", p)
	}
	many := make([]register.Lookup, register.MaxNamesLookup+1)
	if p := s.CheckNames(register.NamesLookup{Parties: many}); p == nil || p.ValidationErrors[0].Code != "REG.VLD-00001" ||
		p.ValidationErrors[0].Detail != "A maximum of 1000 items are allowed." {
		t.Errorf("too many: %+v", p)
	}
}

func TestNamesLookupOverHTTP(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	tok := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "313725138", "scopes": []string{register.ScopeLookup}})
	body := map[string]any{"parties": []map[string]any{{"orgNo": "111111111"}, {"orgNo": "313725138"}, {"orgNo": "313725138"}, {"ssn": "21857841058"}}}

	st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/nameslookup", tok, body)
	var out register.NamesResult
	if st != 200 || json.Unmarshal(b, &out) != nil || len(out.PartyNames) != 4 {
		t.Fatalf("%d %s", st, b)
	}
	if out.PartyNames[0].Name != nil || *out.PartyNames[0].OrgNo != "111111111" || *out.PartyNames[1].Name != "Rakrygget Spesifikk Tiger AS" ||
		*out.PartyNames[2].Name != "Rakrygget Spesifikk Tiger AS" || *out.PartyNames[3].Name != "Kari Uten Roller" || out.PartyNames[3].PersonName != nil {
		t.Errorf("%s", b)
	}
	if strings.Contains(string(b), "personName") {
		t.Errorf("personName without the option: %s", b)
	}
	st, _, b = srv.Do(t, "POST", "/register/api/v1/parties/nameslookup?partyComponentOption=person-name", tok, body)
	if st != 200 || json.Unmarshal(b, &out) != nil || out.PartyNames[3].PersonName == nil || *out.PartyNames[3].PersonName.MiddleName != "Uten" ||
		out.PartyNames[1].PersonName != nil {
		t.Errorf("person-name: %d %s", st, b)
	}
	st, _, b = srv.Do(t, "POST", "/register/api/v1/parties/nameslookup?partyComponentOption=none", tok, body)
	if st != 400 || !strings.Contains(string(b), `"errors":{"partyComponentOption":["Invalid value: 'none'"]}`) {
		t.Errorf("none: %d %s", st, b)
	}
	if st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/nameslookup", tok, map[string]any{}); st != 200 || string(b) != `{"partyNames":[]}` {
		t.Errorf("no parties: %d %s", st, b)
	}
	if st, _, b := srv.Do(t, "POST", "/register/api/v1/parties/nameslookup", tok, map[string]any{"parties": []map[string]any{{"orgNo": "313725138"}, {"orgNo": "313725139"}}}); st != 400 ||
		!strings.Contains(string(b), `"/parties/1/orgNo"`) {
		t.Errorf("bad second: %d %s", st, b)
	}
}
