package maskinporten

import (
	"context"
	"errors"
	"strings"
)

// Recorder hears how each /token call ended, for the emulator's call log
// (app passes one in; nil records nothing). It must not block: it is
// called on the request's path.
type Recorder interface {
	TokenCall(ctx context.Context, c TokenCall)
}

// TokenCall is one /token call as the call log shows it.
type TokenCall struct {
	// ClientID is the grant's iss, read even when the grant was refused
	// before it was trusted ("" when it could not be read).
	ClientID string
	// Scopes are the scopes issued, or those the grant asked for.
	Scopes []string
	// SystemUserID and SystemUserOrg are set for an issued system-user
	// token.
	SystemUserID, SystemUserOrg string
	// Refused is the client's error (nil when issued or failed); Failed
	// says the token could not be issued through no fault of the client.
	Refused *Error
	Failed  bool
}

// record tells the recorder how a /token call ended.
func (s *Service) record(ctx context.Context, req TokenRequest, g Grant, err error) {
	c := TokenCall{ClientID: g.Client.ClientID, Scopes: g.Scopes}
	if g.SystemUser != nil {
		c.SystemUserID, c.SystemUserOrg = g.SystemUser.ID, g.SystemUser.ReporteeOrgNo
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			c.Refused = e
		} else {
			c.Failed = true
		}
		// What the grant said about itself, unverified.
		if a, perr := parseAssertion(req.Assertion); perr == nil {
			c.ClientID = a.claims.iss.V
			c.Scopes = strings.Fields(a.claims.scope.V)
		}
	}
	s.rec.TokenCall(ctx, c)
}
