package register_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/register"
)

// Register's StringExtensionsTests (IsSimilarTo_TestPositive/Negative) and
// the names of PersonsControllerTests (see testdata/SOURCES.md), plus the
// four-character cut and its trimming.
func TestLastNamesSimilar(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"fràe", "frae", true},
		{"frãe", "frae", true},
		{"REèb", "reeb", true},
		{"ôröe", "Oroe", true},
		{"Åjue", "Ajue", false},
		{"làstnâme", "lastname", true},  // GetPerson_CorrectInput_OutcomeSuccessful
		{"låstnâme", "lastname", false}, // GetPerson_InvalidInput_ReturnsNotFound
		{"Tiger", "Tige", true},
		{"Tiger", "Tigerson", true},
		{"Tiger", "Tig", false},
		{"Roller", " roll ", true},
		{"  Tiger", "Ti", true}, // cut from the untrimmed name: "  Ti"
		{"", "", true},
		{"Øye", "Oye", false}, // Ø has no decomposition
	} {
		if got := parties.LastNamesSimilar(tt.a, tt.b); got != tt.want {
			t.Errorf("LastNamesSimilar(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}

func TestDecodeLastName(t *testing.T) {
	for in, want := range map[string]string{
		base64.StdEncoding.EncodeToString([]byte("Tiger")): "Tiger",
		base64.StdEncoding.EncodeToString([]byte("Ærlig")): "Ærlig",
		"VGln ZXI=": "Tiger", // whitespace inside is ignored
		"Tiger":     "Tiger", // not base64
		"Roller":    "Roller",
		"Berg":      "Berg", // base64, but not of UTF-8
		base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe}): base64.StdEncoding.EncodeToString([]byte{0xff, 0xfe}),
		"": "",
	} {
		if got := register.DecodeLastName(in); got != want {
			t.Errorf("DecodeLastName(%q) = %q, want %q", in, got, want)
		}
	}
}

// PersonsControllerTests over HTTP: the two credentials, the headers'
// checks, the loose last-name match, and the failed-attempt block.
func TestPersonsOverHTTP(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	const path = "/register/api/v1/persons/"
	pat := srv.TestToken(t, map[string]any{"type": "accesstoken", "issuer": "platform"})
	tiril := srv.TestToken(t, map[string]any{"type": "person", "pid": "12857841016"})
	kari := srv.TestToken(t, map[string]any{"type": "person", "pid": "21857841058"})
	org := srv.TestToken(t, map[string]any{"type": "enterprise", "orgNo": "991825827", "scopes": []string{"altinn:serviceowner"}, "exchange": true})
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	lookup := func(tok, pat, nin, last string) (int, string) {
		t.Helper()
		hdr := []string{}
		if pat != "" {
			hdr = append(hdr, "PlatformAccessToken", pat)
		}
		if nin != "" {
			hdr = append(hdr, register.HeaderNationalIdentityNumber, nin)
		}
		if last != "" {
			hdr = append(hdr, register.HeaderLastName, last)
		}
		st, _, b := srv.Do(t, "GET", path, tok, nil, hdr...)
		return st, string(b)
	}

	t.Run("found", func(t *testing.T) {
		st, b := lookup(tiril, pat, "21857841058", b64("roller"))
		var p register.Person
		if st != 200 || json.Unmarshal([]byte(b), &p) != nil || p.SSN != "21857841058" || p.Name != "Kari Uten Roller" || p.LastName != "Roller" ||
			p.FirstName != "Kari" || p.MiddleName == nil || *p.MiddleName != "Uten" {
			t.Fatalf("%d %s", st, b)
		}
		// A plain (not base64) last name, only its first four letters matching.
		if st, b := lookup(tiril, pat, "21857841058", "Rollerud"); st != 200 {
			t.Errorf("plain: %d %s", st, b)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		st, b := lookup(tiril, pat, "21857841058", "")
		if st != 400 || !strings.Contains(b, `"$HEADER/X-Ai-LastName"`) || !strings.Contains(b, "STD.VLD-00000") {
			t.Errorf("no last name: %d %s", st, b) // GetPerson_MissingParameters_ReturnsBadRequest
		}
		st, b = lookup(tiril, pat, "", "")
		if st != 400 || !strings.Contains(b, `"$HEADER/X-Ai-LastName"`) || !strings.Contains(b, `"$HEADER/X-Ai-NationalIdentityNumber"`) {
			t.Errorf("neither: %d %s", st, b)
		}
		st, b = lookup(tiril, pat, "21857841059", b64("Roller"))
		if st != 400 || !strings.Contains(b, "REG.VLD-00007") {
			t.Errorf("bad number: %d %s", st, b)
		}
	})
	t.Run("credentials", func(t *testing.T) {
		// GetPerson_CallAsOrg_OutcomeForbidden: no party uuid in the token.
		if st, b := lookup(org, pat, "21857841058", b64("Roller")); st != 403 || b != "" {
			t.Errorf("organisation: %d %s", st, b)
		}
		if st, b := lookup(tiril, "", "21857841058", b64("Roller")); st != 403 {
			t.Errorf("no platform token: %d %s", st, b)
		}
		if st, b := lookup(tiril, "garbage", "21857841058", b64("Roller")); st != 403 {
			t.Errorf("bad platform token: %d %s", st, b)
		}
		if st, b := lookup("", pat, "21857841058", b64("Roller")); st != 401 {
			t.Errorf("no user: %d %s", st, b)
		}
		if st, b := lookup("garbage", pat, "21857841058", b64("Roller")); st != 401 {
			t.Errorf("bad user token: %d %s", st, b)
		}
	})
	t.Run("blocked after ten misses", func(t *testing.T) {
		// GetPerson_InvalidInput_ReturnsNotFound, then
		// GetPerson_TooManyAttempts_OutcomeTooManyRequests. Kari's own
		// count; an unknown number and a wrong name count alike.
		for i := range register.PersonLookupPolicy.Limit {
			nin, last := "12857841016", b64("Lastname")
			if i%2 == 1 {
				nin, last = "02013299997", b64("Tiger")
			}
			st, b := lookup(kari, pat, nin, last)
			if st != 404 || !strings.Contains(b, `"code":"REG-00009"`) {
				t.Fatalf("miss %d: %d %s", i, st, b)
			}
		}
		st, b := lookup(kari, pat, "12857841016", b64("Tiger"))
		if st != 429 || !strings.Contains(b, `"code":"REG-00008"`) {
			t.Fatalf("blocked: %d %s", st, b)
		}
		// Another user is not blocked.
		if st, b := lookup(tiril, pat, "12857841016", b64("Tiger")); st != 200 {
			t.Errorf("Tiril: %d %s", st, b)
		}
		// The block ends an hour later (new tokens: the old ones expired).
		srv.Clock.Set(srv.Clock.Get() + register.PersonLookupPolicy.Block + time.Second)
		pat := srv.TestToken(t, map[string]any{"type": "accesstoken", "issuer": "platform"})
		kari := srv.TestToken(t, map[string]any{"type": "person", "pid": "21857841058"})
		if st, b := lookup(kari, pat, "12857841016", b64("Tiger")); st != 200 {
			t.Errorf("after the block: %d %s", st, b)
		}
	})
}
