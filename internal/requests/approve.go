package requests

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// approver checks that the person may manage access for the party and
// returns the party's organisation.
func (s *Service) approver(ctx context.Context, partyOrgNo, pid string) (parties.Organization, error) {
	org, err := s.parties.Org(ctx, partyOrgNo)
	if errors.Is(err, dberr.ErrNotFound) {
		return org, su.ReporteeOrgNoNotFound.WithDetail("no organisation %s", partyOrgNo)
	}
	if err != nil {
		return org, err
	}
	ok, err := s.parties.CanManage(ctx, pid, partyOrgNo)
	if err != nil {
		return org, err
	}
	if pid == "" || !ok {
		return org, su.UserIsNotAccessManager.WithDetail("the person may not manage access for %s", partyOrgNo)
	}
	return org, nil
}

// Approve accepts a request of any kind for partyOrgNo on behalf of a
// person who may manage its access. A standard or agent request creates
// the system user (its id is the request's); a change request changes
// the system user's rights and packages. The status check and the write
// happen under a row lock in one transaction, so approving twice — even
// concurrently — creates one system user and answers AUTH-00013 to the
// rest, as does approving a rejected one. A timed-out request is approved
// as the platform does: only its status counts.
func (s *Service) Approve(ctx context.Context, id uuid.UUID, partyOrgNo, approverPID string) (su.SystemUser, error) {
	org, err := s.approver(ctx, partyOrgNo, approverPID)
	if err != nil {
		return su.SystemUser{}, err
	}
	r, err := s.Get(ctx, id)
	if err != nil {
		return su.SystemUser{}, err
	}
	if err := s.checkOpen(r, partyOrgNo); err != nil {
		return su.SystemUser{}, err
	}
	if r.Kind == KindChange {
		return s.approveChange(ctx, r, partyOrgNo, approverPID)
	}
	// Look everything up before the transaction: it must hold its row lock
	// without waiting for another pool connection.
	sys, err := s.system(ctx, "", r.SystemID)
	if err != nil {
		return su.SystemUser{}, err
	}
	if sys.Name["nb"] == "" {
		return su.SystemUser{}, su.SystemNameNotFound.New()
	}
	agent := r.Kind == KindAgent
	if agent && len(r.AccessPackages) == 0 {
		return su.SystemUser{}, su.NotAnAgentRequest.New()
	}
	if !agent {
		if err := checkRights(sys, r.Rights); err != nil {
			return su.SystemUser{}, err
		}
	}
	if err := s.checkPackages(ctx, sys, r.AccessPackages, agent); err != nil {
		return su.SystemUser{}, err
	}
	var out su.SystemUser
	err = db.InTx(ctx, s.pool, func(q db.Querier) error {
		cur, err := lockReq(ctx, q, id)
		if errors.Is(err, dberr.ErrNotFound) {
			return notFound(r.Kind, id)
		}
		if err != nil {
			return err
		}
		if err := s.checkOpen(s.decorate(cur), partyOrgNo); err != nil {
			return err
		}
		userType := su.TypeStandard
		if agent {
			userType = su.TypeAgent
		}
		out, err = s.users.CreateTx(ctx, q, su.New{
			ID: cur.ID, System: sys, IntegrationTitle: cur.IntegrationTitle, ReporteeOrgNo: cur.PartyOrgNo, Owner: org,
			ExternalRef: cur.ExternalRef, UserType: userType, Rights: cur.Rights, AccessPackages: cur.AccessPackages,
			CreatedBy: "pid:" + approverPID,
		})
		if err != nil {
			return err
		}
		return setReqStatus(ctx, q, id, StatusAccepted, &out.ID, s.now(), "pid:"+approverPID)
	})
	return out, err
}

// checkOpen: the party must be the request's (AUTH-00041/42) and the
// request New (AUTH-00013). Being timed out does not close a request: the
// platform's approve and reject look at the status alone.
func (s *Service) checkOpen(r Request, partyOrgNo string) error {
	if r.PartyOrgNo != partyOrgNo {
		if r.Kind == KindAgent {
			return su.PartyAgentRequestMismatch.New()
		}
		return su.PartyRequestMismatch.New()
	}
	if r.Status != StatusNew {
		return su.RequestStatusNotNew.WithDetail("the request is %s", r.Status)
	}
	return nil
}

// Reject rejects a New request of any kind for partyOrgNo.
func (s *Service) Reject(ctx context.Context, id uuid.UUID, partyOrgNo, approverPID string) error {
	if _, err := s.approver(ctx, partyOrgNo, approverPID); err != nil {
		return err
	}
	r, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(q db.Querier) error {
		var cur Request
		if r.Kind == KindChange {
			cur, err = lockChg(ctx, q, id)
		} else {
			cur, err = lockReq(ctx, q, id)
		}
		if errors.Is(err, dberr.ErrNotFound) {
			return notFound(r.Kind, id)
		}
		if err != nil {
			return err
		}
		if err := s.checkOpen(s.decorate(cur), partyOrgNo); err != nil {
			return err
		}
		if r.Kind == KindChange {
			return setChgStatus(ctx, q, id, StatusRejected, s.now(), "pid:"+approverPID)
		}
		return setReqStatus(ctx, q, id, StatusRejected, nil, s.now(), "pid:"+approverPID)
	})
}

// Escalate marks a request as escalated to an access manager; false when
// the person has no relation to the party.
func (s *Service) Escalate(ctx context.Context, id uuid.UUID, partyOrgNo, pid string) (bool, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return false, err
	}
	if r.Kind == KindChange || r.PartyOrgNo != partyOrgNo {
		return false, notFound(r.Kind, id)
	}
	if ok, err := s.HasRelation(ctx, pid, partyOrgNo); err != nil || !ok {
		return false, err
	}
	if err := setEscalated(ctx, s.pool, id, s.now()); err != nil {
		return false, err
	}
	return true, nil
}

// CreateChange stores a vendor's change request for a standard system user. It returns NoChangeNeeded (not stored) when the lists are
// empty or the system user already has what is required and none of what
// is unwanted; an existing change request with the same correlation id is
// returned as is (created false).
func (s *Service) CreateChange(ctx context.Context, vendorOrgNo string, correlationID, systemUserID uuid.UUID, in ChangeInput) (r Request, created bool, err error) {
	if vendorOrgNo == "" {
		return r, false, su.VendorOrgNoNotFound.New()
	}
	u, err := s.users.Get(ctx, systemUserID)
	if err != nil {
		return r, false, err
	}
	if u.SupplierOrgNo != vendorOrgNo {
		return r, false, su.SystemIDNotFound.WithDetail("the system user's system is not the vendor's")
	}
	noChange := Request{
		ID: correlationID, Kind: KindChange, ExternalRef: u.ExternalRef, SystemID: u.SystemID, SystemUserID: u.ID,
		PartyOrgNo: u.ReporteeOrgNo, RequiredRights: orEmpty(in.RequiredRights), UnwantedRights: orEmpty(in.UnwantedRights),
		RequiredAccessPackages: orEmpty(in.RequiredAccessPackages), UnwantedAccessPackages: orEmpty(in.UnwantedAccessPackages),
		Rights: []Right{}, AccessPackages: []AccessPackageRef{},
		Status: StatusNoChangeNeeded, RedirectURL: in.RedirectURL, Created: s.now(),
	}
	if len(in.RequiredRights)+len(in.UnwantedRights)+len(in.RequiredAccessPackages)+len(in.UnwantedAccessPackages) == 0 {
		return noChange, false, nil
	}
	if ex, err := chgByID(ctx, s.pool, correlationID); err == nil {
		if ex.SystemUserID != systemUserID {
			return r, false, su.ChangeRequestStatusNotNew.WithDetail("the correlation id is used for another system user")
		}
		return s.decorate(ex), false, nil
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return r, false, err
	}
	if u.UserType != su.TypeStandard {
		return r, false, su.SystemUserNotFound.WithDetail("change requests apply to standard system users only")
	}
	sys, err := s.system(ctx, vendorOrgNo, u.SystemID)
	if err != nil {
		return r, false, err
	}
	if _, err := s.parties.Org(ctx, u.ReporteeOrgNo); err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return r, false, su.ReporteeOrgNoNotFound.New()
		}
		return r, false, err
	}
	if err := checkRedirect(sys, in.RedirectURL); err != nil {
		return r, false, err
	}
	if err := checkRights(sys, in.RequiredRights); err != nil {
		return r, false, err
	}
	if err := s.checkPackages(ctx, sys, in.RequiredAccessPackages, false); err != nil {
		return r, false, err
	}
	rights, pkgs := applyChange(u, noChange)
	if sameRights(rights, u.Rights) && samePackages(pkgs, u.AccessPackages) {
		return noChange, false, nil
	}
	nr := noChange
	nr.Status = StatusNew
	r, err = insertChg(ctx, s.pool, nr)
	if errors.Is(err, dberr.ErrConflict) {
		// Same correlation id stored concurrently, or deleted before.
		return r, false, su.ChangeRequestStatusNotNew.New()
	}
	if err != nil {
		return r, false, err
	}
	return s.decorate(r), true, nil
}

// applyChange computes the system user's rights and packages after a
// change: (current ∪ required) − unwanted.
func applyChange(u su.SystemUser, c Request) ([]Right, []AccessPackageRef) {
	var rights []Right
	for _, r := range append(slices.Clone(u.Rights), c.RequiredRights...) {
		if slices.ContainsFunc(rights, func(x Right) bool { return su.SameResource(r, x) }) || slices.ContainsFunc(c.UnwantedRights, func(x Right) bool { return su.SameResource(r, x) }) {
			continue
		}
		rights = append(rights, r)
	}
	var pkgs []AccessPackageRef
	for _, p := range append(slices.Clone(u.AccessPackages), c.RequiredAccessPackages...) {
		if slices.Contains(pkgs, p) || slices.Contains(c.UnwantedAccessPackages, p) {
			continue
		}
		pkgs = append(pkgs, p)
	}
	return orEmpty(rights), orEmpty(pkgs)
}

func sameRights(a, b []Right) bool {
	if len(a) != len(b) {
		return false
	}
	for _, r := range a {
		if !slices.ContainsFunc(b, func(x Right) bool { return su.SameResource(r, x) }) {
			return false
		}
	}
	return true
}

func samePackages(a, b []AccessPackageRef) bool {
	if len(a) != len(b) {
		return false
	}
	for _, p := range a {
		if !slices.Contains(b, p) {
			return false
		}
	}
	return true
}

// approveChange is Approve for a change request Approve found open: it
// applies the change to the system user.
func (s *Service) approveChange(ctx context.Context, r Request, partyOrgNo, pid string) (su.SystemUser, error) {
	sys, err := s.system(ctx, "", r.SystemID)
	if err != nil {
		return su.SystemUser{}, err
	}
	if err := checkRights(sys, r.RequiredRights); err != nil {
		return su.SystemUser{}, err
	}
	if err := s.checkPackages(ctx, sys, r.RequiredAccessPackages, false); err != nil {
		return su.SystemUser{}, err
	}
	var out su.SystemUser
	err = db.InTx(ctx, s.pool, func(q db.Querier) error {
		cur, err := lockChg(ctx, q, r.ID)
		if errors.Is(err, dberr.ErrNotFound) {
			return notFound(KindChange, r.ID)
		}
		if err != nil {
			return err
		}
		if err := s.checkOpen(s.decorate(cur), partyOrgNo); err != nil {
			return err
		}
		u, err := s.users.GetForUpdate(ctx, q, cur.SystemUserID)
		if err != nil {
			return err
		}
		rights, pkgs := applyChange(u, cur)
		out, err = s.users.UpdateGrantsTx(ctx, q, u.ID, rights, pkgs, "pid:"+pid)
		if err != nil {
			return err
		}
		return setChgStatus(ctx, q, cur.ID, StatusAccepted, s.now(), "pid:"+pid)
	})
	return out, err
}
