package requests

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/altinn-sim/altinn-sim/internal/clock"
	"github.com/altinn-sim/altinn-sim/internal/db"
	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	su "github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// Parties is what this package needs from internal/parties.
type Parties interface {
	Org(ctx context.Context, orgNo string) (parties.Organization, error)
	// OrgByParty resolves a {party} route value (party id, uuid or org
	// number).
	OrgByParty(ctx context.Context, ref string) (parties.Organization, error)
	CanManage(ctx context.Context, pid, orgNo string) (bool, error)
	RolesOfPerson(ctx context.Context, pid string) ([]parties.Role, error)
}

// HasRelation says whether the person holds any role at the organisation
// (has it in their reportee list) without necessarily managing its access.
func (s *Service) HasRelation(ctx context.Context, pid, orgNo string) (bool, error) {
	roles, err := s.parties.RolesOfPerson(ctx, pid)
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		if r.OrgNo == orgNo {
			return true, nil
		}
	}
	return false, nil
}

// Service holds the request rules.
type Service struct {
	pool      *pgxpool.Pool
	clock     clock.Clock
	users     *su.Service
	systems   su.Systems
	packages  su.Packages
	parties   Parties
	publicURL string
	// PageSize is the page size of the vendor `bysystem` listings
	// (PaginationOptions:Size, 50 on the platform).
	PageSize int
}

// NewService builds the service on the system-user service, whose
// registry and package lookups it shares. publicURL is the base of the
// confirm URLs handed to vendors.
func NewService(pool *pgxpool.Pool, clk clock.Clock, users *su.Service, p Parties, publicURL string) *Service {
	s := &Service{pool: pool, clock: clk, users: users, systems: users.Systems(), packages: users.Packages(),
		parties: p, publicURL: strings.TrimRight(publicURL, "/"), PageSize: 50}
	users.OnDelete(s.systemUserDeleted)
	return s
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// decorate fills the computed fields: confirm URL and timedOut.
func (s *Service) decorate(r Request) Request {
	r.TimedOut = r.Created.Before(s.now().Add(-TimeoutAfter))
	if r.Status == StatusNoChangeNeeded {
		r.ConfirmURL = ""
		return r
	}
	r.ConfirmURL = s.ConfirmURL(r)
	return r
}

// ConfirmURL is where the vendor sends the customer to approve r: the
// authentication frontend's pages (authn.ui.<env>/authfront/ui/auth/... on
// the platform, as in the Altinn docs' examples), which the portal serves
// under our public URL.
func (s *Service) ConfirmURL(r Request) string {
	page := "vendorrequest"
	switch r.Kind {
	case KindAgent:
		page = "agentrequest"
	case KindChange:
		page = "vendorchangerequest"
	}
	return s.publicURL + "/authfront/ui/auth/" + page + "?id=" + r.ID.String()
}

// RedirectAfter is where the customer's browser goes after approving or
// rejecting: the vendor's redirectUrl as given (the spec names no query
// the platform adds), or "" when there is none.
func (s *Service) RedirectAfter(r Request) string { return r.RedirectURL }

func notFound(kind string, id any) error {
	d := su.RequestNotFound
	if kind == KindAgent {
		d = su.AgentRequestNotFound
	}
	return fmt.Errorf("request %v: %w: %w", id, d, dberr.ErrNotFound)
}

// Get returns a live request of any kind.
func (s *Service) Get(ctx context.Context, id uuid.UUID) (Request, error) {
	r, err := reqByID(ctx, s.pool, id)
	if errors.Is(err, dberr.ErrNotFound) {
		r, err = chgByID(ctx, s.pool, id)
	}
	if errors.Is(err, dberr.ErrNotFound) {
		return r, notFound("", id)
	}
	if err != nil {
		return r, err
	}
	return s.decorate(r), nil
}

// system loads a live system the vendor owns; anything else is AUTH-00011,
// hiding other vendors' systems as the platform does.
func (s *Service) system(ctx context.Context, vendorOrgNo, systemID string) (su.System, error) {
	sys, err := s.systems.System(ctx, systemID)
	if errors.Is(err, dberr.ErrNotFound) || (err == nil && (sys.IsDeleted || (vendorOrgNo != "" && sys.Vendor != vendorOrgNo))) {
		return su.System{}, su.SystemIDNotFound.WithDetail("no system %q of vendor %s", systemID, vendorOrgNo)
	}
	if err != nil {
		return su.System{}, fmt.Errorf("system %s: %w", systemID, err)
	}
	return sys, nil
}

// vendorsOwn returns the live request id of the vendor: one whose system
// the vendor registered. Another vendor's request is AUTH-00010, exactly as
// an id that does not exist, so no vendor learns that (or what kind of)
// request another vendor holds. The platform itself checks the system's
// vendor only after telling the request's kind, and not at all on DELETE.
func (s *Service) vendorsOwn(ctx context.Context, vendorOrgNo string, id uuid.UUID) (Request, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return r, err
	}
	sys, err := s.systems.System(ctx, r.SystemID)
	if errors.Is(err, dberr.ErrNotFound) || (err == nil && sys.Vendor != vendorOrgNo) {
		return Request{}, notFound("", id)
	}
	if err != nil {
		return Request{}, fmt.Errorf("system %s: %w", r.SystemID, err)
	}
	return r, nil
}

// VendorGet returns a request of the given kind if the vendor owns its
// system: AUTH-00010 for an unknown id or another vendor's request,
// AUTH-00025 for the vendor's own standard request on the agent route,
// AUTH-00011 when the vendor's system has since been deleted.
func (s *Service) VendorGet(ctx context.Context, vendorOrgNo, kind string, id uuid.UUID) (Request, error) {
	r, err := s.vendorsOwn(ctx, vendorOrgNo, id)
	if err != nil {
		return r, err
	}
	if (kind == KindChange) != (r.Kind == KindChange) {
		return Request{}, notFound(kind, id)
	}
	if kind == KindAgent && r.Kind != KindAgent {
		return Request{}, su.NotAnAgentRequest.New()
	}
	if _, err := s.system(ctx, vendorOrgNo, r.SystemID); err != nil {
		return Request{}, err
	}
	return r, nil
}

// ByExternalRef finds the live request of a kind for (system, party,
// externalRef) if the vendor owns the system.
func (s *Service) ByExternalRef(ctx context.Context, vendorOrgNo, kind, systemID, orgNo, externalRef string) (Request, error) {
	if _, err := s.system(ctx, vendorOrgNo, systemID); err != nil {
		return Request{}, err
	}
	var (
		r   Request
		err error
	)
	if kind == KindChange {
		r, err = latestChgByTriple(ctx, s.pool, systemID, orgNo, externalRef)
	} else {
		r, err = reqByTriple(ctx, s.pool, kind, systemID, orgNo, externalRef)
	}
	if errors.Is(err, dberr.ErrNotFound) {
		return r, notFound("", systemID+"/"+orgNo+"/"+externalRef)
	}
	if err != nil {
		return r, err
	}
	return s.decorate(r), nil
}

// ListBySystem lists the vendor's requests of a kind for a system, ordered
// by id, after the given id; more says whether another page follows.
func (s *Service) ListBySystem(ctx context.Context, vendorOrgNo, kind, systemID string, after uuid.UUID) (page []Request, more bool, err error) {
	if _, err := s.system(ctx, vendorOrgNo, systemID); err != nil {
		return nil, false, err
	}
	limit := s.PageSize
	if limit <= 0 {
		limit = 50
	}
	var rs []Request
	if kind == KindChange {
		rs, err = chgPage(ctx, s.pool, systemID, after, limit+1)
	} else {
		rs, err = reqPage(ctx, s.pool, kind, systemID, after, limit+1)
	}
	if err != nil {
		return nil, false, err
	}
	if len(rs) > limit {
		rs, more = rs[:limit], true
	}
	for i := range rs {
		rs[i] = s.decorate(rs[i])
	}
	return rs, more, nil
}

// Delete soft-deletes a vendor's standard or agent request (kind "") or
// change request (KindChange); AUTH-00010 when there is none of that kind,
// or when it is another vendor's. (The platform deletes any vendor's
// request here; we refuse as its GET does, so a vendor's test cannot pass
// by deleting what is not its own.)
func (s *Service) Delete(ctx context.Context, vendorOrgNo, kind string, id uuid.UUID) error {
	r, err := s.vendorsOwn(ctx, vendorOrgNo, id)
	if err != nil {
		return err
	}
	if (kind == KindChange) != (r.Kind == KindChange) {
		return notFound("", id)
	}
	del := deleteReq
	if kind == KindChange {
		del = deleteChg
	}
	ok, err := del(ctx, s.pool, id, s.now())
	if err != nil {
		return err
	}
	if !ok {
		return notFound("", id)
	}
	return nil
}

// Pending lists the New, not timed-out requests of every kind waiting for
// an organisation, oldest first. A request exactly TimeoutAfter old is not
// timed out yet (decorate), so it is still pending.
func (s *Service) Pending(ctx context.Context, orgNo string) ([]Request, error) {
	live := s.now().Add(-TimeoutAfter)
	rs, err := newReqsFor(ctx, s.pool, orgNo, live)
	if err != nil {
		return nil, err
	}
	cs, err := newChgsFor(ctx, s.pool, orgNo, live)
	if err != nil {
		return nil, err
	}
	rs = append(rs, cs...)
	slices.SortStableFunc(rs, func(a, b Request) int { return a.Created.Compare(b.Created) })
	for i := range rs {
		rs[i] = s.decorate(rs[i])
	}
	return rs, nil
}

// leftPart is .NET's Uri.GetLeftPart(UriPartial.Path): scheme, host, port
// and path, without query and fragment.
func leftPart(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !u.IsAbs() || u.Host == "" {
		return "", false
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + path, true
}

func checkRedirect(sys su.System, redirect string) error {
	if redirect == "" {
		return nil
	}
	if len(sys.AllowedRedirectURLs) == 0 {
		return su.NoRedirectURIsFoundOnSystem.New()
	}
	got, ok := leftPart(redirect)
	if ok {
		for _, a := range sys.AllowedRedirectURLs {
			if want, ok := leftPart(a); ok && want == got {
				return nil
			}
		}
	}
	return su.RedirectURINotFound.WithDetail("%q is not among the system's allowed redirect URLs", redirect)
}

// checkRights requires every requested right to be one of the system's.
func checkRights(sys su.System, rights []Right) error {
	if len(rights) > len(sys.Rights) {
		return su.RightsNotFoundOrNotDelegable.WithDetail("more rights requested than the system has")
	}
	for _, r := range rights {
		if !slices.ContainsFunc(sys.Rights, func(x Right) bool { return su.SameResource(r, x) }) {
			return su.RightsNotFoundOrNotDelegable.WithDetail("the system has no right on %s", describe(r))
		}
	}
	return nil
}

func describe(r Right) string {
	var parts []string
	for _, p := range r.Resource {
		parts = append(parts, p.ID+"="+p.Value)
	}
	return strings.Join(parts, ",")
}

// checkPackages requires each package to be on the system and delegable to
// the kind of system user asked for.
func (s *Service) checkPackages(ctx context.Context, sys su.System, pkgs []AccessPackageRef, agent bool) error {
	var notFound []string
	for _, p := range pkgs {
		if !slices.ContainsFunc(sys.AccessPackages, func(x AccessPackageRef) bool { return x.URN == p.URN }) {
			notFound = append(notFound, p.URN)
		}
	}
	if len(pkgs) > len(sys.AccessPackages) || len(notFound) > 0 {
		e := su.AccessPackageNotFound.WithDetail("not registered on the system: %s", strings.Join(notFound, ", "))
		e.Extensions = map[string]any{"NotFoundPackages": notFound}
		return e
	}
	var notDelegable []string
	for _, p := range pkgs {
		pk, err := s.packages.Package(ctx, p.URN)
		if err != nil && !errors.Is(err, dberr.ErrNotFound) {
			return fmt.Errorf("access package %s: %w", p.URN, err)
		}
		ok := err == nil && ((agent && pk.IsDelegable) || (!agent && pk.IsAssignable))
		if !ok {
			notDelegable = append(notDelegable, p.URN)
		}
	}
	if len(notDelegable) > 0 {
		d := su.AccessPackageNotDelegableStd
		if agent {
			d = su.AccessPackageNotDelegableAgent
		}
		e := d.WithDetail("not delegable: %s", strings.Join(notDelegable, ", "))
		e.Extensions = map[string]any{"NotDelegablePackages": notDelegable}
		return e
	}
	return nil
}

// Create stores a vendor's standard (KindStandard) or agent (KindAgent)
// request as the platform does. created is false when an existing
// live request for the same (system, party, externalRef) is returned
// instead (the platform's 200).
func (s *Service) Create(ctx context.Context, vendorOrgNo, kind string, in CreateInput) (r Request, created bool, err error) {
	if vendorOrgNo == "" {
		return r, false, su.VendorOrgNoNotFound.New()
	}
	in.SystemID = strings.TrimSpace(in.SystemID)
	in.PartyOrgNo = strings.TrimSpace(in.PartyOrgNo)
	if in.SystemID == "" {
		return r, false, required("systemId")
	}
	if in.PartyOrgNo == "" {
		return r, false, required("partyOrgNo")
	}
	if in.ExternalRef == "" {
		in.ExternalRef = in.PartyOrgNo
	}
	sys, err := s.system(ctx, vendorOrgNo, in.SystemID)
	if err != nil {
		return r, false, err
	}
	if _, err := s.users.ByTriple(ctx, nil, in.SystemID, in.PartyOrgNo, in.ExternalRef); err == nil {
		return r, false, su.SystemUserAlreadyExists.New()
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return r, false, err
	}
	if ex, err := s.liveByTriple(ctx, kind, in.SystemID, in.PartyOrgNo, in.ExternalRef); err == nil {
		return s.decorate(ex), false, nil
	} else if !errors.Is(err, dberr.ErrNotFound) {
		return r, false, err
	}
	if _, err := s.parties.Org(ctx, in.PartyOrgNo); err != nil {
		if errors.Is(err, dberr.ErrNotFound) {
			return r, false, su.ReporteeOrgNoNotFound.WithDetail("no organisation %s", in.PartyOrgNo)
		}
		return r, false, err
	}
	if err := checkRedirect(sys, in.RedirectURL); err != nil {
		return r, false, err
	}
	if kind == KindAgent {
		in.Rights = nil
		if len(in.AccessPackages) == 0 {
			return r, false, su.MissingAccessPackage.New()
		}
	} else {
		if in.Rights == nil && in.AccessPackages == nil {
			return r, false, su.RightsNotFoundOrNotDelegable.WithDetail("neither rights nor accessPackages were given")
		}
		if len(in.Rights) == 0 && len(in.AccessPackages) == 0 {
			return r, false, su.MissingRightsOrAccessPackages.New()
		}
		if err := checkRights(sys, in.Rights); err != nil {
			return r, false, err
		}
	}
	if err := s.checkPackages(ctx, sys, in.AccessPackages, kind == KindAgent); err != nil {
		return r, false, err
	}
	if in.IntegrationTitle == "" {
		in.IntegrationTitle = sys.Name["nb"]
	}
	nr := Request{
		ID: uuid.New(), Kind: kind, ExternalRef: in.ExternalRef, SystemID: in.SystemID, PartyOrgNo: in.PartyOrgNo,
		IntegrationTitle: in.IntegrationTitle, Rights: orEmpty(in.Rights), AccessPackages: orEmpty(in.AccessPackages),
		Status: StatusNew, RedirectURL: in.RedirectURL, Created: s.now(),
	}
	r, err = insertReq(ctx, s.pool, nr)
	if errors.Is(err, dberr.ErrConflict) {
		// A concurrent POST for the same triple won; answer with its request.
		ex, err := s.liveByTriple(ctx, kind, in.SystemID, in.PartyOrgNo, in.ExternalRef)
		if err != nil {
			return r, false, err
		}
		return s.decorate(ex), false, nil
	}
	if err != nil {
		return r, false, err
	}
	return s.decorate(r), true, nil
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func required(field string) error {
	return problem.Validation(problem.ValidationError{
		Code: "STD-00001", Title: "Required", Detail: "The " + field + " field is required.", Paths: []string{"$." + field},
	})
}

func (s *Service) liveByTriple(ctx context.Context, kind, systemID, orgNo, ref string) (Request, error) {
	return reqByTriple(ctx, s.pool, kind, systemID, orgNo, ref)
}

// systemUserDeleted retires the requests that created a deleted system
// user, so the vendor can ask for a new one.
func (s *Service) systemUserDeleted(ctx context.Context, q db.Querier, u su.SystemUser) error {
	_, err := q.Exec(ctx, `UPDATE systemuser_requests SET is_deleted = true, last_changed = $4
		WHERE NOT is_deleted AND system_id = $1 AND party_org_no = $2 AND external_ref = $3`,
		u.SystemID, u.ReporteeOrgNo, u.ExternalRef, s.now())
	if err != nil {
		return fmt.Errorf("retire requests of system user %s: %w", u.ID, db.Map(err))
	}
	_, err = q.Exec(ctx, `UPDATE systemuser_change_requests SET is_deleted = true, last_changed = $2
		WHERE NOT is_deleted AND system_user_id = $1`, u.ID, s.now())
	if err != nil {
		return fmt.Errorf("retire change requests of system user %s: %w", u.ID, db.Map(err))
	}
	return nil
}
