package resources

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// XACML 3.0 identifiers used by the platform's policies.
const (
	xacmlNS            = "urn:oasis:names:tc:xacml:3.0:core:schema:wd-17"
	denyOverrides      = "urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides"
	catSubject         = "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject"
	catResource        = "urn:oasis:names:tc:xacml:3.0:attribute-category:resource"
	catAction          = "urn:oasis:names:tc:xacml:3.0:attribute-category:action"
	fnStringEqual      = "urn:oasis:names:tc:xacml:1.0:function:string-equal"
	fnStringEqualIC    = "urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case"
	xsString           = "http://www.w3.org/2001/XMLSchema#string"
	xsInteger          = "http://www.w3.org/2001/XMLSchema#integer"
	catMinAuthLevel    = "urn:altinn:minimum-authenticationlevel"
	obligationAssignID = "urn:altinn:obligation-assignment:1"
)

// ExportXACML renders p as the XACML 3.0 XML the registry serves at
// GET /resource/{id}/policy.
func ExportXACML(p Policy) []byte {
	var b bytes.Buffer
	esc := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return strings.ReplaceAll(e.String(), `"`, "&quot;")
	}
	match := func(fn, value, attr, cat string) {
		fmt.Fprintf(&b, "          <xacml:Match MatchId=\"%s\">\n", fn)
		fmt.Fprintf(&b, "            <xacml:AttributeValue DataType=\"%s\">%s</xacml:AttributeValue>\n", xsString, esc(value))
		fmt.Fprintf(&b, "            <xacml:AttributeDesignator AttributeId=\"%s\" Category=\"%s\" DataType=\"%s\" MustBePresent=\"false\" />\n", esc(attr), cat, xsString)
		b.WriteString("          </xacml:Match>\n")
	}
	b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
	fmt.Fprintf(&b, "<xacml:Policy xmlns:xsl=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xacml=\"%s\" PolicyId=\"%s\" Version=\"1.0\" RuleCombiningAlgId=\"%s\">\n",
		xacmlNS, esc(p.PolicyID), denyOverrides)
	b.WriteString("  <xacml:Target />\n")
	for _, r := range p.Rules {
		fmt.Fprintf(&b, "  <xacml:Rule RuleId=\"%s\" Effect=\"%s\">\n", esc(r.RuleID), r.Effect)
		if r.Description != "" {
			fmt.Fprintf(&b, "    <xacml:Description>%s</xacml:Description>\n", esc(r.Description))
		}
		if len(r.Target) > 0 {
			// The exact target, as uploaded.
			b.WriteString("    <xacml:Target>\n")
			for _, anyOf := range r.Target {
				b.WriteString("      <xacml:AnyOf>\n")
				for _, all := range anyOf {
					b.WriteString("        <xacml:AllOf>\n")
					for _, m := range all {
						fn := m.MatchID
						if fn == "" {
							fn = fnStringEqual
						}
						match(fn, m.Value, m.AttributeID, m.Category)
					}
					b.WriteString("        </xacml:AllOf>\n")
				}
				b.WriteString("      </xacml:AnyOf>\n")
			}
			b.WriteString("    </xacml:Target>\n  </xacml:Rule>\n")
			continue
		}
		b.WriteString("    <xacml:Target>\n      <xacml:AnyOf>\n")
		for _, s := range r.Subjects {
			attr, v, _ := SplitSubject(s)
			if attr == AttrRoleCode {
				v = strings.ToUpper(v) // as the platform's policies write role codes
			}
			b.WriteString("        <xacml:AllOf>\n")
			match(fnStringEqualIC, v, attr, catSubject)
			b.WriteString("        </xacml:AllOf>\n")
		}
		b.WriteString("      </xacml:AnyOf>\n      <xacml:AnyOf>\n")
		for _, all := range r.Resources {
			b.WriteString("        <xacml:AllOf>\n")
			for _, m := range all {
				match(fnStringEqual, m.Value, m.ID, catResource)
			}
			b.WriteString("        </xacml:AllOf>\n")
		}
		b.WriteString("      </xacml:AnyOf>\n      <xacml:AnyOf>\n")
		for _, a := range r.Actions {
			b.WriteString("        <xacml:AllOf>\n")
			match(fnStringEqual, a, AttrActionID, catAction)
			b.WriteString("        </xacml:AllOf>\n")
		}
		b.WriteString("      </xacml:AnyOf>\n    </xacml:Target>\n  </xacml:Rule>\n")
	}
	if len(p.Obligations) > 0 {
		b.WriteString("  <xacml:ObligationExpressions>\n")
		for _, o := range p.Obligations {
			fmt.Fprintf(&b, "    <xacml:ObligationExpression FulfillOn=\"%s\" ObligationId=\"%s\">\n", esc(o.FulfillOn), esc(o.ID))
			for _, a := range o.Assignments {
				fmt.Fprintf(&b, "      <xacml:AttributeAssignmentExpression AttributeId=\"%s\" Category=\"%s\">\n", esc(a.AttributeID), esc(a.Category))
				fmt.Fprintf(&b, "        <xacml:AttributeValue DataType=\"%s\">%s</xacml:AttributeValue>\n", esc(a.DataType), esc(a.Value))
				b.WriteString("      </xacml:AttributeAssignmentExpression>\n")
			}
			b.WriteString("    </xacml:ObligationExpression>\n")
		}
		b.WriteString("  </xacml:ObligationExpressions>\n")
	} else if p.MinAuthLevel > 0 {
		b.WriteString("  <xacml:ObligationExpressions>\n")
		fmt.Fprintf(&b, "    <xacml:ObligationExpression FulfillOn=\"Permit\" ObligationId=\"urn:altinn:obligation:authenticationLevel1\">\n")
		fmt.Fprintf(&b, "      <xacml:AttributeAssignmentExpression AttributeId=\"%s\" Category=\"%s\">\n", obligationAssignID, catMinAuthLevel)
		fmt.Fprintf(&b, "        <xacml:AttributeValue DataType=\"%s\">%d</xacml:AttributeValue>\n", xsInteger, p.MinAuthLevel)
		b.WriteString("      </xacml:AttributeAssignmentExpression>\n    </xacml:ObligationExpression>\n  </xacml:ObligationExpressions>\n")
	}
	b.WriteString("</xacml:Policy>\n")
	return b.Bytes()
}

// XML shapes for parsing; encoding/xml matches on local names, so any
// namespace prefix (xacml:, none, ...) is accepted.
type xPolicy struct {
	XMLName     xml.Name `xml:"Policy"`
	PolicyID    string   `xml:"PolicyId,attr"`
	CombAlg     string   `xml:"RuleCombiningAlgId,attr"`
	Rules       []xRule  `xml:"Rule"`
	Obligations struct {
		Exprs []struct {
			ID        string `xml:"ObligationId,attr"`
			FulfillOn string `xml:"FulfillOn,attr"`
			Assigns   []struct {
				AttributeID string `xml:"AttributeId,attr"`
				Category    string `xml:"Category,attr"`
				Value       struct {
					DataType string `xml:"DataType,attr"`
					Text     string `xml:",chardata"`
				} `xml:"AttributeValue"`
			} `xml:"AttributeAssignmentExpression"`
		} `xml:"ObligationExpression"`
	} `xml:"ObligationExpressions"`
}

type xRule struct {
	RuleID      string `xml:"RuleId,attr"`
	Effect      string `xml:"Effect,attr"`
	Description string `xml:"Description"`
	Target      struct {
		AnyOf []struct {
			AllOf []struct {
				Match []xMatch `xml:"Match"`
			} `xml:"AllOf"`
		} `xml:"AnyOf"`
	} `xml:"Target"`
}

type xMatch struct {
	MatchID string `xml:"MatchId,attr"`
	Value   string `xml:"AttributeValue"`
	Desig   struct {
		AttributeID string `xml:"AttributeId,attr"`
		Category    string `xml:"Category,attr"`
	} `xml:"AttributeDesignator"`
}

// ParseXACML reads a XACML 3.0 policy as the registry accepts it and
// turns it into rules for resourceID. A rule's target may be any AnyOf of
// AllOf of Match, as in XACML 3.0; one built as the platform's policies
// mostly are (an AnyOf of subjects, one of resources, one of actions) is
// kept as the rule's lists alone, any other also as its exact Target.
func ParseXACML(resourceID string, data []byte) (Policy, error) {
	var x xPolicy
	if err := xml.Unmarshal(data, &x); err != nil {
		return Policy{}, ErrInvalidPolicy.WithDetail("the policy is not valid XACML XML: %v", err)
	}
	if x.CombAlg != "" && x.CombAlg != denyOverrides {
		return Policy{}, ErrInvalidPolicy.WithDetail("RuleCombiningAlgId %q is not supported; the platform's policies use %s", x.CombAlg, denyOverrides)
	}
	p := Policy{ResourceID: resourceID, PolicyID: x.PolicyID}
	// Every obligation is kept as written: the PDP returns them all on
	// Permit (an app policy has minimum-authenticationlevel and
	// minimum-authenticationlevel-org). MinAuthLevel is the first one's
	// level, for the parts of the emulator that only need that.
	for _, o := range x.Obligations.Exprs {
		ob := Obligation{ID: strings.TrimSpace(o.ID), FulfillOn: strings.TrimSpace(o.FulfillOn)}
		if ob.FulfillOn == "" {
			ob.FulfillOn = EffectPermit
		}
		for _, a := range o.Assigns {
			v := strings.TrimSpace(a.Value.Text)
			if a.Category == catMinAuthLevel && p.MinAuthLevel == 0 {
				n, err := strconv.Atoi(v)
				if err != nil {
					return Policy{}, ErrInvalidPolicy.WithDetail("minimum authentication level %q is not a number", v)
				}
				p.MinAuthLevel = n
			}
			ob.Assignments = append(ob.Assignments, Assignment{AttributeID: strings.TrimSpace(a.AttributeID), Category: strings.TrimSpace(a.Category), DataType: strings.TrimSpace(a.Value.DataType), Value: v})
		}
		p.Obligations = append(p.Obligations, ob)
	}
	for i, xr := range x.Rules {
		r := Rule{RuleID: xr.RuleID, Effect: xr.Effect, Description: strings.TrimSpace(xr.Description)}
		name := xr.RuleID
		if name == "" {
			name = strconv.Itoa(i + 1)
		}
		var target []AnyOf
		for _, group := range xr.Target.AnyOf {
			var anyOf AnyOf
			for _, all := range group.AllOf {
				var ms AllOf
				for _, m := range all.Match {
					ms = append(ms, TargetMatch{
						Category:    strings.TrimSpace(m.Desig.Category),
						AttributeID: strings.TrimSpace(m.Desig.AttributeID),
						Value:       strings.TrimSpace(m.Value),
						MatchID:     strings.TrimSpace(m.MatchID),
					})
				}
				if len(ms) > 0 {
					anyOf = append(anyOf, ms)
				}
			}
			if len(anyOf) > 0 {
				target = append(target, anyOf)
			}
		}
		exact, err := flattenTarget(name, target, &r)
		if err != nil {
			return Policy{}, err
		}
		if !exact {
			r.Target = target
		}
		p.Rules = append(p.Rules, r)
	}
	if err := validatePolicy(&p); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// flattenTarget fills r's subject, resource and action lists with every
// value target names and reports whether those lists say target exactly.
// They do when, once an AnyOf of a single AllOf is read as one condition
// per category (the same thing: all must hold), each category has at most
// one AnyOf, each of whose AllOfs is of that category alone, and a subject
// or action AllOf is one match, and resources and actions are compared
// with string-equal (subjects are compared ignoring case either way, as
// the platform's policies write them). The lists' reading is then the target's:
// one subject of Subjects, one resource alternative, one action.
func flattenTarget(name string, target []AnyOf, r *Rule) (bool, error) {
	exact := true
	groups := map[string]int{}
	for _, anyOf := range target {
		cats := map[string]bool{}
		for _, all := range anyOf {
			var res []AttributeMatch
			inAll := map[string]int{}
			for _, m := range all {
				inAll[m.Category]++
				if m.Category != catSubject && m.MatchID != "" && m.MatchID != fnStringEqual {
					// The lists compare resources and actions as
					// string-equal; the target says how.
					exact = false
				}
				switch m.Category {
				case catSubject:
					r.Subjects = append(r.Subjects, m.AttributeID+":"+m.Value)
				case catResource:
					res = append(res, AttributeMatch{ID: m.AttributeID, Value: m.Value})
				case catAction:
					if m.AttributeID != AttrActionID {
						return false, ErrInvalidPolicy.WithDetail("rule %s: action attribute %q is not %s", name, m.AttributeID, AttrActionID)
					}
					r.Actions = append(r.Actions, m.Value)
				default:
					return false, ErrInvalidPolicy.WithDetail("rule %s: unknown attribute category %q", name, m.Category)
				}
			}
			if res != nil {
				r.Resources = append(r.Resources, res)
			}
			for cat, n := range inAll {
				cats[cat] = true
				if n > 1 && cat != catResource {
					exact = false // two subjects, or two actions, all needed
				}
			}
		}
		if len(anyOf) > 1 && len(cats) > 1 {
			exact = false // alternatives of different categories
		}
		for cat := range cats {
			groups[cat]++
			if groups[cat] > 1 {
				exact = false // two conditions on one category
			}
		}
	}
	return exact, nil
}
