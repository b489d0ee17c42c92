package resources_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/resources"
)

type page struct {
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
	Data []map[string]any `json:"data"`
}

func decodePage(t *testing.T, b []byte) page {
	t.Helper()
	var p page
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if !strings.Contains(string(b), `"links":{"next":`) {
		t.Errorf("no links.next member: %s", b)
	}
	return p
}

// pathOf is the path and query of an absolute next link.
func pathOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || !u.IsAbs() {
		t.Fatalf("next link %q is not absolute: %v", link, err)
	}
	return u.RequestURI()
}

// The registry's read views and feeds over HTTP, with the status codes and
// bodies of its own controller tests.
func TestRegistryReadsOverHTTP(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	e := e2e{t: t, srv: srv}
	const base = "/resourceregistry/api/v1/resource"

	t.Run("policy subjects", func(t *testing.T) {
		st, _, b := e.do("GET", base+"/ske-mva-melding/policy/subjects", "", "", nil)
		if st != 200 {
			t.Fatalf("%d %s", st, b)
		}
		p := decodePage(t, b)
		if p.Links.Next != nil || len(p.Data) == 0 {
			t.Fatalf("%s", b)
		}
		found := false
		for _, s := range p.Data {
			if s["urn"] == "urn:altinn:rolecode:dagl" && s["type"] == "urn:altinn:rolecode" && s["value"] == "dagl" {
				found = true
			}
		}
		if !found {
			t.Errorf("no DAGL subject: %s", b)
		}
		// reloadFromXacml is accepted; a value that is no bool is ASP.NET's binding error.
		if st, _, b := e.do("GET", base+"/ske-mva-melding/policy/subjects?reloadFromXacml=true", "", "", nil); st != 200 {
			t.Errorf("reload: %d %s", st, b)
		}
		st, _, b = e.do("GET", base+"/ske-mva-melding/policy/subjects?reloadFromXacml=maybe", "", "", nil)
		if st != 400 || !strings.Contains(string(b), `"errors":{"reloadFromXacml":["The value 'maybe' is not valid."]}`) {
			t.Errorf("bad bool: %d %s", st, b)
		}
		st, _, b = e.do("GET", base+"/no-such-resource/policy/subjects", "", "", nil)
		if st != 404 || !strings.Contains(string(b), `"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5"`) {
			t.Errorf("unknown resource: %d %s", st, b)
		}
	})

	t.Run("bysubjects", func(t *testing.T) {
		st, _, b := e.do("POST", base+"/bysubjects", "", "application/json", strings.NewReader(`["urn:altinn:rolecode:dagl","urn:altinn:accesspackage:merverdiavgift","urn:altinn:rolecode:nobody"]`))
		if st != 200 {
			t.Fatalf("%d %s", st, b)
		}
		var out struct {
			Data []resources.SubjectResources `json:"data"`
		}
		if err := json.Unmarshal(b, &out); err != nil || len(out.Data) != 2 {
			t.Fatalf("%v %s", err, b)
		}
		for _, sr := range out.Data {
			if sr.Subject.URN == "urn:altinn:accesspackage:merverdiavgift" &&
				(len(sr.Resources) != 1 || sr.Resources[0].URN != "urn:altinn:resource:ske-mva-melding" || sr.Resources[0].Type != "urn:altinn:resource") {
				t.Errorf("merverdiavgift: %+v", sr)
			}
		}
		// The platform's path has a trailing slash; both are served.
		if st, _, b := e.do("POST", base+"/bysubjects/", "", "application/json", strings.NewReader(`[]`)); st != 200 || !strings.Contains(string(b), `"data":[]`) {
			t.Errorf("trailing slash, empty list: %d %s", st, b)
		}
		for _, bad := range []string{`{"subjects":[]}`, `null`, `[1]`, ``} {
			if st, _, b := e.do("POST", base+"/bysubjects", "", "application/json", strings.NewReader(bad)); st != 400 {
				t.Errorf("body %q: %d %s", bad, st, b)
			}
		}
	})

	t.Run("rights v1", func(t *testing.T) {
		st, _, b := e.do("GET", base+"/ske-mva-melding/policy/rights", "", "", nil)
		if st != 200 {
			t.Fatalf("%d %s", st, b)
		}
		var rights []resources.PolicyRight
		if err := json.Unmarshal(b, &rights); err != nil || len(rights) == 0 {
			t.Fatalf("%v %s", err, b)
		}
		r := rights[0]
		if r.Action.Type != resources.AttrActionID || r.RightKey == "" || len(r.Subjects) == 0 || len(r.SubjectTypes) == 0 {
			t.Errorf("%+v", r)
		}
		if st, _, b := e.do("GET", base+"/no-such-resource/policy/rights", "", "", nil); st != 404 {
			t.Errorf("unknown: %d %s", st, b)
		}
		// [Consumes("application/json")] on a GET: another Content-Type is 415.
		if st, _, b := e.do("GET", base+"/ske-mva-melding/policy/rights", "", "application/json; charset=utf-8", nil); st != 200 {
			t.Errorf("json content type: %d %s", st, b)
		}
		for _, path := range []string{base + "/ske-mva-melding/policy/rights", base + "/ske-mva-melding/policy/subjects",
			"/resourceregistry/api/v2/resource/ske-mva-melding/policy/rights"} {
			if st, _, b := e.do("GET", path, "", "text/plain", nil); st != 415 {
				t.Errorf("%s as text/plain: %d %s", path, st, b)
			}
		}
	})

	t.Run("rights v2", func(t *testing.T) {
		st, _, b := e.do("GET", "/resourceregistry/api/v2/resource/ske-mva-melding/policy/rights", "", "", nil, "Accept-Language", "en")
		if st != 200 {
			t.Fatalf("%d %s", st, b)
		}
		var rights []resources.RightV2
		if err := json.Unmarshal(b, &rights); err != nil || len(rights) == 0 {
			t.Fatalf("%v %s", err, b)
		}
		names := map[string]bool{}
		for _, r := range rights {
			names[r.Name] = true
			if !strings.HasPrefix(r.Key, "01") || len(r.Resource) != 1 || r.Resource[0].Value != "ske-mva-melding" {
				t.Errorf("%+v", r)
			}
		}
		if !names["Read"] {
			t.Errorf("names %v", names)
		}
		st, _, b = e.do("GET", "/resourceregistry/api/v2/resource/ske-mva-melding/policy/rights?includeServiceOwnerRights=yes", "", "", nil)
		if st != 400 || !strings.Contains(string(b), `"includeServiceOwnerRights"`) {
			t.Errorf("bad flag: %d %s", st, b)
		}
		if st, _, b := e.do("GET", "/resourceregistry/api/v2/resource/no-such-resource/policy/rights", "", "", nil); st != 404 {
			t.Errorf("unknown: %d %s", st, b)
		}
	})

	t.Run("updated", func(t *testing.T) {
		st, _, b := e.do("GET", base+"/updated/?limit=2", "", "", nil)
		if st != 200 {
			t.Fatalf("%d %s", st, b)
		}
		p := decodePage(t, b)
		if len(p.Data) != 2 || p.Links.Next == nil {
			t.Fatalf("%s", b)
		}
		if !strings.Contains(*p.Links.Next, "/resourceregistry/api/v1/resource/updated?since=") || !strings.Contains(*p.Links.Next, "%3A") ||
			!strings.Contains(*p.Links.Next, "%2B00%3A00&token=") || !strings.HasSuffix(*p.Links.Next, "&limit=2") {
			t.Errorf("next %s", *p.Links.Next)
		}
		// Following the links visits every pair once.
		seen := map[string]bool{}
		total := 0
		next := p.Links.Next
		for _, item := range p.Data {
			seen[item["resourceUrn"].(string)+" "+item["subjectUrn"].(string)] = true
			total++
		}
		for next != nil {
			st, _, b := e.do("GET", pathOf(t, *next), "", "", nil)
			if st != 200 {
				t.Fatalf("%d %s", st, b)
			}
			p := decodePage(t, b)
			for _, item := range p.Data {
				seen[item["resourceUrn"].(string)+" "+item["subjectUrn"].(string)] = true
				total++
			}
			next = p.Links.Next
		}
		st, _, b = e.do("GET", base+"/updated", "", "", nil)
		all := decodePage(t, b)
		if st != 200 || all.Links.Next != nil || len(all.Data) != total || len(seen) != total {
			t.Errorf("paged %d (%d distinct), whole %d", total, len(seen), len(all.Data))
		}
		if u, ok := all.Data[0]["updatedAt"].(string); !ok || !strings.HasSuffix(u, "+00:00") {
			t.Errorf("updatedAt %v", all.Data[0]["updatedAt"])
		}

		st, _, b = e.do("GET", base+"/updated?since=xxx", "", "", nil)
		if st != 400 || !strings.Contains(string(b), `"errors":{"since":["The value 'xxx' is not valid."]}`) {
			t.Errorf("since=xxx: %d %s", st, b)
		}
		if st, _, b := e.do("GET", base+"/updated?token=xxx", "", "", nil); st != 400 || !strings.Contains(string(b), `"token"`) {
			t.Errorf("token=xxx: %d %s", st, b)
		}
		for _, l := range []string{"0", "1001", "100000"} {
			st, _, b := e.do("GET", base+"/updated?limit="+l, "", "", nil)
			if st != 400 || !strings.Contains(string(b), `"code":"RR.VLD-00008"`) {
				t.Errorf("limit=%s: %d %s", l, st, b)
			}
		}
		// A far future since gives an empty page; a token made by hand
		// as the registry's test does is read.
		tok := base64.RawURLEncoding.EncodeToString([]byte(`{"ResourceUrn":"urn:altinn:resource:second","SubjectUrn":"urn:altinn:rolecode:foobar"}`))
		st, _, b = e.do("GET", base+"/updated/?Since=2999-02-01T00:00:00.0000000%2B00:00&token="+tok+"&limit=2", "", "", nil)
		if p := decodePage(t, b); st != 200 || len(p.Data) != 0 || p.Links.Next != nil {
			t.Errorf("future: %d %s", st, b)
		}
	})

	t.Run("changes", func(t *testing.T) {
		st, _, b := e.do("GET", base+"/changes?limit=2", "", "", nil)
		if st != 200 {
			t.Fatalf("%d %s", st, b)
		}
		p := decodePage(t, b)
		if len(p.Data) != 2 || p.Links.Next == nil || !strings.Contains(*p.Links.Next, "/resourceregistry/api/v1/resource/changes?token=") ||
			!strings.HasSuffix(*p.Links.Next, "&limit=2") {
			t.Fatalf("%s", b)
		}
		if _, ok := p.Data[0]["resourceId"].(string); !ok || p.Data[0]["changedAt"] == nil || len(p.Data[0]) != 2 {
			t.Errorf("item %v", p.Data[0])
		}
		ids := map[string]bool{}
		for _, it := range p.Data {
			ids[it["resourceId"].(string)] = true
		}
		for next := p.Links.Next; next != nil; {
			st, _, b := e.do("GET", pathOf(t, *next), "", "", nil)
			if st != 200 {
				t.Fatalf("%d %s", st, b)
			}
			p := decodePage(t, b)
			for _, it := range p.Data {
				if ids[it["resourceId"].(string)] {
					t.Errorf("%v twice", it["resourceId"])
				}
				ids[it["resourceId"].(string)] = true
			}
			next = p.Links.Next
		}
		if !ids["ske-mva-melding"] || !ids["app_ttd_endring-av-navn-v2"] {
			t.Errorf("feed %v", ids)
		}
		for _, l := range []string{"0", "1001"} {
			st, _, b := e.do("GET", base+"/changes?limit="+l, "", "", nil)
			if st != 400 || !strings.Contains(string(b), `"code":"RR.VLD-00011"`) || !strings.Contains(string(b), `"paths":["/$QUERY/limit"]`) ||
				!strings.Contains(string(b), "Limit must be between 1 and 1000, was "+l+".") {
				t.Errorf("limit=%s: %d %s", l, st, b)
			}
		}
		if st, _, b := e.do("GET", base+"/changes?limit=ten", "", "", nil); st != 400 || !strings.Contains(string(b), `"errors":{"limit":`) {
			t.Errorf("limit=ten: %d %s", st, b)
		}
	})

	t.Run("export", func(t *testing.T) {
		st, h, b := e.do("GET", base+"/export", "", "", nil, "Accept", "application/text")
		if st != 200 || h.Get("Content-Type") != "application/xml+rdf; charset=utf-8" {
			t.Fatalf("%d %v", st, h)
		}
		s := string(b)
		if !strings.HasPrefix(s, "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>.\n") ||
			!strings.Contains(s, "<https://platform.altinn.no/resourceRegistry/ske-mva-melding> cv:hasCompetentAuthority <https://organization-catalogue.fellesdatakatalog.digdir.no/organizations/974761076>;\n") {
			t.Errorf("export:\n%s", s)
		}
		for _, out := range []string{"altinn_access_management", "ske-maskinportenschema-test", "ttd-accesspackage-resource"} {
			if strings.Contains(s, "/resourceRegistry/"+out+">") {
				t.Errorf("%s exported", out)
			}
		}
	})

	t.Run("orgs", func(t *testing.T) {
		st, _, b := e.do("GET", base+"/orgs", "", "", nil)
		var out resources.OrgList
		if st != 200 || json.Unmarshal(b, &out) != nil {
			t.Fatalf("%d %s", st, b)
		}
		if skd := out.Orgs["skd"]; skd.Orgnr != "974761076" || skd.Name["nb"] != "Skatteetaten" {
			t.Errorf("skd %+v in %s", skd, b)
		}
	})
}

// After POST /sim/api/v1/reset the feeds are the seed's again: a resource
// and policy written since are gone from changes and from the subjects.
func TestResetRestoresTheFeeds(t *testing.T) {
	t.Parallel()
	srv := apptest.Start(t)
	e := e2e{t: t, srv: srv}
	const base = "/resourceregistry/api/v1/resource"
	feed := func() string {
		st, _, b := e.do("GET", base+"/changes", "", "", nil)
		if st != 200 {
			t.Fatalf("%d %s", st, b)
		}
		return string(b)
	}
	before := feed()

	skd := e.token("974761076", resources.ScopeWrite)
	res := `{"identifier":"reset-feed-test","title":{"nb":"x","nn":"x","en":"x"},"hasCompetentAuthority":{"organization":"974761076","orgcode":"skd"}}`
	if st, _, b := e.do("POST", base, skd, "application/json", strings.NewReader(res)); st != 201 {
		t.Fatalf("create: %d %s", st, b)
	}
	st, _, exported := e.do("GET", base+"/ske-krav-og-betalinger/policy", "", "", nil)
	if st != 200 {
		t.Fatalf("export: %d", st)
	}
	ct, body := multipartPolicy(t, strings.ReplaceAll(string(exported), "ske-krav-og-betalinger", "reset-feed-test"))
	if st, _, b := e.do("POST", base+"/reset-feed-test/policy", skd, ct, body); st != 201 {
		t.Fatalf("policy: %d %s", st, b)
	}
	if !strings.Contains(feed(), `"reset-feed-test"`) {
		t.Fatal("the new resource is not in the change feed")
	}
	if st := srv.DoJSON(t, "POST", "/sim/api/v1/reset", "", nil, nil); st != 200 && st != 204 {
		t.Fatalf("reset: %d", st)
	}
	if after := feed(); after != before {
		t.Errorf("changes after the reset:\n%s\nbefore:\n%s", after, before)
	}
	if st, _, b := e.do("GET", base+"/reset-feed-test/policy/subjects", "", "", nil); st != 404 {
		t.Errorf("subjects after the reset: %d %s", st, b)
	}
}
