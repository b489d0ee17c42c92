package tokens

import (
	"encoding/base64"
	"strings"
	"testing"
)

// FuzzParseAssertion feeds arbitrary assertions to the grant parser and
// the claim readers grant.go uses after it: none may panic, and whatever
// parses must be consistent with its input.
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
		if a.alg == "" || a.header == nil || a.claims == nil {
			t.Fatalf("parsed without alg/header/claims: %q", raw)
		}
		if i := strings.LastIndexByte(raw, '.'); string(a.signingInput) != raw[:i] {
			t.Fatalf("signing input %q is not the first two parts of %q", a.signingInput, raw)
		}
		_, _, _ = stringMember(a.claims, "iss")
		_, _, _ = stringsMember(a.claims, "aud")
		_, _, _ = numericMember(a.claims, "iat")
		_, _, _ = numericMember(a.claims, "exp")
		if rawAD, ok := a.claims["authorization_details"]; ok {
			elems, e := splitDetails(rawAD)
			if e == nil {
				for _, el := range elems {
					d, e := parseSystemUserDetail(el)
					if e == nil && !nineDigits(d.ownerOrgNo) {
						t.Fatalf("accepted owner %q", d.ownerOrgNo)
					}
				}
			}
		}
	})
}
