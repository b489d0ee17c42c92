package accesslists

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestETagRoundTrip: the ETag is the registry's W/"<base64url of
// {"version":"n"}>", and only such tags (or *) are read back.
func TestETagRoundTrip(t *testing.T) {
	if got := ETag(5); got != `W/"eyJ2ZXJzaW9uIjoiNSJ9"` {
		t.Errorf("ETag(5) = %s", got)
	}
	for _, v := range []int64{0, 1, 42, 1 << 40} {
		n, ok := decodeETag(ETag(v)[3 : len(ETag(v))-1])
		if !ok || n != v {
			t.Errorf("round trip %d: %d %v", v, n, ok)
		}
	}
	// The registry reads the number from a string or a number.
	if n, ok := decodeETag("eyJ2ZXJzaW9uIjo3fQ"); !ok || n != 7 { // {"version":7}
		t.Errorf("number form: %d %v", n, ok)
	}
	for _, bad := range []string{"", "!!", "e30", "eyJ2ZXJzaW9uIjoiLTEifQ", "eyJ2ZXJzaW9uIjoieCJ9"} { // {}, -1, "x"
		if _, ok := decodeETag(bad); ok {
			t.Errorf("decodeETag(%q) accepted", bad)
		}
	}
}

func conds(t *testing.T, method string, hdr ...string) Conditions {
	t.Helper()
	r := httptest.NewRequest(method, "/", nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Add(hdr[i], hdr[i+1])
	}
	c, err := ParseConditions(r)
	if err != nil {
		t.Fatalf("%v: %v", hdr, err)
	}
	return c
}

// TestConditions: each header against an entity at version 7 modified at
// 12:00:00.5 (compared to the second, as HttpDateTimeHeaderValue does).
func TestConditions(t *testing.T) {
	mod := time.Date(2026, 1, 2, 12, 0, 0, 500_000_000, time.UTC)
	at := func(d time.Duration) string { return mod.Truncate(time.Second).Add(d).Format(http.TimeFormat) }
	cases := []struct {
		name   string
		method string
		hdr    []string
		want   Outcome
		create bool // AllowsCreate
	}{
		{"none", "PUT", nil, Succeeded, true},
		{"If-Match current", "PUT", []string{"If-Match", ETag(7)}, Succeeded, false},
		{"If-Match one of two", "PUT", []string{"If-Match", ETag(3) + ", " + ETag(7)}, Succeeded, false},
		{"If-Match old", "PUT", []string{"If-Match", ETag(6)}, Failed, false},
		{"If-Match *", "PUT", []string{"If-Match", "*"}, Succeeded, false},
		{"If-None-Match * on write", "PUT", []string{"If-None-Match", "*"}, Failed, true},
		{"If-None-Match * on read", "GET", []string{"If-None-Match", "*"}, Unmodified, true},
		{"If-None-Match current on read", "GET", []string{"If-None-Match", ETag(7)}, Unmodified, true},
		{"If-None-Match current on write", "DELETE", []string{"If-None-Match", ETag(7)}, Failed, true},
		{"If-None-Match old", "GET", []string{"If-None-Match", ETag(6)}, Succeeded, true},
		{"If-Modified-Since same second, read", "GET", []string{"If-Modified-Since", at(0)}, Unmodified, false},
		{"If-Modified-Since a second before", "GET", []string{"If-Modified-Since", at(-time.Second)}, Succeeded, false},
		{"If-Modified-Since same second, write", "POST", []string{"If-Modified-Since", at(0)}, Failed, false},
		{"If-Unmodified-Since same second", "PUT", []string{"If-Unmodified-Since", at(0)}, Succeeded, true},
		{"If-Unmodified-Since a second before", "PUT", []string{"If-Unmodified-Since", at(-time.Second)}, Failed, true},
		// A date counts only without its ETag counterpart.
		{"If-Match wins over If-Unmodified-Since", "PUT", []string{"If-Match", ETag(7), "If-Unmodified-Since", at(-time.Second)}, Succeeded, false},
		{"If-None-Match wins over If-Modified-Since", "GET", []string{"If-None-Match", ETag(6), "If-Modified-Since", at(0)}, Succeeded, true},
		// A bad or repeated date is ignored.
		{"bad date", "PUT", []string{"If-Unmodified-Since", "yesterday"}, Succeeded, true},
		{"two dates", "PUT", []string{"If-Unmodified-Since", at(-time.Second), "If-Unmodified-Since", at(-time.Second)}, Succeeded, true},
		// Failed beats Unmodified.
		{"both kinds", "GET", []string{"If-Match", ETag(6), "If-None-Match", ETag(7)}, Failed, false},
	}
	for _, c := range cases {
		got := conds(t, c.method, c.hdr...)
		if o := got.Check(7, mod); o != c.want {
			t.Errorf("%s: %d, want %d", c.name, o, c.want)
		}
		if a := got.AllowsCreate(); a != c.create {
			t.Errorf("%s: AllowsCreate %v, want %v", c.name, a, c.create)
		}
	}
	// A paging token's version is one more If-Match.
	if o := conds(t, "GET").WithMatch(6).Check(7, mod); o != Failed {
		t.Errorf("token of an older version: %d", o)
	}
	for _, bad := range [][]string{{"If-Match", `"strong"`}, {"If-None-Match", `W/"x"`}, {"If-Match", `W/`}} {
		r := httptest.NewRequest("PUT", "/", nil)
		r.Header.Set(bad[0], bad[1])
		if _, err := ParseConditions(r); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestParsePartyURN: the registry's three PartyUrn forms, nothing else.
func TestParsePartyURN(t *testing.T) {
	for s, want := range map[string]PartyRef{
		"urn:altinn:organization:identifier-no:313725138": {OrgNo: "313725138"},
		"urn:altinn:party:id:50000003":                    {ID: 50000003},
	} {
		if got, ok := ParsePartyURN(s); !ok || got != want || got.String() != s {
			t.Errorf("%s: %+v %v", s, got, ok)
		}
	}
	if got, ok := ParsePartyURN("urn:altinn:party:uuid:11111111-0000-0000-0000-000000000003"); !ok || got.UUID.String() != "11111111-0000-0000-0000-000000000003" {
		t.Errorf("uuid: %+v %v", got, ok)
	}
	for _, bad := range []string{"", "313725138", "urn:altinn:organization:identifier-no:31372513", "urn:altinn:organization:identifier-no:3137251388",
		"urn:altinn:organization:identifier-no:31372513x", "urn:altinn:party:id:-1", "urn:altinn:party:id:+1", "urn:altinn:party:id:", "urn:altinn:party:id:99999999999",
		"urn:altinn:party:uuid:{11111111-0000-0000-0000-000000000003}", "urn:altinn:party:uuid:x", "urn:altinn:person:identifier-no:12857841016"} {
		if _, ok := ParsePartyURN(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	for s, ok := range map[string]bool{"urn:altinn:resource:ttd-res": true, "urn:altinn:resource:abc": false, "urn:altinn:resource:Abcd": false,
		"urn:altinn:resource:ab_c-1": true, "urn:altinn:app:abcd": false} {
		if _, got := ParseResourceURN(s); got != ok {
			t.Errorf("ParseResourceURN(%q) = %v", s, got)
		}
	}
}

// TestDecide: Authorization's rule over the memberships read.
func TestDecide(t *testing.T) {
	all := Membership{ListOwner: "ttd", ListIdentifier: "a"}
	read := Membership{ListOwner: "ttd", ListIdentifier: "b", Actions: []string{"read"}}
	if d := decide(nil, "read"); d.Authorized || d.List != "" {
		t.Errorf("no membership: %+v", d)
	}
	if d := decide([]Membership{read}, "write"); d.Authorized || d.List != "urn:altinn:access-list:ttd:b" {
		t.Errorf("filter without the action: %+v", d)
	}
	if d := decide([]Membership{read, all}, "write"); !d.Authorized || d.List != "urn:altinn:access-list:ttd:a" {
		t.Errorf("a second list without filter: %+v", d)
	}
	if d := decide([]Membership{read}, "read"); !d.Authorized || d.List != "urn:altinn:access-list:ttd:b" {
		t.Errorf("filter with the action: %+v", d)
	}
}
