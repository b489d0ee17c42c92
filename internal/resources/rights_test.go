package resources

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"
)

// rrh is the app policy of brg/rrh-innrapportering from the registry's own
// test data (testdata/upstream/NOTICE.md).
func rrh(t *testing.T) Policy {
	t.Helper()
	b, err := os.ReadFile("testdata/upstream/rrh-innrapportering.policy.xml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseXACML("app_brg_rrh-innrapportering", b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The numbers and keys are upstream's ResourceControllerWithDbTests:
// GetpolicyRightsRRH (18 rights, the first two keys and subject types) and
// GetSubjectsForAppPolicyWithReload (13 subjects).
func TestPolicyRightsRRH(t *testing.T) {
	rights := PolicyRights(rrh(t))
	if len(rights) != 18 {
		t.Fatalf("%d rights, want 18", len(rights))
	}
	for i, want := range []string{
		"instantiate;rrh-innrapportering;brg;c9e4c013f36877a54c6d92bab8dcb69c",
		"read;rrh-innrapportering;brg;52a1e8911c3a9d3a7d2b837ae29a0dd8",
	} {
		if rights[i].RightKey != want {
			t.Errorf("right %d key %q, want %q", i, rights[i].RightKey, want)
		}
		if !slices.Equal(rights[i].SubjectTypes, []string{"urn:altinn:org", "urn:altinn:rolecode"}) {
			t.Errorf("right %d subject types %v", i, rights[i].SubjectTypes)
		}
	}
	first := rights[0]
	if first.Action != (TypeValue{AttrActionID, "instantiate"}) {
		t.Errorf("action %+v", first.Action)
	}
	if !slices.Equal(first.Resource, []TypeValue{{AttrOrg, "brg"}, {AttrApp, "rrh-innrapportering"}}) {
		t.Errorf("resource %+v", first.Resource)
	}
	// 12 role codes and the service owner, written as the policy writes them.
	if len(first.Subjects) != 13 || first.Subjects[0].SubjectAttributes[0] != (TypeValue{AttrRoleCode, "INNH"}) ||
		first.Subjects[12].SubjectAttributes[0] != (TypeValue{AttrOrg, "brg"}) {
		t.Errorf("subjects %+v", first.Subjects)
	}
	// Rule 2 names TaskUtfylling twice: one right, its subjects repeated.
	var utfylling []PolicyRight
	for _, r := range rights {
		if r.Action.Value == "read" && slices.Contains(r.Resource, TypeValue{AttrTask, "TaskUtfylling"}) {
			utfylling = append(utfylling, r)
		}
	}
	if len(utfylling) != 1 || len(utfylling[0].Subjects) != 26 {
		t.Errorf("read TaskUtfylling: %d rights, subjects %d", len(utfylling), len(utfylling[0].Subjects))
	}
}

// Upstream's GetpolicyRulesRRH: 238 flattened rules.
func TestFlattenRulesRRH(t *testing.T) {
	rules := FlattenRules(rrh(t))
	if len(rules) != 238 {
		t.Fatalf("%d rules, want 238", len(rules))
	}
	want := FlatRule{Subject: []TypeValue{{AttrRoleCode, "INNH"}}, Action: TypeValue{AttrActionID, "instantiate"},
		Resource: []TypeValue{{AttrOrg, "brg"}, {AttrApp, "rrh-innrapportering"}}}
	got := rules[0]
	if !slices.Equal(got.Subject, want.Subject) || got.Action != want.Action || !slices.Equal(got.Resource, want.Resource) {
		t.Errorf("first rule %+v, want %+v", got, want)
	}
	// Deny rules flatten too.
	deny := Policy{Rules: []Rule{{Effect: EffectDeny, Subjects: []string{"urn:altinn:rolecode:dagl"}, Actions: []string{"read"},
		Resources: [][]AttributeMatch{{{AttrResource, "x"}}}}}}
	if got := FlattenRules(deny); len(got) != 1 || got[0].Subject[0] != (TypeValue{AttrRoleCode, "DAGL"}) {
		t.Errorf("deny rule: %+v", got)
	}
}

func TestPolicySubjectsRRH(t *testing.T) {
	subs := PolicySubjects(rrh(t))
	if len(subs) != 13 {
		t.Fatalf("%d subjects, want 13: %+v", len(subs), subs)
	}
	want := AttributeMatchV2{Type: AttrRoleCode, Value: "innh", URN: "urn:altinn:rolecode:innh"}
	if subs[0] != want {
		t.Errorf("first %+v, want %+v", subs[0], want)
	}
	if !slices.Contains(subs, AttributeMatchV2{Type: AttrOrg, Value: "brg", URN: "urn:altinn:org:brg"}) {
		t.Errorf("no service owner in %+v", subs)
	}
	if !slices.Contains(subs, AttributeMatchV2{Type: AttrRoleCode, Value: "ffør", URN: "urn:altinn:rolecode:ffør"}) {
		t.Errorf("FFØR not lower-cased in %+v", subs)
	}
}

// Worked out from the policy by hand: rules 1, 2, 2b, 3, 6 and the last
// give end users 15 distinct resource/action pairs; rules 4 and 5 (the
// service owner's write and complete) add 3 more.
func TestRightsV2RRH(t *testing.T) {
	p := rrh(t)
	const id = "app_brg_rrh-innrapportering"
	tests := []struct {
		name  string
		o     RightsOptions
		count int
	}{
		{"end users", RightsOptions{}, 15},
		{"with service owner", RightsOptions{ServiceOwner: true}, 18},
		{"app rights add nothing here", RightsOptions{App: true}, 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rights := RightsV2(p, id, tt.o)
			if len(rights) != tt.count {
				t.Fatalf("%d rights, want %d", len(rights), tt.count)
			}
			for _, r := range rights {
				if r.Key != strings.ToLower(r.Key) || !strings.HasPrefix(r.Key, "01") || len(r.Key) != 66 {
					t.Errorf("key %q", r.Key)
				}
			}
		})
	}
	if got := RightsV2(p, "app_brg_other", RightsOptions{ServiceOwner: true}); len(got) != 0 {
		t.Errorf("another resource's rights: %+v", got)
	}
	rights := RightsV2(p, id, RightsOptions{Language: "nb"})
	first := rights[0]
	if first.Name != "Opprett" || first.Action != (TypeValue{AttrActionID, "instantiate"}) ||
		!slices.Equal(first.Resource, []TypeValue{{AttrResource, id}}) {
		t.Errorf("first right %+v", first)
	}
	// sha256 of the lower-cased key urn:altinn:resource:app_brg_rrh-innrapportering:urn:oasis:names:tc:xacml:1.0:action:action-id:instantiate
	if first.Key != "01"+sha256Hex("urn:altinn:resource:"+id+":"+AttrActionID+":instantiate") {
		t.Errorf("key %s", first.Key)
	}
	names := map[string]bool{}
	for _, r := range rights {
		names[r.Name] = true
	}
	for _, want := range []string{"Les", "Les (TaskUtfylling)", "Les (BREnd)", "Bekreft (TaskBekreftelse)", "FnrSearchAction (TaskUtfylling)", "Les (events)", "Slett", "Avvis (TaskBekreftelse)"} {
		if !names[want] {
			t.Errorf("no right named %q in %v", want, names)
		}
	}
	// The task keeps its place; the app's resource id comes last.
	for _, r := range rights {
		if r.Name == "Les (TaskUtfylling)" && !slices.Equal(r.Resource, []TypeValue{{AttrTask, "TaskUtfylling"}, {AttrResource, id}}) {
			t.Errorf("resource %+v", r.Resource)
		}
	}
}

func TestRightName(t *testing.T) {
	key := func(action string) string {
		return "urn:altinn:resource:app_ttd_x:urn:altinn:task:Task_1:" + AttrActionID + ":" + action
	}
	tests := []struct{ action, lang, want string }{
		{"instantiate", "", "Instantiate (Task_1)"},
		{"instantiate", "nb", "Opprett (Task_1)"},
		{"confirm", "NN", "Stadfest (Task_1)"},
		{"confirm", "en", "Confirm (Task_1)"},
		// The registry looks the header up as sent: a region or a list is
		// not translated, only capitalised.
		{"instantiate", "nb-NO", "Instantiate (Task_1)"},
		{"instantiate", "en-GB,en;q=0.9", "Instantiate (Task_1)"},
		{"øk", "nb", "Øk (Task_1)"},
	}
	for _, tt := range tests {
		if got := rightName(key(tt.action), "app_ttd_x", tt.lang); got != tt.want {
			t.Errorf("%s in %q: %q, want %q", tt.action, tt.lang, got, tt.want)
		}
	}
	// The resource itself is left out, in any case.
	if got := rightName("urn:altinn:resource:Skd-Mva:"+AttrActionID+":read", "skd-mva", "en"); got != "Read" {
		t.Errorf("plain resource: %q", got)
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(s)))
	return hex.EncodeToString(sum[:])
}
