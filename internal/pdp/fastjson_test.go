package pdp

import (
	"encoding/json"
	"reflect"
	"testing"
)

var fastSeeds = []string{
	`{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":"47caea5b-a80b-4343-b1d3-31eb523a4e28"}]}],"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read","DataType":"http://www.w3.org/2001/XMLSchema#string"}]}],"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":"ttd-accesspackage-resource"},{"AttributeId":"urn:altinn:organization:identifier-no","Value":"313725138","IncludeInResult":true}]}]}}`,
	`{"request":{"accessSubject":[{"id":"s1","attribute":[{"attributeId":"a","value":"b","issuer":null}]}],"MultiRequests":{"RequestReference":[{"ReferenceId":["s1","a1"]},{"ReferenceId":null},null]},"ReturnPolicyIdList":false,"CombinedDecision":true,"XPathVersion":"x"}}`,
	` { "Request" : null , "Other": [1, -2.5e+3, true, false, null, {"x": "y"}, "æøå"] } `,
	`{"Request":{"Action":[{"Attribute":[{"AttributeId":"x","Value":"a\"b"}]}]}}`,
	`{"Request":{"Action":[{"Content":{"a":1},"Attribute":[]}]}}`,
	`{"Request":{"Action":[null,{"Attribute":null}],"Resource":null}}`,
	`{"Request":{"Action":[{"Attribute":[{"Value":1}]}]}}`,
	`{"Request":{"Action":[{"Attribute":[{"AttributeId":"x"}],"attribute":[{"AttributeId":"y"}]}]}}`,
	`{"Request":{},"Request":{"Action":[]}}`,
	`{"Request":{}} x`,
	`{"Request":{"Action":[{"Attribute":[{"IncludeInResult":"true"}]}]}}`,
	`[]`, `null`, `{`, `{"Request":{"Action":[{"Attribute":[{"AttributeId":"\u00e6"}]}]}}`,
	`{"Request":{"Action":[01]}}`, `{"Request":{"X":-}}`, `{"Request":{"X":1.}}`, `{"Request":{"X":1e}}`,
}

// TestFastDecodeAgrees: wherever the fast path answers, encoding/json
// gives the same value; where encoding/json fails, the fast path gives up.
func TestFastDecodeAgrees(t *testing.T) {
	for _, s := range fastSeeds {
		checkFast(t, []byte(s))
	}
	// The common shape does take the fast path.
	if _, ok := fastDecode([]byte(fastSeeds[0])); !ok {
		t.Error("the fixture request did not take the fast path")
	}
	if _, ok := fastDecode([]byte(fastSeeds[1])); !ok {
		t.Error("lower-case keys and nulls did not take the fast path")
	}
}

func checkFast(t *testing.T, b []byte) {
	t.Helper()
	fast, ok := fastDecode(b)
	var std XRoot
	err := json.Unmarshal(b, &std)
	if ok && err != nil {
		t.Fatalf("fast path accepted %q, encoding/json says %v", b, err)
	}
	if ok && !reflect.DeepEqual(fast, std) {
		fj, _ := json.Marshal(fast)
		sj, _ := json.Marshal(std)
		t.Fatalf("fast path differs on %q:\nfast %s\n std %s", b, fj, sj)
	}
}

func FuzzFastDecode(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkFast(t, b) })
}
