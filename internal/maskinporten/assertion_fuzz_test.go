package maskinporten

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/jose"
	"github.com/altinn-sim/altinn-sim/internal/signing"
)

// FuzzParseAssertion feeds arbitrary assertions to the grant parser and
// the claim readers grant.go uses after it. Whatever fails must fail with
// a 400 Maskinporten error; whatever parses must be, by an independent
// reading of the input with the standard library, three parts whose first
// two are each exactly one JSON object (nothing after it: `{…}{…}` is
// MP-011), and the parsed alg and claims must be what that reading finds.
func FuzzParseAssertion(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	seeds := []string{
		"",
		"a.b.c",
		"a.b.c.d.e",
		enc([]byte(`{"alg":"RS256","kid":"k"}`)) + "." + enc([]byte(`{"iss":"c","aud":"http://x/","iat":1,"exp":2,"scope":"a:b"}`)) + ".c2ln",
		enc([]byte(`{"alg":"none"}`)) + "." + enc([]byte(`{}`)) + ".",
		enc([]byte(`{"alg":"RS256","x5c":"abc"}`)) + "." + enc([]byte(`{"aud":["a","b"],"iat":"x"}`)) + ".AA",
		enc([]byte(`{"alg":"RS256","kid":"k"}`)) + "." + enc([]byte(`{"authorization_details":[{"type":"urn:altinn:systemuser","systemuser_org":{"authority":"iso6523-actorid-upis","ID":"0192:313725138"},"externalRef":"x"}]}`)) + ".AA",
		enc([]byte(`{"alg":"RS256","kid":"k"}`)) + "." + enc([]byte(`{"authorization_details":{"type":"urn:altinn:systemuser","systemuser_org":{"id":1}}}`)) + ".AA",
		enc([]byte(`{"alg":1}`)) + "." + enc([]byte(`[]`)) + ".AA",
		enc([]byte(`{"alg":"RS256"} x`)) + "." + enc([]byte(`{"exp":1e400}`)) + ".AA",
		enc([]byte(`{"alg":"RS256"}{"alg":"RS256"}`)) + "." + enc([]byte(`{"iss":"c"}`)) + ".AA",
		enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"iss":"c"}{"iss":"d"}`)) + ".AA",
		enc([]byte(`{"alg":"RS256"}}`)) + "." + enc([]byte(`{"iss":"c"}]`)) + ".AA",
		enc([]byte(`{"alg":"RS256","crit":["exp"],"exp":1}`)) + "." + enc([]byte(`{"iss":"c"}`)) + ".AA",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		a, e := parseAssertion(raw)
		if e != nil {
			if a != nil || e.Code == "" || e.Description == "" || e.Status != 400 {
				t.Fatalf("bad error for %q: %+v", raw, e)
			}
			return
		}
		parts := strings.Split(raw, ".")
		if len(parts) != 3 {
			t.Fatalf("parsed %d parts: %q", len(parts), raw)
		}
		var header, claims map[string]any
		for i, into := range []*map[string]any{&header, &claims} {
			b, err := base64.RawURLEncoding.DecodeString(parts[i])
			if err != nil {
				t.Fatalf("part %d is not base64url but parsed: %q", i, raw)
			}
			if err := json.Unmarshal(b, into); err != nil || *into == nil {
				t.Fatalf("part %d is not exactly one JSON object (%v) but parsed: %q", i, err, b)
			}
		}
		if alg, _ := header["alg"].(string); alg == "" || alg != a.header.Alg.V {
			t.Fatalf("alg %q parsed as %q", header["alg"], a.header.Alg.V)
		}
		if string(a.signingInput) != parts[0]+"."+parts[1] {
			t.Fatalf("signing input %q is not the first two parts of %q", a.signingInput, raw)
		}
		for name, got := range map[string]jose.String{"iss": a.claims.iss, "jti": a.claims.jti, "scope": a.claims.scope} {
			want, isString := claims[name].(string)
			if isString != (got.Err == nil && got.Present) || want != got.V {
				t.Fatalf("claim %s: %v read as %+v", name, claims[name], got)
			}
		}
		if a.claims.authorizationDetails != nil {
			elems, e := splitDetails(a.claims.authorizationDetails)
			if e == nil {
				for _, el := range elems {
					d, e := parseSystemUserDetail(el)
					if e == nil && !signing.NineDigits(d.ownerOrgNo) {
						t.Fatalf("accepted owner %q", d.ownerOrgNo)
					}
				}
			}
		}
	})
}
