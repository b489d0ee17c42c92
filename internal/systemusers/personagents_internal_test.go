package systemusers

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// TestLastNameMatches: Access Management's IsSimilarTo compares the first
// four characters, trimmed, ignoring case and diacritics but not Å
// (StringExtensions.IsSimilarTo, Altinn/altinn-authorization-tmp, MIT).
func TestLastNameMatches(t *testing.T) {
	for _, c := range []struct {
		registered, given string
		want              bool
	}{
		{"Roller", "Roller", true},
		{"Roller", "roller", true},
		{"Roller", "ROLLER ", true},
		// IsSimilarTo cuts the untrimmed text (text.Remove(4)) when the
		// trimmed one is longer than four: leading blanks use up the four.
		{"Roller", "  ROLLER ", false},
		{"Roller", " Rollerud", false},
		{"Roller", " Roll", true},       // trimmed, four: not cut
		{"Roller", "Roll", true},        // four characters decide
		{"Roller", "Rollefsen", true},   // ... even for another name
		{"Roller", "Rol", false},        // three are not four
		{"Roller", "Nordmann", false},   // another name
		{"Roller", "", false},           // no last name given
		{"", "", false},                 // a person without a last name never matches
		{"Sørensen", "Sorensen", false}, // ø is a letter, not o with a mark
		{"Müller", "Muller", true},      // a diacritic is ignored
		{"Ålesund", "Alesund", false},   // Å is kept
		{"Ålesund", "ålesund", true},
		{"Éa", "ea", true},
	} {
		if got := lastNameMatches(c.registered, c.given); got != c.want {
			t.Errorf("lastNameMatches(%q, %q) = %v, want %v", c.registered, c.given, got, c.want)
		}
	}
}

func TestPersonLastName(t *testing.T) {
	for name, want := range map[string]string{"Kari Uten Roller": "Roller", "Ada Digital": "Digital", "Cher": "", "": "", " Ola  Nordmann ": "Nordmann"} {
		if got := personLastName(name); got != want {
			t.Errorf("personLastName(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestCheckPersonInput: LookupProfile's first check (InputValidation,
// Altinn/altinn-authorization-tmp, MIT): each blank field is
// STD.VLD-00000 at its path with the platform's message; the identifier
// is not checked as a national identity number (it may be a username).
func TestCheckPersonInput(t *testing.T) {
	for _, c := range []struct {
		name   string
		person PersonInput
		paths  []string // nil: valid
	}{
		{"a person", PersonInput{"21857841058", "Roller"}, nil},
		{"bad check digits", PersonInput{"21857841059", "Roller"}, nil},
		{"a username", PersonInput{"kari", "Roller"}, nil},
		{"no identifier", PersonInput{"  ", "Roller"}, []string{"/PersonIdentifier"}},
		{"no last name", PersonInput{"21857841058", " "}, []string{"/LastName"}},
		{"neither", PersonInput{"", ""}, []string{"/PersonIdentifier", "/LastName"}},
	} {
		err := checkPersonInput(c.person)
		if c.paths == nil {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var p *problem.Problem
		if !errors.As(err, &p) || p.Status != 400 || len(p.ValidationErrors) != len(c.paths) {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for i, e := range p.ValidationErrors {
			if e.Code != "STD.VLD-00000" || !slices.Equal(e.Paths, []string{c.paths[i]}) || len(e.Extensions) != 1 {
				t.Errorf("%s: error %d %+v, want STD.VLD-00000 at %s", c.name, i, e, c.paths[i])
			}
		}
	}
}

// TestLookupGuard: two failed lookups within the hour block the third;
// an hour after the last failure, or after a reset, lookups go again;
// callers are counted apart.
func TestLookupGuard(t *testing.T) {
	var g lookupGuard
	t0 := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	if g.blocked("a", t0) {
		t.Fatal("blocked before any failure")
	}
	g.fail("a", t0)
	if g.blocked("a", t0) {
		t.Fatal("blocked after one failure")
	}
	g.fail("a", t0.Add(30*time.Minute))
	if !g.blocked("a", t0.Add(30*time.Minute)) || !g.blocked("a", t0.Add(89*time.Minute)) {
		t.Fatal("not blocked after two failures")
	}
	if g.blocked("b", t0.Add(30*time.Minute)) {
		t.Fatal("another caller blocked")
	}
	if g.blocked("a", t0.Add(90*time.Minute)) {
		t.Fatal("still blocked an hour after the last failure")
	}
	g.fail("a", t0.Add(91*time.Minute)) // a fresh count after expiry
	if g.blocked("a", t0.Add(91*time.Minute)) {
		t.Fatal("an expired count carried over")
	}
	g.fail("a", t0.Add(92*time.Minute))
	g.reset()
	if g.blocked("a", t0.Add(92*time.Minute)) {
		t.Fatal("blocked after reset")
	}
}
