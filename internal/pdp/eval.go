package pdp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Outcome is the evaluator's answer for one request.
type Outcome struct {
	Decision string
	Rule     *RuleRef
	Grant    *Grant
}

// Evaluate decides one request against the resource's policy and what the
// subject holds for the resource party:
//
//  1. Policy rules, deny-overrides: a matching Deny rule wins; else a
//     matching Permit rule permits. A rule matches when one of its subject
//     alternatives is a role or package the subject holds, the action is
//     one of its actions, and the resource is the requested one.
//  2. Otherwise direct resource rights (the delegation path): a right on
//     this resource permits the actions the resource's Permit rules name,
//     like the delegation policy Access Management writes for it.
//  3. Otherwise NotApplicable, as the real PDP answers "no rights".
//
// It is a pure function: everything it needs is in its arguments. tr may be
// nil; when set, it records why.
func Evaluate(p Policy, resourceID, action string, f Facts, tr *Trace) Outcome {
	var permit *Outcome
	for i := range p.Rules {
		r := &p.Rules[i]
		if !r.covers(resourceID, action) {
			continue
		}
		var (
			g    *Grant
			subj string
		)
		if r.Target != nil {
			m := matchTarget(r.Target, resourceID, action, f, true)
			if !m.ok {
				if tr != nil {
					tr.step("rule %s (%s, target %s) covers %q on %s, but the subject does not hold what it needs", r.ID, r.Effect, describeTarget(r.Target), action, resourceID)
				}
				continue
			}
			g, subj = joinGrants(m.grants), strings.Join(m.subjects, " and ")
		} else {
			held, s, ok := matchSubjects(r.Subjects, f)
			if !ok {
				if tr != nil {
					tr.step("rule %s (%s %s) names action %q but none of its subjects %s is held by the subject", r.ID, r.Effect, strings.Join(r.Actions, ","), action, strings.Join(r.Subjects, ", "))
				}
				continue
			}
			g, subj = &held, s
		}
		through := "its target alone"
		if g != nil {
			through = fmt.Sprintf("%s (%s)", g.Value, g.Source)
		}
		ref := &RuleRef{ID: r.ID, Effect: r.Effect, Subject: subj, Actions: r.Actions}
		if strings.EqualFold(r.Effect, Deny) {
			if tr != nil {
				tr.step("rule %s denies %q through %s; deny overrides", r.ID, action, through)
			}
			return Outcome{Decision: Deny, Rule: ref, Grant: g}
		}
		if permit == nil {
			if tr != nil {
				tr.step("rule %s permits %q through %s", r.ID, action, through)
			}
			permit = &Outcome{Decision: Permit, Rule: ref, Grant: g}
		}
	}
	if permit != nil {
		return *permit
	}
	if tr != nil {
		tr.step("no policy rule of %s permits %q for what the subject holds", resourceID, action)
	}

	for _, right := range f.Rights {
		if right.Value != resourceID {
			continue
		}
		if right.Action != "" && right.Action != action {
			if tr != nil {
				tr.step("direct right on %s (%s) is for action %q only", resourceID, right.Source, right.Action)
			}
			continue
		}
		for i := range p.Rules {
			r := &p.Rules[i]
			if strings.EqualFold(r.Effect, Permit) && r.covers(resourceID, action) {
				g := Grant{Kind: "resourceRight", Value: AttrResource + ":" + resourceID, Source: right.Source}
				if tr != nil {
					tr.step("direct right on %s (%s) covers %q, an action of rule %s", resourceID, right.Source, action, r.ID)
				}
				return Outcome{Decision: Permit, Rule: &RuleRef{ID: r.ID, Effect: Permit, Subject: "delegation", Actions: r.Actions}, Grant: &g}
			}
		}
		if tr != nil {
			tr.step("direct right on %s (%s) exists, but the resource's policy permits no rule with action %q", resourceID, right.Source, action)
		}
	}
	if len(f.Rights) == 0 {
		if tr != nil {
			tr.step("no resource delegation to the subject for this party")
		}
	}
	return Outcome{Decision: NotApplicable}
}

// covers says the rule is about this resource and action, whoever asks:
// its exact target with the subject left out, or its lists.
func (r *Rule) covers(resourceID, action string) bool {
	if r.Target != nil {
		return matchTarget(r.Target, resourceID, action, Facts{}, false).ok
	}
	return (len(r.Resources) == 0 || slices.Contains(r.Resources, resourceID)) && slices.Contains(r.Actions, action)
}

// matchSubjects returns the first subject alternative the facts satisfy.
func matchSubjects(subjects []string, f Facts) (Grant, string, bool) {
	for _, s := range subjects {
		if g, ok := matchSubject(s, f); ok {
			return g, s, true
		}
	}
	return Grant{}, "", false
}

func matchSubject(subj string, f Facts) (Grant, bool) {
	// A rule naming one of the subject's own attributes matches it, as the
	// real PDP matches the request's attributes: an organisation number
	// (urn:altinn:organization:identifier-no), a service owner
	// (urn:altinn:org), a user id. Policies compare these ignoring case.
	for _, a := range f.Attrs {
		if strings.EqualFold(a.Value, subj) {
			return Grant{Kind: "subjectAttribute", Value: subj, Source: a.Source}, true
		}
	}
	lower := strings.ToLower(subj)
	switch {
	case strings.HasPrefix(lower, accessPackagePrefix):
		code := lower[len(accessPackagePrefix):]
		for _, p := range f.Packages {
			if p.Value == code {
				return Grant{Kind: "accessPackage", Value: accessPackagePrefix + code, Source: p.Source}, true
			}
		}
	case strings.HasPrefix(lower, roleCodePrefix):
		return matchRole(lower[len(roleCodePrefix):], f)
	case strings.HasPrefix(lower, ccrRolePrefix):
		if code, ok := ccrRoleCodes[lower[len(ccrRolePrefix):]]; ok {
			return matchRole(code, f)
		}
	case strings.HasPrefix(lower, systemUserSubjectURNPrefix):
		id, err := uuid.Parse(lower[len(systemUserSubjectURNPrefix):])
		if err == nil && f.SystemUserID != uuid.Nil && id == f.SystemUserID {
			return Grant{Kind: "systemUser", Value: subj, Source: "named in the policy"}, true
		}
	}
	return Grant{}, false
}

// matchRole compares role codes case-insensitively: policies write DAGL,
// the PIP returns dagl.
func matchRole(code string, f Facts) (Grant, bool) {
	for _, r := range f.Roles {
		if strings.EqualFold(r.Value, code) {
			return Grant{Kind: "role", Value: roleCodePrefix + strings.ToLower(r.Value), Source: r.Source}, true
		}
	}
	return Grant{}, false
}

// ccrRoleCodes maps ER role names (urn:altinn:external-role:ccr:<name>) to
// the legacy role codes.
var ccrRoleCodes = map[string]string{
	"daglig-leder": "dagl", "styreleder": "lede", "styremedlem": "medl", "nestleder": "nest",
	"innehaver": "innh", "deltaker-fullt-ansvar": "dtso", "deltaker-delt-ansvar": "dtpr",
	"komplementar": "komp", "bestyrende-reder": "best", "bostyrer": "bobe", "regnskapsforer": "regn",
	"revisor": "revi", "forretningsforer": "ffør", "kontaktperson-nuf": "knuf",
	"norsk-representant": "repr", "signerer": "sign", "prokurist": "prok",
}

// PackageCode reduces an access-package URN (or bare code) to its bare,
// lower-case code, the form policies compare.
func PackageCode(urnOrCode string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(urnOrCode), accessPackagePrefix))
}

// obligations are what a Permit carries: every obligation of the resource
// policy, as written (an app policy has two: minimum-authenticationlevel
// and minimum-authenticationlevel-org); for a policy kept without them, the
// minimum authentication level. A policy with neither has none.
func obligations(p Policy) []Obligation {
	if len(p.Obligations) > 0 {
		return p.Obligations
	}
	if p.MinAuthLevel <= 0 {
		return nil
	}
	return []Obligation{{
		ID: ObligationAuthLevelID,
		AttributeAssignment: []AttributeAssignment{{
			AttributeID: ObligationAssignmentID,
			Value:       strconv.Itoa(p.MinAuthLevel),
			Category:    CategoryMinAuthLevel,
			DataType:    DataTypeInteger,
		}},
	}}
}

func (t *Trace) step(format string, args ...any) {
	if t == nil {
		return
	}
	t.Steps = append(t.Steps, fmt.Sprintf(format, args...))
}
