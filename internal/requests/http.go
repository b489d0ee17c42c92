package requests

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// Routes are the system-user request operations: the vendor's standard,
// agent and change requests, and the portal's view, approval and
// rejection of them.
func (s *Service) Routes() []route.Route {
	const tagRequests, tagChange = "System-user requests", "Change requests"
	write, read := []string{su.ScopeRequestWrite}, []string{su.ScopeRequestRead}
	portal := []string{su.ScopePortal}
	return []route.Route{
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/request/vendor", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleCreate(KindStandard)),
			Tag: tagRequests, Summary: "Ask a customer for a standard system user; answers the request with its confirmUrl", Body: "CreateRequest", OK: http.StatusCreated, OKSchema: "Request"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/request/vendor/agent", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleCreate(KindAgent)),
			Tag: tagRequests, Summary: "Ask a customer for an agent (client) system user", Body: "CreateRequest", OK: http.StatusCreated, OKSchema: "Request"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/vendor/{requestId}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleVendorGet(KindStandard)),
			Tag: tagRequests, Summary: "A standard request", OKSchema: "Request"},
		{Method: http.MethodDelete, Path: "/authentication/api/v1/systemuser/request/vendor/{requestId}", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleDelete("")),
			Tag: tagRequests, Summary: "Delete a request", OK: http.StatusAccepted},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/vendor/agent/{requestId}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleVendorGet(KindAgent)),
			Tag: tagRequests, Summary: "An agent request", OKSchema: "Request"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/vendor/byexternalref/{systemId}/{orgNo}/{externalRef}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleByExternalRef(KindStandard)),
			Tag: tagRequests, Summary: "A standard request by external reference", OKSchema: "Request"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/vendor/agent/byexternalref/{systemId}/{orgNo}/{externalRef}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleByExternalRef(KindAgent)),
			Tag: tagRequests, Summary: "An agent request by external reference", OKSchema: "Request"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/vendor/bysystem/{systemId}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleBySystem(KindStandard)),
			Query: []route.Param{route.Q("token", "continuation token from the previous page's links.next")}, Tag: tagRequests, Summary: "A system's standard requests, paged"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/vendor/agent/bysystem/{systemId}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleBySystem(KindAgent)),
			Query: []route.Param{route.Q("token", "continuation token from the previous page's links.next")}, Tag: tagRequests, Summary: "A system's agent requests, paged"},

		// End-user (portal/BFF) operations: a person's token with the
		// portal scope; the handler checks the person may manage the party's
		// access.
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/{requestId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleInternalGet(KindStandard)),
			Tag: tagRequests, Summary: "A request as the portal shows it"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/agent/{requestId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleInternalGet(KindAgent)),
			Tag: tagRequests, Summary: "An agent request as the portal shows it"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/{party}/{requestId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handlePartyGet(KindStandard)),
			Tag: tagRequests, Summary: "A request for a party"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/agent/{party}/{requestId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handlePartyGet(KindAgent)),
			Tag: tagRequests, Summary: "An agent request for a party"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/request/{party}/{requestId}/approve", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleApprove(KindStandard)),
			Tag: tagRequests, Summary: "Approve a request: creates the system user"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/request/agent/{party}/{requestId}/approve", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleApprove(KindAgent)),
			Tag: tagRequests, Summary: "Approve an agent request"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/request/{party}/{requestId}/reject", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleReject(KindStandard)),
			Tag: tagRequests, Summary: "Reject a request"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/request/agent/{party}/{requestId}/reject", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleReject(KindAgent)),
			Tag: tagRequests, Summary: "Reject an agent request"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/request/{party}/{requestId}/escalate", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleEscalate),
			Tag: tagRequests, Summary: "Escalate a request to someone who may approve it"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/request/agent/{party}/{requestId}/escalate", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleEscalate),
			Tag: tagRequests, Summary: "Escalate an agent request"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/{party}/{orgno}/pending", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handlePending(KindStandard)),
			Tag: tagRequests, Summary: "A party's pending standard requests"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/request/agent/{party}/{orgno}/pending", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handlePending(KindAgent)),
			Tag: tagRequests, Summary: "A party's pending agent requests"},

		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/changerequest/vendor", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleCreateChange),
			Query: []route.Param{route.Q("correlation-id", "a uuid the vendor picks; sent again, the same change request answers"), route.Q("system-user-id", "the system user to change")}, Tag: tagChange, Summary: "Ask to add or remove rights or packages of a system user (NoChangeNeeded when nothing changes)", Body: "ChangeRequest", OK: http.StatusCreated},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/changerequest/vendor/{requestId}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleVendorGet(KindChange)),
			Tag: tagChange, Summary: "A change request"},
		{Method: http.MethodDelete, Path: "/authentication/api/v1/systemuser/changerequest/vendor/{requestId}", Guard: route.Bearer, Scopes: write, Handler: route.E(s.handleDelete(KindChange)),
			Tag: tagChange, Summary: "Delete a change request", OK: http.StatusAccepted},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/changerequest/vendor/byexternalref/{systemId}/{orgNo}/{externalRef}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleByExternalRef(KindChange)),
			Tag: tagChange, Summary: "A change request by external reference"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/changerequest/vendor/bysystem/{systemId}", Guard: route.Bearer, Scopes: read, Handler: route.E(s.handleBySystem(KindChange)),
			Query: []route.Param{route.Q("token", "continuation token from the previous page's links.next")}, Tag: tagChange, Summary: "A system's change requests, paged"},
		// Any authenticated caller, as on the platform ([Authorize] without a
		// scope policy); the handler lets only access managers of the party
		// see it.
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/changerequest/{requestId}", Guard: route.Bearer, Handler: route.E(s.handleInternalGet(KindChange)),
			Tag: tagChange, Summary: "A change request as the portal shows it"},
		{Method: http.MethodGet, Path: "/authentication/api/v1/systemuser/changerequest/{party}/{requestId}", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handlePartyGet(KindChange)),
			Tag: tagChange, Summary: "A change request for a party"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/changerequest/{party}/{requestId}/approve", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleApprove(KindChange)),
			Tag: tagChange, Summary: "Approve a change request"},
		{Method: http.MethodPost, Path: "/authentication/api/v1/systemuser/changerequest/{party}/{requestId}/reject", Guard: route.Bearer, Scopes: portal, Handler: route.E(s.handleReject(KindChange)),
			Tag: tagChange, Summary: "Reject a change request"},
	}
}

// requestJSON is RequestSystemResponse / AgentRequestSystemResponse.
type requestJSON struct {
	ID               uuid.UUID          `json:"id"`
	IntegrationTitle string             `json:"integrationTitle"`
	ExternalRef      string             `json:"externalRef"`
	SystemID         string             `json:"systemId"`
	PartyOrgNo       string             `json:"partyOrgNo"`
	Rights           *[]Right           `json:"rights,omitempty"`
	AccessPackages   []AccessPackageRef `json:"accessPackages"`
	Status           string             `json:"status"`
	RedirectURL      *string            `json:"redirectUrl"`
	ConfirmURL       string             `json:"confirmUrl"`
	Escalated        bool               `json:"escalated"`
	Created          time.Time          `json:"created"`
	TimedOut         bool               `json:"timedOut"`
}

// internalJSON is RequestSystemResponseInternal (portal).
type internalJSON struct {
	ID                           uuid.UUID          `json:"id"`
	IntegrationTitle             string             `json:"integrationTitle"`
	ExternalRef                  string             `json:"externalRef"`
	SystemID                     string             `json:"systemId"`
	PartyOrgNo                   string             `json:"partyOrgNo"`
	PartyID                      int64              `json:"partyId"`
	PartyUUID                    uuid.UUID          `json:"partyUuid"`
	Rights                       []Right            `json:"rights"`
	AccessPackages               []AccessPackageRef `json:"accessPackages"`
	Status                       string             `json:"status"`
	RedirectURL                  *string            `json:"redirectUrl"`
	ConfirmURL                   string             `json:"confirmUrl"`
	Escalated                    bool               `json:"escalated"`
	Created                      time.Time          `json:"created"`
	UserMayEscalateButNotApprove bool               `json:"userMayEscalateButNotApprove"`
	SystemUserType               *string            `json:"systemUserType,omitempty"`
}

// changeJSON is ChangeRequestResponse (and, with party fields, the
// portal's ChangeRequestResponseInternal).
type changeJSON struct {
	ID                     uuid.UUID          `json:"id"`
	ExternalRef            string             `json:"externalRef"`
	SystemID               string             `json:"systemId"`
	SystemUserID           uuid.UUID          `json:"systemUserId"`
	PartyOrgNo             string             `json:"partyOrgNo"`
	PartyID                *int64             `json:"partyId,omitempty"`
	PartyUUID              *uuid.UUID         `json:"partyUuid,omitempty"`
	RequiredRights         []Right            `json:"requiredRights"`
	UnwantedRights         []Right            `json:"unwantedRights"`
	RequiredAccessPackages []AccessPackageRef `json:"requiredAccessPackages"`
	UnwantedAccessPackages []AccessPackageRef `json:"unwantedAccessPackages"`
	Status                 string             `json:"status"`
	RedirectURL            *string            `json:"redirectUrl"`
	ConfirmURL             string             `json:"confirmUrl"`
	Created                *time.Time         `json:"created,omitempty"`
	TimedOut               *bool              `json:"timedOut,omitempty"`
}

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Vendor renders r as the vendor APIs answer it.
func Vendor(r Request) any {
	if r.Kind == KindChange {
		created, timedOut := r.Created, r.TimedOut
		return changeJSON{ID: r.ID, ExternalRef: r.ExternalRef, SystemID: r.SystemID, SystemUserID: r.SystemUserID,
			PartyOrgNo: r.PartyOrgNo, RequiredRights: orEmpty(r.RequiredRights), UnwantedRights: orEmpty(r.UnwantedRights),
			RequiredAccessPackages: orEmpty(r.RequiredAccessPackages), UnwantedAccessPackages: orEmpty(r.UnwantedAccessPackages),
			Status: r.Status, RedirectURL: strOrNil(r.RedirectURL), ConfirmURL: r.ConfirmURL, Created: &created, TimedOut: &timedOut}
	}
	j := requestJSON{ID: r.ID, IntegrationTitle: r.IntegrationTitle, ExternalRef: r.ExternalRef, SystemID: r.SystemID,
		PartyOrgNo: r.PartyOrgNo, AccessPackages: orEmpty(r.AccessPackages), Status: r.Status,
		RedirectURL: strOrNil(r.RedirectURL), ConfirmURL: r.ConfirmURL, Escalated: r.Escalated, Created: r.Created, TimedOut: r.TimedOut}
	if r.Kind != KindAgent {
		rights := orEmpty(r.Rights)
		j.Rights = &rights
	}
	return j
}

func (s *Service) handleCreate(kind string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		vendor, err := su.VendorOrg(r)
		if err != nil {
			return err
		}
		var in CreateInput
		if p := problem.DecodeJSON(w, r, &in); p != nil {
			return p
		}
		req, created, err := s.Create(r.Context(), vendor, kind, in)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
			w.Header().Set("Location", s.publicURL+"/authentication/api/v1/systemuser/request/"+req.ID.String())
		}
		respond.JSON(w, status, Vendor(req))
		return nil
	}
}

func (s *Service) handleCreateChange(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	corr, err := uuid.Parse(q.Get("correlation-id"))
	if err != nil || corr == uuid.Nil {
		http.Error(w, "Missing or invalid QueryParameter: correlation-id. It must be a valid Guid.", http.StatusBadRequest)
		return nil
	}
	vendor, err := su.VendorOrg(r)
	if err != nil {
		return err
	}
	suID, err := uuid.Parse(q.Get("system-user-id"))
	if err != nil {
		return su.SystemUserNotFound.New()
	}
	if corr == suID {
		http.Error(w, "The correlation-id can not be the same as the system-user-id.", http.StatusBadRequest)
		return nil
	}
	var in ChangeInput
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		return p
	}
	u, err := s.users.Get(r.Context(), suID)
	if err != nil {
		return err
	}
	if u.SupplierOrgNo != vendor {
		// The platform answers a bare 401 when the system user is another
		// vendor's.
		return route.Status(http.StatusUnauthorized)
	}
	req, created, err := s.CreateChange(r.Context(), vendor, corr, suID, in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", s.publicURL+"/authentication/api/v1/systemuser/changerequest/"+req.ID.String())
	}
	respond.JSON(w, status, Vendor(req))
	return nil
}

func requestID(r *http.Request, kind string) (uuid.UUID, error) {
	id, err := uuid.Parse(chi.URLParam(r, "requestId"))
	if err != nil {
		return id, notFound(kind, chi.URLParam(r, "requestId"))
	}
	return id, nil
}

func (s *Service) handleVendorGet(kind string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		vendor, err := su.VendorOrg(r)
		if err != nil {
			return err
		}
		id, err := requestID(r, "")
		if err != nil {
			return err
		}
		req, err := s.VendorGet(r.Context(), vendor, kind, id)
		if err != nil {
			return err
		}
		respond.JSON(w, http.StatusOK, Vendor(req))
		return nil
	}
}

func (s *Service) handleByExternalRef(kind string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		vendor, err := su.VendorOrg(r)
		if err != nil {
			return err
		}
		req, err := s.ByExternalRef(r.Context(), vendor, kind, chi.URLParam(r, "systemId"), chi.URLParam(r, "orgNo"), chi.URLParam(r, "externalRef"))
		if err != nil {
			return err
		}
		respond.JSON(w, http.StatusOK, Vendor(req))
		return nil
	}
}

func (s *Service) handleBySystem(kind string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		vendor, err := su.VendorOrg(r)
		if err != nil {
			return err
		}
		var after uuid.UUID
		if t := r.URL.Query().Get("token"); t != "" {
			var tok string
			if err := su.DecodeToken(t, &tok); err != nil {
				return problem.BadRequest.WithDetail("invalid continuation token")
			}
			if after, err = uuid.Parse(tok); err != nil {
				return problem.BadRequest.WithDetail("invalid continuation token")
			}
		}
		list, more, err := s.ListBySystem(r.Context(), vendor, kind, chi.URLParam(r, "systemId"), after)
		if err != nil {
			return err
		}
		page := su.Paginated[any]{Data: []any{}}
		for _, x := range list {
			page.Data = append(page.Data, Vendor(x))
		}
		if more {
			// The token is the last id of this page; the next page starts
			// after it. (The platform passes the next page's first id and
			// then skips it; we do not reproduce that lost item.)
			page.Links.Next = su.NextLink(r, su.EncodeToken(list[len(list)-1].ID.String()))
		}
		respond.JSON(w, http.StatusOK, page)
		return nil
	}
}

func (s *Service) handleDelete(kind string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		vendor, err := su.VendorOrg(r)
		if err != nil {
			return err
		}
		id, err := requestID(r, "")
		if err != nil {
			return err
		}
		if err := s.Delete(r.Context(), vendor, kind, id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusAccepted)
		return nil
	}
}

// person returns the calling person's PID, or 403.
func person(r *http.Request) (string, error) {
	c, _ := auth.CallerFrom(r.Context())
	if c.PID == "" {
		return "", problem.Forbidden.WithDetail("this endpoint needs a person's token")
	}
	return c.PID, nil
}

func (s *Service) partyOrg(r *http.Request, param string) (parties.Organization, error) {
	org, err := s.parties.OrgByParty(r.Context(), chi.URLParam(r, param))
	if errors.Is(err, dberr.ErrNotFound) {
		return org, su.ReporteeOrgNoNotFound.New()
	}
	return org, err
}

// mayManage checks the person may manage the org's access (AUTH-00066).
func (s *Service) mayManage(r *http.Request, pid, orgNo string) error {
	ok, err := s.parties.CanManage(r.Context(), pid, orgNo)
	if err != nil {
		return err
	}
	if !ok {
		return su.UserIsNotAccessManager.New()
	}
	return nil
}

// managedParty is the person and the {party} they may manage.
func (s *Service) managedParty(r *http.Request) (pid string, org parties.Organization, err error) {
	if pid, err = person(r); err != nil {
		return "", org, err
	}
	if org, err = s.partyOrg(r, "party"); err != nil {
		return "", org, err
	}
	return pid, org, s.mayManage(r, pid, org.OrgNo)
}

func (s *Service) handleInternalGet(kind string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, err := person(r)
		if err != nil {
			return err
		}
		id, err := requestID(r, kind)
		if err != nil {
			return err
		}
		req, err := s.Get(r.Context(), id)
		if err == nil && req.Kind != kind {
			err = notFound(kind, id)
		}
		if err != nil {
			return err
		}
		org, err := s.parties.Org(r.Context(), req.PartyOrgNo)
		if err != nil {
			return su.ReporteeOrgNoNotFound.New()
		}
		// An access manager may approve; someone with only a role at the
		// party may see a standard or agent request and escalate it. A change request cannot be escalated: the platform shows
		// it to access managers only (AUTH-00066 for anyone else).
		manager, err := s.parties.CanManage(r.Context(), pid, req.PartyOrgNo)
		if err != nil {
			return err
		}
		if !manager && kind == KindChange {
			return su.UserIsNotAccessManager.New()
		}
		escalateOnly := false
		if !manager {
			related, err := s.HasRelation(r.Context(), pid, req.PartyOrgNo)
			if err != nil {
				return err
			}
			if !related {
				return su.UserIsNotAccessManager.New()
			}
			escalateOnly = true
		}
		if kind == KindChange {
			j := Vendor(req).(changeJSON)
			j.PartyID, j.PartyUUID, j.Created, j.TimedOut = &org.PartyID, &org.PartyUUID, nil, nil
			respond.JSON(w, http.StatusOK, j)
			return nil
		}
		j := internalJSON{ID: req.ID, IntegrationTitle: req.IntegrationTitle, ExternalRef: req.ExternalRef, SystemID: req.SystemID,
			PartyOrgNo: req.PartyOrgNo, PartyID: org.PartyID, PartyUUID: org.PartyUUID, Rights: orEmpty(req.Rights),
			AccessPackages: orEmpty(req.AccessPackages), Status: req.Status, RedirectURL: strOrNil(req.RedirectURL),
			ConfirmURL: req.ConfirmURL, Escalated: req.Escalated, Created: req.Created, UserMayEscalateButNotApprove: escalateOnly}
		if kind == KindAgent {
			t := "Agent"
			j.SystemUserType = &t
		}
		respond.JSON(w, http.StatusOK, j)
		return nil
	}
}

func (s *Service) handlePartyGet(kind string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, org, err := s.managedParty(r)
		if err != nil {
			return err
		}
		id, err := requestID(r, kind)
		if err != nil {
			return err
		}
		req, err := s.Get(r.Context(), id)
		if err == nil && (req.Kind != kind || req.PartyOrgNo != org.OrgNo) {
			err = notFound("", id)
		}
		if err != nil {
			return err
		}
		respond.JSON(w, http.StatusOK, Vendor(req))
		return nil
	}
}

func (s *Service) handleApprove(kind string) route.HandlerFunc {
	return s.answer(kind, func(ctx context.Context, id uuid.UUID, partyOrgNo, pid string) error {
		_, err := s.Approve(ctx, id, partyOrgNo, pid)
		return err
	})
}

func (s *Service) handleReject(kind string) route.HandlerFunc { return s.answer(kind, s.Reject) }

// answer is approve and reject: the person, the party and a request of the
// route's kind, then act; answers true as the platform does.
func (s *Service) answer(kind string, act func(ctx context.Context, id uuid.UUID, partyOrgNo, pid string) error) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		pid, err := person(r)
		if err != nil {
			return err
		}
		org, err := s.partyOrg(r, "party")
		if err != nil {
			return err
		}
		id, err := requestID(r, kind)
		if err != nil {
			return err
		}
		if req, err := s.Get(r.Context(), id); err == nil && req.Kind != kind {
			return notFound(kind, id)
		}
		if err := act(r.Context(), id, org.OrgNo, pid); err != nil {
			return err
		}
		respond.JSON(w, http.StatusOK, true)
		return nil
	}
}

func (s *Service) handleEscalate(w http.ResponseWriter, r *http.Request) error {
	pid, err := person(r)
	if err != nil {
		return err
	}
	org, err := s.partyOrg(r, "party")
	if err != nil {
		return err
	}
	id, err := requestID(r, "")
	if err != nil {
		return err
	}
	done, err := s.Escalate(r.Context(), id, org.OrgNo, pid)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, done)
	return nil
}

func (s *Service) handlePending(kind string) route.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		_, org, err := s.managedParty(r)
		if err != nil {
			return err
		}
		orgNo := chi.URLParam(r, "orgno")
		if orgNo != org.OrgNo {
			return su.PartyRequestMismatch.New()
		}
		list, err := s.Pending(r.Context(), orgNo)
		if err != nil {
			return err
		}
		out := []any{}
		for _, x := range list {
			if x.Kind == kind {
				out = append(out, Vendor(x))
			}
		}
		respond.JSON(w, http.StatusOK, out)
		return nil
	}
}
