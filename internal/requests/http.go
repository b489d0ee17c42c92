package requests

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// PartyLookup resolves the {party} of end-user routes.
type PartyLookup interface {
	OrgByParty(ctx context.Context, ref string) (parties.Organization, error)
}

// HTTP serves the request endpoints of spec §2, §3.1 and §4.
type HTTP struct {
	svc       *Service
	verifier  auth.Verifier
	parties   PartyLookup
	publicURL string
}

// NewHTTP builds the handlers.
func NewHTTP(svc *Service, v auth.Verifier, p PartyLookup) *HTTP {
	return &HTTP{svc: svc, verifier: v, parties: p, publicURL: svc.publicURL}
}

// Mount registers the routes at their platform paths on r.
func (h *HTTP) Mount(r chi.Router) {
	const rq = "/authentication/api/v1/systemuser/request"
	const cr = "/authentication/api/v1/systemuser/changerequest"
	r.Group(func(r chi.Router) {
		r.Use(auth.Authenticate(h.verifier))
		write := r.With(auth.RequireScope(su.ScopeRequestWrite))
		read := r.With(auth.RequireScope(su.ScopeRequestRead))
		write.Post(rq+"/vendor", h.create(KindStandard))
		write.Post(rq+"/vendor/agent", h.create(KindAgent))
		write.Delete(rq+"/vendor/{requestId}", h.delete(""))
		read.Get(rq+"/vendor/{requestId}", h.vendorGet(KindStandard))
		read.Get(rq+"/vendor/agent/{requestId}", h.vendorGet(KindAgent))
		read.Get(rq+"/vendor/byexternalref/{systemId}/{orgNo}/{externalRef}", h.byExternalRef(KindStandard))
		read.Get(rq+"/vendor/agent/byexternalref/{systemId}/{orgNo}/{externalRef}", h.byExternalRef(KindAgent))
		read.Get(rq+"/vendor/bysystem/{systemId}", h.bySystem(KindStandard))
		read.Get(rq+"/vendor/agent/bysystem/{systemId}", h.bySystem(KindAgent))

		write.Post(cr+"/vendor", h.createChange)
		write.Delete(cr+"/vendor/{requestId}", h.delete(KindChange))
		read.Get(cr+"/vendor/{requestId}", h.vendorGet(KindChange))
		read.Get(cr+"/vendor/byexternalref/{systemId}/{orgNo}/{externalRef}", h.byExternalRef(KindChange))
		read.Get(cr+"/vendor/bysystem/{systemId}", h.bySystem(KindChange))

		// End-user (portal/BFF) endpoints: a person's token with the portal
		// scope; the person must be able to manage the party's access.
		portal := r.With(auth.RequireScope(su.ScopePortal))
		portal.Get(rq+"/{requestId}", h.internalGet(KindStandard))
		portal.Get(rq+"/agent/{requestId}", h.internalGet(KindAgent))
		portal.Get(rq+"/{party}/{requestId}", h.partyGet(KindStandard))
		portal.Get(rq+"/agent/{party}/{requestId}", h.partyGet(KindAgent))
		portal.Post(rq+"/{party}/{requestId}/approve", h.approve(KindStandard))
		portal.Post(rq+"/agent/{party}/{requestId}/approve", h.approve(KindAgent))
		portal.Post(rq+"/{party}/{requestId}/reject", h.reject(KindStandard))
		portal.Post(rq+"/agent/{party}/{requestId}/reject", h.reject(KindAgent))
		portal.Post(rq+"/{party}/{requestId}/escalate", h.escalate)
		portal.Post(rq+"/agent/{party}/{requestId}/escalate", h.escalate)
		portal.Get(rq+"/{party}/{orgno}/pending", h.pending(KindStandard))
		portal.Get(rq+"/agent/{party}/{orgno}/pending", h.pending(KindAgent))
		r.Get(cr+"/{requestId}", h.internalGet(KindChange))
		portal.Get(cr+"/{party}/{requestId}", h.partyGet(KindChange))
		portal.Post(cr+"/{party}/{requestId}/approve", h.approve(KindChange))
		portal.Post(cr+"/{party}/{requestId}/reject", h.reject(KindChange))
	})
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

func (h *HTTP) create(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		vendor, ok := su.VendorOf(w, r)
		if !ok {
			return
		}
		var in CreateInput
		if p := problem.DecodeJSON(w, r, &in); p != nil {
			problem.Write(w, r, p)
			return
		}
		req, created, err := h.svc.Create(r.Context(), vendor, kind, in)
		if err != nil {
			problem.Error(w, r, err)
			return
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
			w.Header().Set("Location", h.publicURL+"/authentication/api/v1/systemuser/request/"+req.ID.String())
		}
		problem.WriteJSON(w, status, Vendor(req))
	}
}

func (h *HTTP) createChange(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	corr, err := uuid.Parse(q.Get("correlation-id"))
	if err != nil || corr == uuid.Nil {
		http.Error(w, "Missing or invalid QueryParameter: correlation-id. It must be a valid Guid.", http.StatusBadRequest)
		return
	}
	vendor, ok := su.VendorOf(w, r)
	if !ok {
		return
	}
	suID, err := uuid.Parse(q.Get("system-user-id"))
	if err != nil {
		problem.Error(w, r, su.SystemUserNotFound.New())
		return
	}
	if corr == suID {
		http.Error(w, "The correlation-id can not be the same as the system-user-id.", http.StatusBadRequest)
		return
	}
	var in ChangeInput
	if p := problem.DecodeJSON(w, r, &in); p != nil {
		problem.Write(w, r, p)
		return
	}
	u, err := h.svc.users.Get(r.Context(), suID)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	if u.SupplierOrgNo != vendor {
		// The platform answers a bare 401 when the system user is another
		// vendor's (spec §4 step 4).
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	req, created, err := h.svc.CreateChange(r.Context(), vendor, corr, suID, in)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		w.Header().Set("Location", h.publicURL+"/authentication/api/v1/systemuser/changerequest/"+req.ID.String())
	}
	problem.WriteJSON(w, status, Vendor(req))
}

func requestID(w http.ResponseWriter, r *http.Request, kind string) (uuid.UUID, bool) {
	id, err := uuid.Parse(chi.URLParam(r, "requestId"))
	if err != nil {
		problem.Error(w, r, notFound(kind, chi.URLParam(r, "requestId")))
		return id, false
	}
	return id, true
}

func (h *HTTP) vendorGet(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		vendor, ok := su.VendorOf(w, r)
		if !ok {
			return
		}
		id, ok := requestID(w, r, "")
		if !ok {
			return
		}
		req, err := h.svc.VendorGet(r.Context(), vendor, kind, id)
		if err != nil {
			problem.Error(w, r, err)
			return
		}
		problem.WriteJSON(w, http.StatusOK, Vendor(req))
	}
}

func (h *HTTP) byExternalRef(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		vendor, ok := su.VendorOf(w, r)
		if !ok {
			return
		}
		req, err := h.svc.ByExternalRef(r.Context(), vendor, kind, chi.URLParam(r, "systemId"), chi.URLParam(r, "orgNo"), chi.URLParam(r, "externalRef"))
		if err != nil {
			problem.Error(w, r, err)
			return
		}
		problem.WriteJSON(w, http.StatusOK, Vendor(req))
	}
}

func (h *HTTP) bySystem(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		vendor, ok := su.VendorOf(w, r)
		if !ok {
			return
		}
		var after uuid.UUID
		if t := r.URL.Query().Get("token"); t != "" {
			var s string
			if err := su.DecodeToken(t, &s); err != nil {
				problem.Write(w, r, problem.BadRequest.WithDetail("invalid continuation token"))
				return
			}
			var err error
			if after, err = uuid.Parse(s); err != nil {
				problem.Write(w, r, problem.BadRequest.WithDetail("invalid continuation token"))
				return
			}
		}
		list, more, err := h.svc.ListBySystem(r.Context(), vendor, kind, chi.URLParam(r, "systemId"), after)
		if err != nil {
			problem.Error(w, r, err)
			return
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
		problem.WriteJSON(w, http.StatusOK, page)
	}
}

func (h *HTTP) delete(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		vendor, ok := su.VendorOf(w, r)
		if !ok {
			return
		}
		id, ok := requestID(w, r, "")
		if !ok {
			return
		}
		if err := h.svc.Delete(r.Context(), vendor, kind, id); err != nil {
			problem.Error(w, r, err)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}
}

// person returns the calling person's PID, or answers 403.
func person(w http.ResponseWriter, r *http.Request) (string, bool) {
	c, _ := auth.CallerFrom(r.Context())
	if c.PID == "" {
		problem.Write(w, r, problem.Forbidden.WithDetail("this endpoint needs a person's token"))
		return "", false
	}
	return c.PID, true
}

func (h *HTTP) partyOrg(w http.ResponseWriter, r *http.Request, param string) (parties.Organization, bool) {
	org, err := h.parties.OrgByParty(r.Context(), chi.URLParam(r, param))
	if err != nil {
		if errors.Is(err, db.ErrNotFound) {
			problem.Error(w, r, su.ReporteeOrgNoNotFound.New())
			return org, false
		}
		problem.Error(w, r, err)
		return org, false
	}
	return org, true
}

// mayManage checks the person may manage the org's access (AUTH-00066).
func (h *HTTP) mayManage(w http.ResponseWriter, r *http.Request, pid, orgNo string) bool {
	ok, err := h.svc.parties.CanManage(r.Context(), pid, orgNo)
	if err != nil {
		problem.Error(w, r, err)
		return false
	}
	if !ok {
		problem.Error(w, r, su.UserIsNotAccessManager.New())
		return false
	}
	return true
}

func (h *HTTP) internalGet(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pid, ok := person(w, r)
		if !ok {
			return
		}
		id, ok := requestID(w, r, kind)
		if !ok {
			return
		}
		req, err := h.svc.Get(r.Context(), id)
		if err == nil && req.Kind != kind {
			err = notFound(kind, id)
		}
		if err != nil {
			problem.Error(w, r, err)
			return
		}
		org, err := h.svc.parties.Org(r.Context(), req.PartyOrgNo)
		if err != nil {
			problem.Error(w, r, su.ReporteeOrgNoNotFound.New())
			return
		}
		// An access manager may approve; someone with only a role at the
		// party may see a standard or agent request and escalate it (spec
		// §2.4). A change request cannot be escalated: the platform shows
		// it to access managers only (AUTH-00066 for anyone else).
		manager, err := h.svc.parties.CanManage(r.Context(), pid, req.PartyOrgNo)
		if err != nil {
			problem.Error(w, r, err)
			return
		}
		if !manager && kind == KindChange {
			problem.Error(w, r, su.UserIsNotAccessManager.New())
			return
		}
		escalateOnly := false
		if !manager {
			related, err := h.svc.HasRelation(r.Context(), pid, req.PartyOrgNo)
			if err != nil {
				problem.Error(w, r, err)
				return
			}
			if !related {
				problem.Error(w, r, su.UserIsNotAccessManager.New())
				return
			}
			escalateOnly = true
		}
		if kind == KindChange {
			j := Vendor(req).(changeJSON)
			j.PartyID, j.PartyUUID, j.Created, j.TimedOut = &org.PartyID, &org.PartyUUID, nil, nil
			problem.WriteJSON(w, http.StatusOK, j)
			return
		}
		j := internalJSON{ID: req.ID, IntegrationTitle: req.IntegrationTitle, ExternalRef: req.ExternalRef, SystemID: req.SystemID,
			PartyOrgNo: req.PartyOrgNo, PartyID: org.PartyID, PartyUUID: org.PartyUUID, Rights: orEmpty(req.Rights),
			AccessPackages: orEmpty(req.AccessPackages), Status: req.Status, RedirectURL: strOrNil(req.RedirectURL),
			ConfirmURL: req.ConfirmURL, Escalated: req.Escalated, Created: req.Created, UserMayEscalateButNotApprove: escalateOnly}
		if kind == KindAgent {
			t := "Agent"
			j.SystemUserType = &t
		}
		problem.WriteJSON(w, http.StatusOK, j)
	}
}

func (h *HTTP) partyGet(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pid, ok := person(w, r)
		if !ok {
			return
		}
		org, ok := h.partyOrg(w, r, "party")
		if !ok || !h.mayManage(w, r, pid, org.OrgNo) {
			return
		}
		id, ok := requestID(w, r, kind)
		if !ok {
			return
		}
		req, err := h.svc.Get(r.Context(), id)
		if err == nil && (req.Kind != kind || req.PartyOrgNo != org.OrgNo) {
			err = notFound("", id)
		}
		if err != nil {
			problem.Error(w, r, err)
			return
		}
		problem.WriteJSON(w, http.StatusOK, Vendor(req))
	}
}

func (h *HTTP) approve(kind string) http.HandlerFunc {
	return h.answer(kind, func(ctx context.Context, id uuid.UUID, partyOrgNo, pid string) error {
		_, err := h.svc.Approve(ctx, id, partyOrgNo, pid)
		return err
	})
}

func (h *HTTP) reject(kind string) http.HandlerFunc { return h.answer(kind, h.svc.Reject) }

// answer is approve and reject: the person, the party and a request of the
// route's kind, then act; answers true as the platform does.
func (h *HTTP) answer(kind string, act func(ctx context.Context, id uuid.UUID, partyOrgNo, pid string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pid, ok := person(w, r)
		if !ok {
			return
		}
		org, ok := h.partyOrg(w, r, "party")
		if !ok {
			return
		}
		id, ok := requestID(w, r, kind)
		if !ok {
			return
		}
		if req, err := h.svc.Get(r.Context(), id); err == nil && req.Kind != kind {
			problem.Error(w, r, notFound(kind, id))
			return
		}
		if err := act(r.Context(), id, org.OrgNo, pid); err != nil {
			problem.Error(w, r, err)
			return
		}
		problem.WriteJSON(w, http.StatusOK, true)
	}
}

func (h *HTTP) escalate(w http.ResponseWriter, r *http.Request) {
	pid, ok := person(w, r)
	if !ok {
		return
	}
	org, ok := h.partyOrg(w, r, "party")
	if !ok {
		return
	}
	id, ok := requestID(w, r, "")
	if !ok {
		return
	}
	done, err := h.svc.Escalate(r.Context(), id, org.OrgNo, pid)
	if err != nil {
		problem.Error(w, r, err)
		return
	}
	problem.WriteJSON(w, http.StatusOK, done)
}

func (h *HTTP) pending(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		pid, ok := person(w, r)
		if !ok {
			return
		}
		org, ok := h.partyOrg(w, r, "party")
		if !ok || !h.mayManage(w, r, pid, org.OrgNo) {
			return
		}
		orgNo := chi.URLParam(r, "orgno")
		if orgNo != org.OrgNo {
			problem.Error(w, r, su.PartyRequestMismatch.New())
			return
		}
		list, err := h.svc.Pending(r.Context(), orgNo)
		if err != nil {
			problem.Error(w, r, err)
			return
		}
		out := []any{}
		for _, x := range list {
			if x.Kind == kind {
				out = append(out, Vendor(x))
			}
		}
		problem.WriteJSON(w, http.StatusOK, out)
	}
}
