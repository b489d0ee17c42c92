package pdp

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// postRaw posts body without a token and returns the status, the
// Content-Type and the body as sent.
func postRaw(t *testing.T, url, ct, body string) (int, string, string) {
	t.Helper()
	rq, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if ct != "" {
		rq.Header.Set("Content-Type", ct)
	}
	resp, err := http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if n := resp.Header.Get("Content-Length"); resp.StatusCode == 200 && n != "" && n != strconv.Itoa(len(raw)) {
		t.Errorf("Content-Length %s for %d bytes", n, len(raw))
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(raw)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// xResponse reads a XACML 3.0 XML response, ours or upstream's fixtures,
// for comparing what upstream's AssertionUtil compares: per result the
// decision, the status code, the obligations and the echoed attributes.
type xResponse struct {
	XMLName xml.Name  `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Response"`
	Results []xResult `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Result"`
}

type xResult struct {
	Decision string `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Decision"`
	Status   struct {
		Code struct {
			Value string `xml:"Value,attr"`
		} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 StatusCode"`
		Message string `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 StatusMessage"`
	} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Status"`
	Obligations []struct {
		ID          string `xml:"ObligationId,attr"`
		FulfillOn   string `xml:"FulfillOn,attr"`
		Assignments []struct {
			AttributeID string `xml:"AttributeId,attr"`
			DataType    string `xml:"DataType,attr"`
			Category    string `xml:"Category,attr"`
			Value       string `xml:",chardata"`
		} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 AttributeAssignment"`
	} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Obligations>Obligation"`
	Attributes []struct {
		Category  string `xml:"Category,attr"`
		Attribute []struct {
			AttributeID     string   `xml:"AttributeId,attr"`
			IncludeInResult string   `xml:"IncludeInResult,attr"`
			Values          []string `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 AttributeValue"`
		} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Attribute"`
	} `xml:"urn:oasis:names:tc:xacml:3.0:core:schema:wd-17 Attributes"`
}

// parseXResponse reads a response as text, whatever its declaration says
// (upstream's says utf-16 over UTF-8 bytes; a fixture is UTF-16 itself).
func parseXResponse(t *testing.T, b []byte) xResponse {
	t.Helper()
	if bytes.HasPrefix(b, []byte{0xff, 0xfe}) {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
		}
		b = []byte(string(utf16.Decode(u)))
	}
	var r xResponse
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	if err := d.Decode(&r); err != nil {
		t.Fatalf("not a XACML response: %v\n%s", err, b)
	}
	for i := range r.Results {
		r.Results[i].Decision = strings.TrimSpace(r.Results[i].Decision)
		for j := range r.Results[i].Attributes {
			for k := range r.Results[i].Attributes[j].Attribute {
				for l, v := range r.Results[i].Attributes[j].Attribute[k].Values {
					r.Results[i].Attributes[j].Attribute[k].Values[l] = strings.TrimSpace(v)
				}
			}
		}
	}
	return r
}

// The upstream mocks' organisation 950474084 (party 500700) and user 1337,
// who holds apiadm there (Data/Roles/user_1337/party_500700/roles.json),
// and the policy of apidelegation (Data/Xacml/3.0/ResourceRegistry/
// apidelegation/policy.xml: apiadm may read and write; obligation
// authentication level 2).
var (
	orgBorettslag = parties.Organization{OrgNo: "950474084", Name: "Oslos Vakreste Borettslag", PartyID: 500700,
		PartyUUID: uuid.MustParse("00000000-0000-0000-0000-000000500700")}
	personUser1337 = parties.Person{PID: "13923949741", Name: "Upstream user 1337", PartyID: 501337, UserID: 1337,
		PartyUUID: uuid.MustParse("00000000-0000-0000-0000-000000501337")}
	policyAPIDelegation = Policy{ResourceID: "apidelegation", Rules: []Rule{
		{ID: "urn:altinn:example:ruleid:1", Effect: Permit, Subjects: []string{"urn:altinn:rolecode:apiadm"}, Actions: []string{"read", "write"}},
	}, Obligations: []Obligation{{ID: "urn:altinn:obligation:authenticationLevel1", AttributeAssignment: []AttributeAssignment{
		{AttributeID: "urn:altinn:obligation1-assignment1", Value: "2", Category: CategoryMinAuthLevel, DataType: DataTypeInteger}}}}}
)

// upstreamWorld is the test world with what the upstream XML pairs need.
func upstreamWorld() *world {
	w := newWorld()
	w.parties.orgs = append(w.parties.orgs, orgBorettslag)
	w.parties.persons = append(w.parties.persons, personUser1337)
	for _, code := range []string{"MEDL", "REGNA", "UTINN", "UTOMR", "apiadm"} {
		w.parties.roles = append(w.parties.roles, parties.Role{OrgNo: orgBorettslag.OrgNo, RoleCode: code, Source: "altinn", HolderPID: personUser1337.PID})
	}
	w.policies.set(policyAPIDelegation)
	return w
}

// xmlServer serves w's decision routes; the base URL.
func xmlServer(t *testing.T, w *world) string {
	t.Helper()
	r := chi.NewRouter()
	route.Mount(r, route.Deps{}, w.svc.Routes(fakeVerifier{}), w.svc.ControlRoutes())
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestXMLUpstreamPairs replays Altinn's XML request/response pairs
// (testdata/xacmlxml, see SOURCES.md there) on /decision and compares
// what upstream's AssertionUtil compares.
func TestXMLUpstreamPairs(t *testing.T) {
	url := xmlServer(t, upstreamWorld()) + "/authorization/api/v1/decision"
	for _, name := range []string{"AltinnResourceRegistry0001"} {
		t.Run(name, func(t *testing.T) {
			reqBody := must(os.ReadFile(filepath.Join("testdata", "xacmlxml", name+"Request.xml")))
			want := parseXResponse(t, must(os.ReadFile(filepath.Join("testdata", "xacmlxml", name+"Response.xml"))))
			if len(want.Results) != 1 || want.Results[0].Decision == "" || want.Results[0].Status.Code.Value == "" {
				t.Fatalf("fixture read as %+v", want)
			}
			// The upstream test posts it as application/xml; text/xml and
			// anything else without application/json is the same.
			for _, ct := range []string{"application/xml", "text/xml; charset=utf-8", "text/plain"} {
				code, gotCT, raw := postRaw(t, url, ct, string(reqBody))
				if code != 200 || gotCT != "text/plain; charset=utf-8" {
					t.Fatalf("%s: %d %s %s", ct, code, gotCT, raw)
				}
				if got := parseXResponse(t, []byte(raw)); !reflect.DeepEqual(got, want) {
					t.Errorf("%s:\n got %+v\nwant %+v\n%s", ct, got, want, raw)
				}
			}
		})
	}
}

// TestXMLAnswerBytes pins the answer to what upstream's XacmlSerializer
// writes through XmlWriter into a StringBuilder, byte for byte.
func TestXMLAnswerBytes(t *testing.T) {
	url := xmlServer(t, upstreamWorld()) + "/authorization/api/v1/decision"
	body := string(must(os.ReadFile(filepath.Join("testdata", "xacmlxml", "AltinnResourceRegistry0001Request.xml"))))
	_, _, raw := postRaw(t, url, "application/xml", body)
	want := `<?xml version="1.0" encoding="utf-16"?>` +
		`<xacml:Response xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17"><xacml:Result>` +
		`<xacml:Decision>Permit</xacml:Decision>` +
		`<xacml:Status><xacml:StatusCode Value="urn:oasis:names:tc:xacml:1.0:status:ok" /></xacml:Status>` +
		`<xacml:Obligations><xacml:Obligation ObligationId="urn:altinn:obligation:authenticationLevel1" FulfillOn="Permit">` +
		`<xacml:AttributeAssignment DataType="http://www.w3.org/2001/XMLSchema#integer" AttributeId="urn:altinn:obligation1-assignment1" Category="urn:altinn:minimum-authenticationlevel">2</xacml:AttributeAssignment>` +
		`</xacml:Obligation></xacml:Obligations>` +
		`<xacml:Attributes Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource">` +
		`<xacml:Attribute AttributeId="urn:altinn:partyid" IncludeInResult="true"><xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">500700</xacml:AttributeValue></xacml:Attribute>` +
		`</xacml:Attributes></xacml:Result></xacml:Response>`
	if raw != want {
		t.Errorf("answer\n got %s\nwant %s", raw, want)
	}

	// An Indeterminate carries its message; the status code element
	// stays empty.
	_, _, raw = postRaw(t, url, "application/xml", strings.Replace(body, "apidelegation", "no-such-resource", 1))
	if !strings.Contains(raw, `<xacml:Decision>Indeterminate</xacml:Decision><xacml:Status><xacml:StatusCode Value="urn:oasis:names:tc:xacml:1.0:status:syntax-error" /><xacml:StatusMessage>Policy not found for resource</xacml:StatusMessage></xacml:Status></xacml:Result>`) {
		t.Errorf("indeterminate: %s", raw)
	}
}

// toXML writes a JSON-profile request as the XACML XML request a PEP would
// send, each category an <Attributes> element.
func toXML(t *testing.T, jsonBody string) string {
	t.Helper()
	var root XRoot
	if err := json.Unmarshal([]byte(jsonBody), &root); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><Request xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" ReturnPolicyIdList="false" CombinedDecision="false">`)
	write := func(cat string, cs []XCategory) {
		for _, c := range cs {
			b.WriteString(`<Attributes Category="` + cat + `">`)
			for _, a := range c.Attribute {
				dt := a.DataType
				if dt == "" {
					dt = DataTypeString
				}
				b.WriteString(`<Attribute AttributeId="` + xmlAttr(a.AttributeID) + `" IncludeInResult="` + boolText(a.IncludeInResult) + `">` +
					`<AttributeValue DataType="` + dt + `">` + xmlText(a.Value) + `</AttributeValue></Attribute>`)
			}
			b.WriteString(`</Attributes>`)
		}
	}
	write(CategorySubject, root.Request.AccessSubject)
	write(CategoryResource, root.Request.Resource)
	write(CategoryAction, root.Request.Action)
	b.WriteString(`</Request>`)
	return b.String()
}

// TestXMLDecidesAsJSON: an XML request is decided as the same request in
// JSON on /decision, Permit, NotApplicable, Deny and Indeterminate alike.
func TestXMLDecidesAsJSON(t *testing.T) {
	w := newWorld()
	url := xmlServer(t, w) + "/authorization/api/v1/decision"
	su := attr(AttrSystemUserUUID, suStandard.String())
	agent := attr(AttrSystemUserUUID, suAgent.String())
	tigerNo := attr(AttrOrgID, orgTiger.OrgNo)
	elgNo := attr(AttrOrgID, orgElg.OrgNo)
	cases := []struct {
		name, body, decision, status string
	}{
		{"standard system user, package", req(su, act("read"), res("ttd-accesspackage-resource", tigerNo)), Permit, StatusOK},
		{"standard system user, direct right", req(su, act("write"), res("ttd-externalpdp-resource1", attr(AttrPartyID, "50000003"))), Permit, StatusOK},
		{"agent system user for its client", req(agent, act("read"), res("ttd-accesspackage-resource", elgNo)), Permit, StatusOK},
		{"agent system user, not a client", req(agent, act("read"), res("ttd-accesspackage-resource", tigerNo)), NotApplicable, StatusOK},
		{"person by user id, DAGL", req(attr(AttrUserID, "20000003"), act("sign"), res("ttd-accesspackage-resource", tigerNo)), Permit, StatusOK},
		{"deny overrides", req(attr(AttrUserID, "20000003"), act("read"), res("ttd-deny-resource", tigerNo)), Deny, StatusOK},
		{"access list", req(su, act("read"), res("ttd-accesslist-resource", tigerNo)), Deny, StatusOK},
		{"no party", req(su, act("read"), res("ttd-accesspackage-resource")), Indeterminate, StatusMissingAttribute},
		{"person id is for /authorize only", req(attr(AttrPersonID, personTiril.PID), act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusSyntaxError},
		{"system user with another subject attribute", req(su+","+tigerNo, act("read"), res("ttd-accesspackage-resource", tigerNo)), Indeterminate, StatusSyntaxError},
		{"unknown resource", req(su, act("read"), res("no-such-resource", tigerNo)), Indeterminate, StatusSyntaxError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			jsonRes := decideOne(t, w.svc, Internal, c.body)
			code, _, raw := postRaw(t, url, "application/xml", toXML(t, c.body))
			got := parseXResponse(t, []byte(raw))
			if code != 200 || len(got.Results) != 1 {
				t.Fatalf("%d %s", code, raw)
			}
			jc, jm := statusOf(jsonRes)
			if r := got.Results[0]; r.Decision != c.decision || r.Status.Code.Value != c.status || jsonRes.Decision != c.decision || jc != c.status || r.Status.Message != jm {
				t.Errorf("XML %s %s %q, JSON %s %s %q; want %s %s\n%s", r.Decision, r.Status.Code.Value, r.Status.Message, jsonRes.Decision, jc, jm, c.decision, c.status, raw)
			}
			if c.decision == Permit && len(got.Results[0].Obligations) != len(jsonRes.Obligations) {
				t.Errorf("obligations: XML %d, JSON %d", len(got.Results[0].Obligations), len(jsonRes.Obligations))
			}
		})
	}
}

// TestXMLRequestRules: what upstream's XacmlParser refuses is one
// Indeterminate syntax-error in XML; what it accepts is decided.
func TestXMLRequestRules(t *testing.T) {
	url := xmlServer(t, upstreamWorld()) + "/authorization/api/v1/decision"
	good := string(must(os.ReadFile(filepath.Join("testdata", "xacmlxml", "AltinnResourceRegistry0001Request.xml"))))
	subject := `<Attributes Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject"><Attribute IncludeInResult="false" AttributeId="urn:altinn:userid"><AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">1337</AttributeValue></Attribute></Attributes>`
	rest := `<Attributes Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource"><Attribute IncludeInResult="false" AttributeId="urn:altinn:resource"><AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">apidelegation</AttributeValue></Attribute><Attribute IncludeInResult="false" AttributeId="urn:altinn:partyid"><AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">500700</AttributeValue></Attribute></Attributes>` +
		`<Attributes Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action"><Attribute IncludeInResult="false" AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id"><AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">read</AttributeValue></Attribute></Attributes>`
	doc := func(attrs, inner string) string {
		return `<Request xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" ` + attrs + `>` + inner + `</Request>`
	}
	std := `ReturnPolicyIdList="false" CombinedDecision="false"`
	cases := []struct {
		name, body, decision, msg string
	}{
		{"the upstream request", good, Permit, ""},
		{"declared utf-16, sent as UTF-8 (read as text, as upstream does)", strings.Replace(good, `encoding="utf-8"`, `encoding="utf-16"`, 1), Permit, ""},
		{"with a byte-order mark", "\ufeff" + good, Permit, ""},
		{"flags as 0 and 1", doc(`ReturnPolicyIdList="1" CombinedDecision="0"`, subject+rest), Permit, ""},
		{"RequestDefaults with XPathVersion", doc(std, `<RequestDefaults><XPathVersion>http://www.w3.org/TR/1999/REC-xpath-19991116</XPathVersion></RequestDefaults>`+subject+rest), Permit, ""},
		{"several values: the first decides", doc(std, strings.Replace(subject, `1337</AttributeValue>`, `1337</AttributeValue><AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">20000003</AttributeValue>`, 1)+rest), Permit, ""},
		{"MultiRequests: not split, the first categories decide", doc(std, subject+rest+`<MultiRequests><RequestReference><AttributesReference ReferenceId="a"/></RequestReference><RequestReference><AttributesReference ReferenceId="b"/></RequestReference></MultiRequests>`), Permit, ""},
		{"not XML", "not xml", Indeterminate, "not a valid XACML XML request"},
		{"a JSON body sent as XML", `{"Request":{}}`, Indeterminate, "not a valid XACML XML request"},
		{"root is not Request", `<Foo xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17"/>`, Indeterminate, "Request"},
		{"Request in no namespace", `<Request ReturnPolicyIdList="false" CombinedDecision="false">` + subject + `</Request>`, Indeterminate, "Request"},
		{"no ReturnPolicyIdList", doc(`CombinedDecision="false"`, subject+rest), Indeterminate, "ReturnPolicyIdList IsNullOrEmpty"},
		{"no CombinedDecision", doc(`ReturnPolicyIdList="false"`, subject+rest), Indeterminate, "CombinedDecision IsNullOrEmpty"},
		{"CombinedDecision true", doc(`ReturnPolicyIdList="false" CombinedDecision="true"`, subject+rest), Indeterminate, "Multiple Decision Profile not implemented"},
		{"a flag that is no boolean", doc(`ReturnPolicyIdList="yes" CombinedDecision="false"`, subject+rest), Indeterminate, "not a boolean"},
		{"no Attributes", doc(std, ""), Indeterminate, "A least 1 Attributes is required"},
		{"Attributes without Category", doc(std, `<Attributes/>`+subject+rest), Indeterminate, "Category IsNullOrEmpty"},
		{"Attribute without IncludeInResult", doc(std, strings.Replace(subject, `IncludeInResult="false" `, "", 1)+rest), Indeterminate, "IncludeInResult IsNullOrEmpty"},
		{"Attribute without AttributeId", doc(std, strings.Replace(subject, ` AttributeId="urn:altinn:userid"`, "", 1)+rest), Indeterminate, "AttributeId IsNullOrEmpty"},
		{"Attribute without value", doc(std, `<Attributes Category="x"><Attribute IncludeInResult="false" AttributeId="y"/></Attributes>`+subject+rest), Indeterminate, "A least 1 AttributeValue is required"},
		{"value without DataType", doc(std, strings.Replace(subject, ` DataType="http://www.w3.org/2001/XMLSchema#string"`, "", 1)+rest), Indeterminate, "DataType IsNullOrEmpty"},
		{"an element upstream does not know", doc(std, subject+rest+`<Extra/>`), Indeterminate, "unexpected element <Extra>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, ct, raw := postRaw(t, url, "application/xml", c.body)
			if code != 200 || ct != "text/plain; charset=utf-8" {
				t.Fatalf("%d %s %s", code, ct, raw)
			}
			got := parseXResponse(t, []byte(raw))
			if len(got.Results) != 1 {
				t.Fatalf("%s", raw)
			}
			r := got.Results[0]
			if r.Decision != c.decision || !strings.Contains(r.Status.Message, c.msg) {
				t.Errorf("%s %s %q, want %s with %q", r.Decision, r.Status.Code.Value, r.Status.Message, c.decision, c.msg)
			}
			if c.decision == Indeterminate && r.Status.Code.Value != StatusSyntaxError {
				t.Errorf("status %s, want syntax-error", r.Status.Code.Value)
			}
		})
	}
}

// TestXMLContentTypes: the real controller reads JSON when the
// Content-Type contains "application/json" (case and all) and XML
// otherwise; without one we read JSON (the real one fails with a 500).
func TestXMLContentTypes(t *testing.T) {
	url := xmlServer(t, newWorld()) + "/authorization/api/v1/decision"
	body := req(attr(AttrSystemUserUUID, suStandard.String()), act("read"), res("ttd-accesspackage-resource", attr(AttrOrgID, orgTiger.OrgNo)))
	for _, c := range []struct {
		ct       string
		xml      bool
		decision string
	}{
		{"application/json", false, Permit},
		{"application/json; charset=utf-8", false, Permit},
		{"", false, Permit},
		{"Application/JSON", true, Indeterminate},
		{"text/json", true, Indeterminate},
		{"application/problem+json", true, Indeterminate},
	} {
		code, ct, raw := postRaw(t, url, c.ct, body)
		isXML := strings.HasPrefix(raw, "<?xml")
		if code != 200 || isXML != c.xml || (c.xml && ct != "text/plain; charset=utf-8") || (!c.xml && ct != "application/json; charset=utf-8") ||
			!strings.Contains(raw, c.decision) {
			t.Errorf("%q: %d %s %s", c.ct, code, ct, raw)
		}
	}
	// /authorize stays JSON: the real one binds its body with ASP.NET's
	// input formatters, and XACML XML is no XacmlJsonRequestRootExternal.
	code, ct, raw := postRaw(t, strings.Replace(url, "decision", "authorize", 1), "application/xml", toXML(t, body))
	if code != 401 {
		t.Errorf("authorize without a token: %d %s %s", code, ct, raw)
	}
}

// TestXMLExplain: ?explain=true puts each result's trace in an XML comment
// that holds the JSON trace; the control API's explain endpoint reads XML
// as /decision does and answers JSON.
func TestXMLExplain(t *testing.T) {
	base := xmlServer(t, upstreamWorld())
	body := string(must(os.ReadFile(filepath.Join("testdata", "xacmlxml", "AltinnResourceRegistry0001Request.xml"))))
	_, _, raw := postRaw(t, base+"/authorization/api/v1/decision?explain=true", "application/xml", body)
	start := strings.Index(raw, "<!--altinn-sim trace ")
	end := strings.Index(raw, "--></xacml:Result>")
	if start < 0 || end < start {
		t.Fatalf("no trace comment: %s", raw)
	}
	var tr Trace
	if err := json.Unmarshal([]byte(raw[start+len("<!--altinn-sim trace "):end]), &tr); err != nil || tr.MatchedRule == nil ||
		tr.MatchedRule.ID != "urn:altinn:example:ruleid:1" || tr.Grant == nil || tr.Grant.Value != "urn:altinn:rolecode:apiadm" {
		t.Errorf("trace %+v (%v) in %s", tr, err, raw)
	}
	if got := parseXResponse(t, []byte(raw)); len(got.Results) != 1 || got.Results[0].Decision != Permit {
		t.Errorf("a XACML parser must still read it: %s", raw)
	}
	if _, _, plain := postRaw(t, base+"/authorization/api/v1/decision", "application/xml", body); strings.Contains(plain, "<!--") {
		t.Errorf("trace without ?explain: %s", plain)
	}

	code, ct, raw := postRaw(t, base+"/sim/api/v1/decisions/explain?endpoint=decision", "application/xml", body)
	var out Response
	if err := json.Unmarshal([]byte(raw), &out); err != nil || code != 200 || !strings.HasPrefix(ct, "application/json") ||
		len(out.Response) != 1 || out.Response[0].Decision != Permit || out.Response[0].Trace == nil {
		t.Errorf("explain endpoint: %d %s %s", code, ct, raw)
	}
}

// A comment may not hold "--": the trace's JSON escapes it.
func TestXMLTraceComment(t *testing.T) {
	msg := "a -- b ---"
	resp := Response{Response: []Result{{Decision: Permit, Status: okStatus(), Trace: &Trace{Steps: []string{msg}}}}}
	raw := EncodeXMLResponse(resp, true)
	body := string(raw)
	start := strings.Index(body, "<!--") + 4
	end := strings.Index(body, "-->")
	if strings.Contains(body[start:end], "--") {
		t.Fatalf("comment holds --: %s", body)
	}
	var tr Trace
	if err := json.Unmarshal([]byte(strings.TrimPrefix(body[start:end], "altinn-sim trace ")), &tr); err != nil || tr.Steps[0] != msg {
		t.Errorf("%+v %v", tr, err)
	}
	parseXResponse(t, raw)
}

// DecideXMLBody is /decision's XML path without HTTP.
func TestDecideXMLBody(t *testing.T) {
	w := upstreamWorld()
	body := must(os.ReadFile(filepath.Join("testdata", "xacmlxml", "AltinnResourceRegistry0001Request.xml")))
	resp := w.svc.DecideXMLBody(context.Background(), body, false)
	if len(resp.Response) != 1 || resp.Response[0].Decision != Permit || len(resp.Response[0].Category) != 1 ||
		resp.Response[0].Category[0].Attribute[0].Value != "500700" {
		t.Errorf("%+v", resp)
	}
}

// TestDecodeXMLDefaults: RequestDefaults' XPathVersion reaches the request
// as the JSON reader gives it (trimmed), and a request without defaults
// has none.
func TestDecodeXMLDefaults(t *testing.T) {
	body := func(defaults string) []byte {
		return []byte(`<Request xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" ReturnPolicyIdList="false" CombinedDecision="false">` + defaults +
			`<Attributes Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject"><Attribute IncludeInResult="false" AttributeId="urn:altinn:userid"><AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">1337</AttributeValue></Attribute></Attributes></Request>`)
	}
	const v = "http://www.w3.org/TR/1999/REC-xpath-19991116"
	root, serr := DecodeXMLBody(body("<RequestDefaults><XPathVersion> " + v + "\n</XPathVersion></RequestDefaults>"))
	if serr != nil {
		t.Fatalf("with defaults: %v", serr)
	}
	if root.Request.XPathVersion != v {
		t.Errorf("XPathVersion %q, want %q", root.Request.XPathVersion, v)
	}
	root, serr = DecodeXMLBody(body(""))
	if serr != nil || root.Request.XPathVersion != "" {
		t.Errorf("without defaults: %q, %v", root.Request.XPathVersion, serr)
	}
}

// TestXMLIssuerEcho: an echoed attribute and an obligation's assignment
// carry Issuer when it has one, and no Issuer attribute when it is empty
// or absent, as upstream's XML serializer writes them.
func TestXMLIssuerEcho(t *testing.T) {
	url := xmlServer(t, upstreamWorld()) + "/authorization/api/v1/decision"
	body := string(must(os.ReadFile(filepath.Join("testdata", "xacmlxml", "AltinnResourceRegistry0001Request.xml"))))
	const attr = `<Attribute IncludeInResult="true" AttributeId="urn:altinn:partyid">`
	for _, c := range []struct{ issuer, want string }{
		{` Issuer="urn:test:issuer"`, `<xacml:Attribute AttributeId="urn:altinn:partyid" IncludeInResult="true" Issuer="urn:test:issuer">`},
		{` Issuer=""`, `<xacml:Attribute AttributeId="urn:altinn:partyid" IncludeInResult="true">`},
	} {
		req := strings.Replace(body, attr, strings.TrimSuffix(attr, ">")+c.issuer+">", 1)
		if req == body {
			t.Fatal("the fixture no longer has the partyid attribute")
		}
		_, _, raw := postRaw(t, url, "application/xml", req)
		if !strings.Contains(raw, c.want) {
			t.Errorf("Issuer%s: answer lacks %s:\n%s", c.issuer, c.want, raw)
		}
	}
	iss, empty := "urn:test:issuer", ""
	var b bytes.Buffer
	writeXMLAssignments(&b, []AttributeAssignment{
		{AttributeID: "a1", Value: "1", DataType: "d", Issuer: &iss},
		{AttributeID: "a2", Value: "2", DataType: "d", Issuer: &empty},
		{AttributeID: "a3", Value: "3", DataType: "d"},
	})
	want := `<xacml:AttributeAssignment DataType="d" AttributeId="a1" Issuer="urn:test:issuer">1</xacml:AttributeAssignment>` +
		`<xacml:AttributeAssignment DataType="d" AttributeId="a2">2</xacml:AttributeAssignment>` +
		`<xacml:AttributeAssignment DataType="d" AttributeId="a3">3</xacml:AttributeAssignment>`
	if b.String() != want {
		t.Errorf("assignments:\n%s\nwant\n%s", b.String(), want)
	}
}
