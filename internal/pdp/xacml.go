package pdp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// Endpoint says which decision route a request came through: the external
// /authorize is stricter about subjects but allows national identity
// numbers; errors are processing-error there and syntax-error on /decision.
type Endpoint int

// The two endpoints.
const (
	Internal Endpoint = iota // POST /authorization/api/v1/decision
	External                 // POST /authorization/api/v1/authorize
)

// statusErr is a request the PDP cannot decide: it becomes Indeterminate.
type statusErr struct {
	code    string
	msg     string
	missing []string
	cause   error // for the log, never sent
	// fatal is what upstream throws (an ArgumentException): it ends the
	// whole request, multi-request or not, in one Indeterminate result.
	fatal bool
}

func (e *statusErr) Error() string { return e.msg }

// argErr is what upstream throws as ArgumentException: processing-error on
// /authorize, syntax-error on /decision.
func argErr(ep Endpoint, format string, args ...any) *statusErr {
	code := StatusSyntaxError
	if ep == External {
		code = StatusProcessingError
	}
	return &statusErr{code: code, msg: fmt.Sprintf(format, args...), fatal: true}
}

func syntaxErr(format string, args ...any) *statusErr {
	return &statusErr{code: StatusSyntaxError, msg: fmt.Sprintf(format, args...)}
}

func missingErr(msg string, attrs ...string) *statusErr {
	return &statusErr{code: StatusMissingAttribute, msg: msg, missing: attrs}
}

// parsed is one sub-request: either a Request or the reason it is
// Indeterminate.
type parsed struct {
	req Request
	err *statusErr
}

// DecodeBody reads a request body. A body that is not the XACML JSON shape
// is a syntax error (answered as one Indeterminate result).
func DecodeBody(body []byte) (XRoot, *statusErr) {
	var root XRoot
	if err := json.Unmarshal(body, &root); err != nil {
		return XRoot{}, syntaxErr("The request body is not a valid XACML JSON request: %v", err)
	}
	if root.Request == nil {
		return XRoot{}, syntaxErr("The request body has no Request object.")
	}
	return root, nil
}

// split turns an XACML request into the sub-requests to decide, in
// response order (MultiRequests only with ≥ 2 references).
func split(req *XRequest, ep Endpoint) []parsed {
	if req.MultiRequests != nil && len(req.MultiRequests.RequestReference) >= 2 {
		out := make([]parsed, 0, len(req.MultiRequests.RequestReference))
		byID := indexCategories(req)
		for _, ref := range req.MultiRequests.RequestReference {
			out = append(out, splitRef(byID, ref, ep))
		}
		return out
	}
	return []parsed{build(first(req.AccessSubject), first(req.Action), first(req.Resource), ep)}
}

func first(cs []XCategory) []*XCategory {
	if len(cs) == 0 {
		return nil
	}
	return []*XCategory{&cs[0]}
}

// categoriesByID are a request's categories by their Id, each list in
// the request's order: a MultiRequests body of n references looks each
// one up instead of scanning every category for each (n² for n
// decisions).
type categoriesByID struct {
	subj, act, res map[string][]*XCategory
}

func indexCategories(req *XRequest) categoriesByID {
	index := func(cs []XCategory) map[string][]*XCategory {
		m := make(map[string][]*XCategory, len(cs))
		for i := range cs {
			m[cs[i].ID] = append(m[cs[i].ID], &cs[i])
		}
		return m
	}
	return categoriesByID{index(req.AccessSubject), index(req.Action), index(req.Resource)}
}

func splitRef(byID categoriesByID, ref XRequestReference, ep Endpoint) parsed {
	// A ReferenceId that names no category adds nothing, as upstream: the
	// part then lacks a subject, action or resource and is decided (or
	// refused) as such.
	var subj, act, res []*XCategory
	for _, id := range ref.ReferenceID {
		subj = append(subj, byID.subj[id]...)
		act = append(act, byID.act[id]...)
		res = append(res, byID.res[id]...)
	}
	return build(subj, act, res, ep)
}

func attrsOf(cs []*XCategory) []XAttribute {
	if len(cs) == 1 {
		return cs[0].Attribute
	}
	var out []XAttribute
	for _, c := range cs {
		out = append(out, c.Attribute...)
	}
	return out
}

func build(subj, act, res []*XCategory, ep Endpoint) parsed {
	var r Request
	var err *statusErr
	r.echo = echo(CategorySubject, subj, echo(CategoryAction, act, echo(CategoryResource, res, nil)))
	if r.Subject, err = parseSubject(attrsOf(subj), ep); err != nil {
		return parsed{req: r, err: err}
	}
	for _, a := range attrsOf(act) {
		if a.AttributeID == AttrAction {
			r.Action = a.Value
		}
	}
	r.ResourceID, r.Party, err = parseResource(attrsOf(res), ep)
	return parsed{req: r, err: err}
}

// echo collects attributes flagged IncludeInResult, which the result
// carries back in its category list.
func echo(categoryID string, cs []*XCategory, out []ResultCategory) []ResultCategory {
	for _, c := range cs {
		var attrs []ResultAttribute
		for _, a := range c.Attribute {
			if !a.IncludeInResult {
				continue
			}
			dt := a.DataType
			if dt == "" {
				dt = DataTypeString
			}
			var iss *string
			if a.Issuer != "" {
				iss = &a.Issuer
			}
			attrs = append(attrs, ResultAttribute{AttributeID: a.AttributeID, Value: a.Value, Issuer: iss, DataType: dt, IncludeInResult: true})
		}
		if len(attrs) > 0 {
			id := c.CategoryID
			if id == "" {
				id = categoryID
			}
			content, _ := c.Content.(string)
			out = append(out, ResultCategory{CategoryID: id, Attribute: attrs, xmlID: c.ID, xmlContent: content})
		}
	}
	return out
}

// parseSubject applies upstream's subject rules.
func parseSubject(attrs []XAttribute, ep Endpoint) (Subject, *statusErr) {
	var s Subject
	var su, others int
	for _, a := range attrs {
		switch a.AttributeID {
		case AttrSystemUserUUID:
			su++
		case AttrSessionID:
			// Passed by PEPs; never part of the decision.
		default:
			others++
		}
	}
	if su > 0 {
		if su > 1 || others > 0 {
			return s, argErr(ep, "Subject attribute urn:altinn:systemuser:uuid can only be used by itself and not in combination with other subject identifiers.")
		}
		for _, a := range attrs {
			if a.AttributeID == AttrSystemUserUUID {
				id, err := uuid.Parse(strings.TrimSpace(a.Value))
				if err != nil || id == uuid.Nil {
					return s, argErr(ep, "urn:altinn:systemuser:uuid: Not a valid uuid")
				}
				s.SystemUserID = id
			}
		}
		return s, nil
	}
	for _, a := range attrs {
		v := strings.TrimSpace(a.Value)
		if a.AttributeID != AttrSessionID && a.AttributeID != "" && v != "" {
			// A legacy urn:altinn:organizationnumber also sets OrgNo below,
			// which subjectAttrs adds in the current form, as the real PDP does.
			s.Attrs = append(s.Attrs, a.AttributeID+":"+v)
		}
		switch a.AttributeID {
		case AttrPersonID:
			if ep == Internal {
				return s, argErr(ep, "Subject attribute urn:altinn:person:identifier-no is only allowed on the external authorize endpoint.")
			}
			if !parties.ValidPID(v) {
				return s, argErr(ep, "Invalid person-id")
			}
			s.PID = v
		case AttrUserID:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return s, argErr(ep, "urn:altinn:userid: Not a valid user id")
			}
			s.UserID = n
		case AttrOrgID, AttrOrgNumber:
			s.OrgNo = v
		case AttrPartyID:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return s, argErr(ep, "urn:altinn:partyid: Not a valid party id")
			}
			s.PartyID = n
		case AttrPartyUUID:
			id, err := uuid.Parse(v)
			if err != nil {
				return s, argErr(ep, "urn:altinn:party:uuid: Not a valid uuid")
			}
			s.PartyUUID = id
		}
	}
	if ep == External {
		if s.UserID != 0 && s.PID != "" {
			return s, argErr(ep, "Not allowed to set userid and person-id for subject at the same time")
		}
		if s.OrgNo != "" && (s.UserID != 0 || s.PID != "") {
			return s, argErr(ep, "Not allowed to set organization number and person-id or userid for subject at the same time")
		}
	}
	return s, nil
}

// parseResource reads the resource id and the resource party.
func parseResource(attrs []XAttribute, ep Endpoint) (string, PartyRef, *statusErr) {
	var id, org, app string
	var p PartyRef
	for _, a := range attrs {
		v := strings.TrimSpace(a.Value)
		switch a.AttributeID {
		case AttrResource:
			id = v
		case "urn:altinn:org":
			org = v
		case "urn:altinn:app":
			app = v
		case AttrOrgID, AttrOrgNumber:
			p.OrgNo = v
		case AttrPartyID:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return "", p, argErr(ep, "urn:altinn:partyid: Not a valid party id")
			}
			p.PartyID = n
		case AttrPartyUUID:
			u, err := uuid.Parse(v)
			if err != nil {
				return "", p, argErr(ep, "urn:altinn:party:uuid: Not a valid uuid")
			}
			p.PartyUUID = u
		case AttrPersonID:
			if ep == Internal {
				return "", p, argErr(ep, "Resource attribute urn:altinn:person:identifier-no is only allowed on the external authorize endpoint.")
			}
			p.PID = v
		}
	}
	// An app is named either app_{org}_{app} or by org + app.
	if id == "" && org != "" && app != "" {
		id = "app_" + org + "_" + app
	}
	return id, p, nil
}
