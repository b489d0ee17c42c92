package accesslists

import (
	"context"
	"errors"
	"net/http"

	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Results of the access-list check (AccessListAuthorizationResult).
const (
	ResultNotDetermined = "NotDetermined"
	ResultNotAuthorized = "NotAuthorized"
	ResultAuthorized    = "Authorized"
)

// AuthzRoutes is Altinn Authorization's access-list check, which Access
// Management asks before it delegates a resource whose access lists are
// on.
func (s *Service) AuthzRoutes() []route.Route {
	return []route.Route{
		{Method: "POST", Path: "/authorization/api/v1/accesslist/accessmanagement/authorization", Guard: route.OwnBearer,
			Handler: s.platformOnly(s.handleAuthorize), Tag: "Authorization (PDP)",
			Body: "AccessListAuthorizationRequest", OKSchema: "AccessListAuthorizationResponse",
			Summary: "Is the party on an access list of the resource that allows the action? (a platform access token from \"platform\" only)"},
	}
}

// typeValue is Altinn.Urn's UrnJsonTypeValue: {"type": <urn prefix>, "value": <value>}.
type typeValue struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

func (t *typeValue) urn() string { return t.Type + ":" + t.Value }

// authzRequest is AccessListAuthorizationRequest; subject and resource are
// required.
type authzRequest struct {
	Subject  *typeValue `json:"subject"`
	Resource *typeValue `json:"resource"`
	Action   *typeValue `json:"action"`
}

// authzResponse echoes the request with the result.
type authzResponse struct {
	Subject  *typeValue `json:"subject"`
	Resource *typeValue `json:"resource"`
	Action   *typeValue `json:"action"`
	Result   string     `json:"result"`
}

const actionIDType = "urn:oasis:names:tc:xacml:1.0:action:action-id"

func (s *Service) handleAuthorize(w http.ResponseWriter, r *http.Request) error {
	var req authzRequest
	if p := problem.DecodeJSON(w, r, &req); p != nil {
		return p
	}
	var errs []problem.ValidationError
	var (
		party    PartyRef
		resource string
	)
	if req.Subject == nil {
		errs = append(errs, required("$.subject", "Subject"))
	} else if p, ok := ParsePartyURN(req.Subject.urn()); !ok {
		errs = append(errs, invalidURN("$.subject", "a party URN (urn:altinn:organization:identifier-no, urn:altinn:party:uuid or urn:altinn:party:id)"))
	} else {
		party = p
	}
	if req.Resource == nil {
		errs = append(errs, required("$.resource", "Resource"))
	} else if id, ok := ParseResourceURN(req.Resource.urn()); !ok {
		errs = append(errs, invalidURN("$.resource", "urn:altinn:resource"))
	} else {
		resource = id
	}
	if req.Action != nil && (req.Action.Type != actionIDType || req.Action.Value == "") {
		errs = append(errs, invalidURN("$.action", actionIDType))
	}
	if len(errs) > 0 {
		return problem.Validation(errs...)
	}
	action := ""
	if req.Action != nil {
		action = req.Action.Value
	}
	res, err := s.Authorize(r.Context(), party, resource, action)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, authzResponse{Subject: req.Subject, Resource: req.Resource, Action: req.Action, Result: res})
	return nil
}

// errNoAction is a check without an action on a resource whose list
// filters actions (upstream throws there, a 500).
var errNoAction = errors.New("the action is required: the party's access list for the resource allows only some actions")

// Authorize is AccessListAuthorization.Authorize: NotAuthorized when the
// party is on no list of the resource (or the registry cannot resolve
// it), Authorized when a list has no action filter or names the action.
func (s *Service) Authorize(ctx context.Context, party PartyRef, resource, action string) (string, error) {
	ms, err := s.Memberships(ctx, party, resource)
	if errors.Is(err, ErrPartyNotFound) {
		// The registry answers 400; Authorization reads that as no
		// memberships.
		return ResultNotAuthorized, nil
	}
	if err != nil {
		return "", err
	}
	if len(ms) == 0 {
		return ResultNotAuthorized, nil
	}
	for _, m := range ms {
		if len(m.Actions) == 0 {
			return ResultAuthorized, nil
		}
	}
	if action == "" {
		return "", problem.Validation(problem.ValidationError{Code: "STD-00001", Title: "Required", Detail: errNoAction.Error(), Paths: []string{"$.action"}})
	}
	if decide(ms, action).Authorized {
		return ResultAuthorized, nil
	}
	return ResultNotAuthorized, nil
}

func required(path, field string) problem.ValidationError {
	return problem.ValidationError{Code: "STD-00001", Title: "Required", Detail: "The " + field + " field is required.", Paths: []string{path}}
}

func invalidURN(path, want string) problem.ValidationError {
	return problem.ValidationError{Code: "STD-00001", Title: "Invalid JSON", Detail: "The value must be " + want + " as {\"type\", \"value\"}.", Paths: []string{path}}
}
