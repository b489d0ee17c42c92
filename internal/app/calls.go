package app

import (
	"context"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/altinn-sim/altinn-sim/internal/calllog"
	"github.com/altinn-sim/altinn-sim/internal/maskinporten"
	"github.com/altinn-sim/altinn-sim/internal/pdp"
)

// callLogSize is how many /token and PDP calls an instance keeps for the
// /sim/calls page.
const callLogSize = 500

// callRecorder writes what /token and the PDP report into the instance's
// call log, with the request id the access log and X-Request-Id carry.
type callRecorder struct{ ring *calllog.Ring }

func (c callRecorder) TokenCall(ctx context.Context, t maskinporten.TokenCall) {
	e := calllog.Entry{Kind: calllog.Token, Path: "/token", RequestID: middleware.GetReqID(ctx), Outcome: calllog.Issued,
		ClientID: t.ClientID, Scopes: t.Scopes, SystemUserID: t.SystemUserID, SystemUserOrg: t.SystemUserOrg}
	switch {
	case t.Refused != nil:
		e.Outcome, e.Error, e.MP, e.Reason = calllog.Refused, t.Refused.Code, t.Refused.MP, t.Refused.Description
	case t.Failed:
		e.Outcome, e.Reason = calllog.Failed, "server error: see the log line with this request id"
	}
	c.ring.Add(e)
}

func (c callRecorder) Decision(ctx context.Context, d pdp.DecisionCall) {
	c.ring.Add(calllog.Entry{Kind: calllog.Decision, Path: d.Path, RequestID: middleware.GetReqID(ctx), Outcome: d.Decision,
		Subject: d.Subject, Resource: d.Resource, Action: d.Action, Party: d.Party, Status: d.Status, Reason: d.Message})
}
