package resources

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Attribute ids the rights views know by name, beyond those in model.go.
const (
	attrExternalCRA = "urn:altinn:external-role:cra"
	attrDelegation  = "urn:altinn:resource:delegation"
)

// TypeValue is one attribute as the registry's views write it: the
// attribute id as "type" and its value (Altinn.Urn's UrnJsonTypeValue).
type TypeValue struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// AttributeMatchV2 is an attribute with its full URN (type:value), as the
// subject lists carry it.
type AttributeMatchV2 struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	URN   string `json:"urn"`
}

// PolicySubject is one subject of a right: the attributes one AllOf of the
// rule's subjects names (always one here; see ParseXACML).
type PolicySubject struct {
	SubjectAttributes []TypeValue `json:"subjectAttributes"`
}

// PolicyRight is one right of GET /resource/{id}/policy/rights (v1): an
// action on a resource match, with every subject of the policy that is
// given it.
type PolicyRight struct {
	Action       TypeValue       `json:"action"`
	Resource     []TypeValue     `json:"resource"`
	Subjects     []PolicySubject `json:"subjects"`
	RightKey     string          `json:"rightKey"`
	SubjectTypes []string        `json:"subjectTypes"`
}

// RightV2 is one right of GET /resourceregistry/api/v2/resource/{id}/policy/rights.
type RightV2 struct {
	Key      string      `json:"key"`
	Name     string      `json:"name"`
	Resource []TypeValue `json:"resource"`
	Action   TypeValue   `json:"action"`
}

// subjectValue is a stored subject's value as the policy writes it: role
// codes are kept lower-case and written upper-case, as ExportXACML does.
func subjectValue(attr, v string) string {
	if attr == AttrRoleCode {
		return strings.ToUpper(v)
	}
	return v
}

// FlatRule is one entry of GET /resource/{id}/policy/rules (PolicyRuleDTO):
// one subject, one action and one resource match of a rule.
type FlatRule struct {
	Subject  []TypeValue `json:"subject"`
	Action   TypeValue   `json:"action"`
	Resource []TypeValue `json:"resource"`
}

// FlattenRules is the registry's PolicyHelper.ConvertToPolicyRules: every
// rule, whatever its effect, as the product of its subjects, actions and
// resource matches, in that order; repeats kept.
func FlattenRules(p Policy) []FlatRule {
	out := []FlatRule{}
	for _, rule := range p.Rules {
		for _, sub := range rule.Subjects {
			attr, v, _ := SplitSubject(sub)
			for _, action := range rule.Actions {
				for _, res := range rule.Resources {
					resource := make([]TypeValue, len(res))
					for j, m := range res {
						resource[j] = TypeValue{Type: m.ID, Value: m.Value}
					}
					out = append(out, FlatRule{Subject: []TypeValue{{Type: attr, Value: subjectValue(attr, v)}},
						Action: TypeValue{Type: AttrActionID, Value: action}, Resource: resource})
				}
			}
		}
	}
	return out
}

// PolicyRights groups a policy's flattened rules (one subject, one action,
// one resource match each, every rule whatever its effect, as the
// registry's PolicyHelper.ConvertToPolicyRight does) by right: the action
// and the resource match. Rights come in the order their first rule
// appears; a right's subjects in rule order, repeats kept.
func PolicyRights(p Policy) []PolicyRight {
	out := []PolicyRight{}
	index := map[string]int{}
	for _, rule := range p.Rules {
		for _, sub := range rule.Subjects {
			attr, v, _ := SplitSubject(sub)
			subject := PolicySubject{SubjectAttributes: []TypeValue{{Type: attr, Value: subjectValue(attr, v)}}}
			for _, action := range rule.Actions {
				for _, res := range rule.Resources {
					key := rightKey(action, res)
					i, ok := index[key]
					if !ok {
						resource := make([]TypeValue, len(res))
						for j, m := range res {
							resource[j] = TypeValue{Type: m.ID, Value: m.Value}
						}
						i = len(out)
						index[key] = i
						out = append(out, PolicyRight{Action: TypeValue{Type: AttrActionID, Value: action}, Resource: resource, RightKey: key})
					}
					out[i].Subjects = append(out[i].Subjects, subject)
				}
			}
		}
	}
	for i := range out {
		out[i].SubjectTypes = subjectTypes(out[i].Subjects)
	}
	return out
}

// subjectTypes are the distinct attribute ids of a right's subjects,
// lower-case and sorted.
func subjectTypes(subjects []PolicySubject) []string {
	types := []string{}
	for _, s := range subjects {
		for _, a := range s.SubjectAttributes {
			t := strings.ToLower(a.Type)
			if !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
	}
	slices.Sort(types)
	return types
}

// rightKey is the registry's PolicyRight.RightKey: the action, the resource
// values in URN order, and the MD5 of the action and the resource URNs
// (hashed as .NET strings, UTF-16LE), joined by ';'. E.g.
// "read;rrh-innrapportering;brg;52a1e8911c3a9d3a7d2b837ae29a0dd8".
func rightKey(action string, res []AttributeMatch) string {
	sorted := slices.Clone(res)
	slices.SortStableFunc(sorted, func(a, b AttributeMatch) int {
		return strings.Compare(a.ID+":"+a.Value, b.ID+":"+b.Value)
	})
	hashed := action
	key := action
	for _, m := range sorted {
		hashed += ";" + m.ID + ":" + m.Value
		key += ";" + m.Value
	}
	units := utf16.Encode([]rune(hashed))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = append(b, byte(u), byte(u>>8))
	}
	sum := md5.Sum(b)
	return key + ";" + hex.EncodeToString(sum[:])
}

// RightsOptions are the v2 rights endpoint's query flags.
type RightsOptions struct {
	// ServiceOwner includes rights given to the service owner (urn:altinn:org).
	ServiceOwner bool
	// App includes rights given through urn:altinn:resource:delegation
	// (an app's parallel signing).
	App bool
	// Language is the Accept-Language header as sent ("nb" when there is
	// none); the action names are translated when it is exactly nb, nn or
	// en (any case).
	Language string
}

// RightsV2 decomposes a policy into the rights an end user can be given
// on resourceID, as the registry's DelegationCheckHelper.DecomposePolicy
// does: a rule's resource matches naming org and app become the app's
// resource id, matches for other resources are dropped, and a rule counts
// only if one of its subjects is a role, an ER/CRA role or an access
// package (or, with the options, the service owner or a delegation).
func RightsV2(p Policy, resourceID string, o RightsOptions) []RightV2 {
	out := []RightV2{}
	seen := map[string]bool{}
	for _, rule := range p.Rules {
		if !slices.ContainsFunc(rule.Subjects, func(s string) bool { return endUserSubject(s, o) }) {
			continue
		}
		for _, res := range rule.Resources {
			resource, ok := asResource(res, resourceID)
			if !ok {
				continue
			}
			for _, action := range rule.Actions {
				key := resourceKey(resource) + ":" + AttrActionID + ":" + action
				if seen[key] {
					continue
				}
				seen[key] = true
				sum := sha256.Sum256([]byte(strings.ToLower(key)))
				out = append(out, RightV2{
					Key:      "01" + hex.EncodeToString(sum[:]),
					Name:     rightName(key, resourceID, o.Language),
					Resource: resource,
					Action:   TypeValue{Type: AttrActionID, Value: action},
				})
			}
		}
	}
	return out
}

// endUserSubject is the registry's FilterSubjects: the subject prefixes
// whose rights an end user can hold.
func endUserSubject(s string, o RightsOptions) bool {
	switch {
	case strings.HasPrefix(s, AttrRoleCode), strings.HasPrefix(s, AttrExternalRole),
		strings.HasPrefix(s, attrExternalCRA), strings.HasPrefix(s, AttrAccessPackage):
		return true
	case strings.HasPrefix(s, AttrOrg):
		return o.ServiceOwner
	case strings.HasPrefix(s, attrDelegation):
		return o.App
	}
	return false
}

// asResource turns one resource match into the right's resource: org and
// app become urn:altinn:resource app_{org}_{app} (put last); a match that
// then names no urn:altinn:resource equal to resourceID (any case) is not
// about this resource.
func asResource(res []AttributeMatch, resourceID string) ([]TypeValue, bool) {
	var org, app *AttributeMatch
	for i := range res {
		switch {
		case res[i].ID == AttrOrg && org == nil:
			org = &res[i]
		case res[i].ID == AttrApp && app == nil:
			app = &res[i]
		}
	}
	out := []TypeValue{}
	for i := range res {
		if org != nil && app != nil && (&res[i] == org || &res[i] == app) {
			continue
		}
		out = append(out, TypeValue{Type: res[i].ID, Value: res[i].Value})
	}
	if org != nil && app != nil {
		out = append(out, TypeValue{Type: AttrResource, Value: "app_" + org.Value + "_" + app.Value})
	}
	ok := slices.ContainsFunc(out, func(t TypeValue) bool { return t.Type == AttrResource && strings.EqualFold(t.Value, resourceID) })
	return out, ok
}

// resourceKey is the resource half of a v2 right key: type:value pairs in
// type order (case-insensitive), joined by ':'.
func resourceKey(res []TypeValue) string {
	sorted := slices.Clone(res)
	slices.SortStableFunc(sorted, func(a, b TypeValue) int {
		return strings.Compare(strings.ToLower(a.Type), strings.ToLower(b.Type))
	})
	parts := make([]string, len(sorted))
	for i, t := range sorted {
		parts[i] = t.Type + ":" + t.Value
	}
	return strings.Join(parts, ":")
}

// actionNames are the registry's ActionConfig translations.
var actionNames = map[string]map[string]string{
	"en": {"read": "Read", "write": "Write", "complete": "Complete", "delete": "Delete", "confirm": "Confirm",
		"instantiate": "Instantiate", "sign": "Sign", "reject": "Reject", "subscribe": "Subscribe"},
	"nb": {"read": "Les", "write": "Skriv", "complete": "Fullfør", "delete": "Slett", "confirm": "Bekreft",
		"instantiate": "Opprett", "sign": "Signer", "reject": "Avvis", "subscribe": "Abonner"},
	"nn": {"read": "Les", "write": "Skriv", "complete": "Fullfør", "delete": "Slett", "confirm": "Stadfest",
		"instantiate": "Opprett", "sign": "Signer", "reject": "Avvis", "subscribe": "Abonner"},
}

// rightName is the registry's GetActionNameFromRightKey: the key's URNs in
// descending order, each reduced to its value; the resource itself left
// out, the action translated, and whatever follows the action in
// parentheses, e.g. "Les (TaskUtfylling)".
func rightName(key, resourceID, language string) string {
	var parts []string
	for _, p := range strings.Split(key, "urn:") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	slices.Sort(parts)
	slices.Reverse(parts)
	var words []string
	actionAdded := false
	for _, part := range parts {
		cur := strings.TrimSuffix(part, ":")
		if i := strings.LastIndex(cur, ":"); i >= 0 {
			cur = cur[i+1:]
		}
		if strings.EqualFold(cur, resourceID) {
			continue
		}
		if strings.HasPrefix(part, strings.TrimPrefix(AttrActionID, "urn:")) {
			if n, ok := actionNames[strings.ToLower(language)][strings.ToLower(cur)]; ok {
				cur = n
			}
			actionAdded = true
		} else if actionAdded {
			cur = "(" + cur + ")"
		}
		if r, size := utf8.DecodeRuneInString(cur); size > 0 {
			cur = string(unicode.ToUpper(r)) + cur[size:]
		}
		words = append(words, cur)
	}
	return strings.Join(words, " ")
}

// PolicySubjects are the distinct subjects a policy names, in any rule, as
// the registry stores them for /policy/subjects, /bysubjects and /updated:
// values lower-case, the URN type:value.
func PolicySubjects(p Policy) []AttributeMatchV2 {
	out := []AttributeMatchV2{}
	seen := map[string]bool{}
	for _, rule := range p.Rules {
		for _, s := range rule.Subjects {
			attr, v, _ := SplitSubject(s)
			v = strings.ToLower(v)
			urn := attr + ":" + v
			if seen[urn] {
				continue
			}
			seen[urn] = true
			out = append(out, AttributeMatchV2{Type: attr, Value: v, URN: urn})
		}
	}
	return out
}
