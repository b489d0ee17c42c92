package systemusers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// handleFacilitatorClients is GET /systemuser/agent/{party}/clients
// ?facilitator=<party uuid>&packages=…: the facilitator's clients as
// Access Management lists them. The caller must manage {party}
// (ClientAdministrationRead) and the facilitator (Access Management's own
// check, AUTH-00044 when not).
func (s *Service) handleFacilitatorClients(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.party(r); err != nil {
		return err
	}
	q := r.URL.Query()
	var facilitator uuid.UUID
	if v := q.Get("facilitator"); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return modelStateError("facilitator", notValid(v))
		}
		facilitator = id
	}
	if facilitator == uuid.Nil {
		return ReporteeOrgNoNotFound.WithDetail("facilitator is missing")
	}
	org, err := s.parties.OrgByParty(r.Context(), facilitator.String())
	if errors.Is(err, dberr.ErrNotFound) {
		return FailedToGetClients.WithDetail("no organisation has party uuid %s", facilitator)
	}
	if err != nil {
		return err
	}
	if !s.mayManage(r, org.OrgNo) {
		return FailedToGetClientsForbidden.WithDetail("the caller may not administer the clients of %s", org.OrgNo)
	}
	list, err := s.ClientsOfFacilitator(r.Context(), org.OrgNo, q["packages"])
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, list)
	return nil
}

// selfTarget reads the self-delegation routes' party, system user and
// ?partyUuid= in the platform's order: the caller must manage {party}, an
// unknown system user is the ValidationProblem "SystemUser with Id … Not
// Found", and one the party does not own a bare 403.
func (s *Service) selfTarget(r *http.Request) (SystemUser, uuid.UUID, error) {
	org, err := s.party(r)
	if err != nil {
		return SystemUser{}, uuid.Nil, err
	}
	bad := map[string][]string{}
	raw := chi.URLParam(r, "systemUserId")
	id, err := uuid.Parse(raw)
	if err != nil {
		bad["systemUserId"] = []string{notValid(raw)}
	}
	var party uuid.UUID
	if v := r.URL.Query().Get("partyUuid"); v != "" {
		if party, err = uuid.Parse(v); err != nil {
			bad["partyUuid"] = []string{notValid(v)}
		}
	}
	if len(bad) > 0 {
		return SystemUser{}, uuid.Nil, modelState(bad)
	}
	su, err := s.Get(r.Context(), id)
	if errors.Is(err, dberr.ErrNotFound) {
		return su, party, modelStateError("return", fmt.Sprintf("SystemUser with Id %s Not Found", id))
	}
	if err != nil {
		return su, party, err
	}
	if su.ReporteeOrgNo != org.OrgNo {
		return su, party, route.Status(http.StatusForbidden)
	}
	return su, party, nil
}

// handleSelf serves the three self-delegation operations; each answers a
// JSON bool.
func (s *Service) handleSelf(w http.ResponseWriter, r *http.Request) error {
	su, party, err := s.selfTarget(r)
	if err != nil {
		return err
	}
	answer := true
	switch r.Method {
	case http.MethodPost:
		err = s.DelegateSelf(r.Context(), su.ID, party)
	case http.MethodDelete:
		err = s.RevokeSelf(r.Context(), su.ID, party)
	default:
		answer, err = s.IsSelfDelegated(r.Context(), su, party)
	}
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, answer)
	return nil
}
