package pdp

import (
	"context"
	"strconv"

	"github.com/google/uuid"
)

// Recorder hears every decision of /authorize and /decision, for the
// emulator's call log (WithRecorder; none records nothing). It must not
// block: it is called on the request's path.
type Recorder interface {
	Decision(ctx context.Context, d DecisionCall)
}

// DecisionCall is one decision as the call log shows it. Subject and
// Party are in the forms the "Why?" page takes (WhyURL), so the log can
// link each decision to its explanation.
type DecisionCall struct {
	Path                             string
	Subject, Resource, Action, Party string
	Decision                         string
	// Status is the XACML status code of a decision that is not ok,
	// Message its message.
	Status, Message string
}

// recordDecision reports one result of the request req (the zero Request
// when the body could not be read).
func (s *Service) recordDecision(ctx context.Context, ep Endpoint, req Request, res Result) {
	d := DecisionCall{Path: "/authorization/api/v1/decision", Subject: subjectURN(req.Subject), Resource: req.ResourceID,
		Action: req.Action, Party: partyRef(req.Party), Decision: res.Decision}
	if ep == External {
		d.Path = "/authorization/api/v1/authorize"
	}
	if st := res.Status; st != nil && st.StatusCode != nil && st.StatusCode.Value != StatusOK {
		d.Status = st.StatusCode.Value
		if st.StatusMessage != nil {
			d.Message = *st.StatusMessage
		}
	}
	s.rec.Decision(ctx, d)
}

// subjectURN names the subject as an attribute URN with its value, the
// first identifying attribute the request gave.
func subjectURN(s Subject) string {
	switch {
	case s.SystemUserID != uuid.Nil:
		return AttrSystemUserUUID + ":" + s.SystemUserID.String()
	case s.PID != "":
		return AttrPersonID + ":" + s.PID
	case s.UserID != 0:
		return AttrUserID + ":" + strconv.FormatInt(s.UserID, 10)
	case s.OrgNo != "":
		return AttrOrgID + ":" + s.OrgNo
	case s.PartyID != 0:
		return AttrPartyID + ":" + strconv.FormatInt(s.PartyID, 10)
	case s.PartyUUID != uuid.Nil:
		return AttrPartyUUID + ":" + s.PartyUUID.String()
	}
	return ""
}

// partyRef is the resource party as the "Why?" page takes it: an org
// number, party id or party uuid (a person's id, which the page does not
// take, is shown as is).
func partyRef(p PartyRef) string {
	switch {
	case p.OrgNo != "":
		return p.OrgNo
	case p.PartyID != 0:
		return strconv.FormatInt(p.PartyID, 10)
	case p.PartyUUID != uuid.Nil:
		return p.PartyUUID.String()
	}
	return p.PID
}
