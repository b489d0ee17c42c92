package pdp

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// Match functions a policy's Match may name (XACML 3.0, 7.6 / A.3); the
// platform's policies use the first two.
const (
	fnStringEqual     = "urn:oasis:names:tc:xacml:1.0:function:string-equal"
	fnStringEqualIC   = "urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case"
	fnAnyURIEqual     = "urn:oasis:names:tc:xacml:1.0:function:anyURI-equal"
	fnIntegerEqual    = "urn:oasis:names:tc:xacml:1.0:function:integer-equal"
	fnStringRegexp    = "urn:oasis:names:tc:xacml:1.0:function:string-regexp-match"
	attrOrg           = "urn:altinn:org"
	attrApp           = "urn:altinn:app"
	appResourcePrefix = "app_"
)

// targetMatch is the outcome of a rule's exact target for one request.
type targetMatch struct {
	ok bool
	// grants are what the subject holds that satisfied the target's
	// subject matches, subjects those matches as URNs (both empty when
	// the AllOfs that held named no subject).
	grants   []Grant
	subjects []string
}

// matchTarget decides a rule's exact XACML target (resources.Rule.Target)
// as XACML 3.0 does: every AnyOf must hold; an AnyOf holds when one of its
// AllOfs does; an AllOf when all of its matches do. A subject match holds
// when the subject holds the attribute (matchSubject, as for the rule
// lists); a resource match compares the requested resource's attributes
// (urn:altinn:resource, and urn:altinn:org and urn:altinn:app for an app);
// an action match the action. Attributes the request does not carry (a
// task, an end event) match nothing, as MustBePresent="false" does. With
// subjects false, subject matches are taken as holding: does the rule
// cover this resource and action at all?
func matchTarget(t []resources.AnyOf, resourceID, action string, f Facts, subjects bool) targetMatch {
	res := resourceAttrs(resourceID)
	var out targetMatch
	for _, anyOf := range t {
		held := false
		for _, all := range anyOf {
			var grants []Grant
			var subs []string
			ok := true
			for _, m := range all {
				switch m.Category {
				case CategorySubject:
					if !subjects {
						continue
					}
					urn := m.AttributeID + ":" + m.Value
					g, hit := matchSubject(urn, f)
					if !hit {
						ok = false
					}
					grants, subs = append(grants, g), append(subs, urn)
				case CategoryResource:
					v, present := res[strings.ToLower(m.AttributeID)]
					ok = present && matchValue(m.MatchID, m.Value, v)
				case CategoryAction:
					ok = strings.EqualFold(m.AttributeID, AttrAction) && matchValue(m.MatchID, m.Value, action)
				default:
					ok = false
				}
				if !ok {
					break
				}
			}
			if ok {
				held = true
				out.grants, out.subjects = append(out.grants, grants...), append(out.subjects, subs...)
				break
			}
		}
		if !held {
			return targetMatch{}
		}
	}
	out.ok = true
	return out
}

// resourceAttrs are the requested resource's attributes by lower-case id.
// An app's id app_{org}_{app} also names its org and app, as a request
// naming org and app names app_{org}_{app} (parseResource).
func resourceAttrs(resourceID string) map[string]string {
	out := map[string]string{AttrResource: resourceID}
	if rest, ok := strings.CutPrefix(resourceID, appResourcePrefix); ok {
		if org, app, ok := strings.Cut(rest, "_"); ok && org != "" && app != "" {
			out[attrOrg], out[attrApp] = org, app
		}
	}
	return out
}

// matchValue applies a Match's function to the policy's value and the
// request's, as the platform's AttributeMatcher does for the functions
// listed above; any other matches nothing.
func matchValue(fn, policy, request string) bool {
	switch fn {
	case "", fnStringEqual, fnAnyURIEqual:
		return policy == request
	case fnStringEqualIC:
		return strings.EqualFold(policy, request)
	case fnIntegerEqual:
		a, err1 := strconv.Atoi(policy)
		b, err2 := strconv.Atoi(request)
		return err1 == nil && err2 == nil && a == b
	case fnStringRegexp:
		re, err := regexp.Compile(policy)
		return err == nil && re.MatchString(request)
	}
	return false
}

// joinGrants makes the one Grant a decision reports of the grants an
// AllOf of several subject matches needed (nil for none).
func joinGrants(gs []Grant) *Grant {
	if len(gs) == 0 {
		return nil
	}
	g := gs[0]
	for _, o := range gs[1:] {
		g.Kind += "+" + o.Kind
		g.Value += " + " + o.Value
		g.Source += "; " + o.Source
	}
	return &g
}

// describeTarget writes a target for the trace: AnyOfs joined by "and",
// AllOfs by "or", matches by "and", each as attribute=value.
func describeTarget(t []resources.AnyOf) string {
	var anys []string
	for _, anyOf := range t {
		var alls []string
		for _, all := range anyOf {
			var ms []string
			for _, m := range all {
				ms = append(ms, m.AttributeID+"="+m.Value)
			}
			alls = append(alls, strings.Join(ms, " and "))
		}
		s := strings.Join(alls, " or ")
		if len(alls) > 1 && len(t) > 1 {
			s = "(" + s + ")"
		}
		anys = append(anys, s)
	}
	return "[" + strings.Join(anys, " and ") + "]"
}
