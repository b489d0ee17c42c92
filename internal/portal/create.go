package portal

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/pageset"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/systemusers"
)

// End-user-driven creation: a person who may manage access for an
// organisation picks a visible system from the system register and creates
// its system user directly, without a vendor's request. The rules are the
// ones approval uses: parties.CanManage for the person, and
// systemusers.CreateForParty for the rest (one system user per system and
// organisation, packages a standard system user may hold).

// creationPath is where the form posts; both GET paths show the same page.
const creationPath = "/authfront/ui/auth/creation"

type orgOption struct {
	OrgNo, Name string
	Selected    bool
}

type systemChoice struct {
	systemView
	URL      string
	Selected bool
}

type createPage struct {
	basePage
	Path     string // the GET path this page was opened on
	Orgs     []orgOption
	OrgNo    string
	OrgName  string
	Query    string
	Systems  []systemChoice
	Chosen   *systemView
	Rights   []rightView
	Packages []packageView
}

// managedOrgs lists the organisations the person may manage access for.
func (s *Service) managedOrgs(ctx context.Context, rc *reqCtx) ([]orgOption, error) {
	roles, err := s.parties.RolesOfPerson(ctx, rc.person.PID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []orgOption
	for _, ro := range roles {
		if seen[ro.OrgNo] {
			continue
		}
		seen[ro.OrgNo] = true
		ok, err := s.canManage(ctx, rc.person, ro.OrgNo)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		o := orgOption{OrgNo: ro.OrgNo, Name: ro.OrgNo}
		if org, err := s.parties.Org(ctx, ro.OrgNo); err == nil {
			o.Name = org.Name
		} else if !isNotFound(err) {
			return nil, err
		}
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// matches says whether a search text finds the system: any of its names,
// its id, or its vendor's name or number.
func matches(sys RegisteredSystem, v systemView, q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return true
	}
	hay := []string{sys.ID, v.VendorName, v.VendorOrgNo}
	for _, n := range sys.Name {
		hay = append(hay, n)
	}
	for _, h := range hay {
		if strings.Contains(strings.ToLower(h), q) {
			return true
		}
	}
	return false
}

// visibleSystem loads a system the page may offer: live and visible.
func (s *Service) visibleSystem(ctx context.Context, id string) (RegisteredSystem, error) {
	sys, err := s.systems.System(ctx, id)
	if isNotFound(err) || (err == nil && !sys.IsVisible) {
		return sys, pageset.Errorf(http.StatusNotFound, "create.noSystem")
	}
	return sys, err
}

func (s *Service) needCreation() error {
	if s.systems == nil || s.systemUsers == nil {
		return pageset.Errorf(http.StatusServiceUnavailable, "error.internal")
	}
	return nil
}

func (s *Service) creationPage(w http.ResponseWriter, r *http.Request) error {
	rc, ctx := rcOf(r), r.Context()
	if rc.person == nil {
		return toLogin(w, r, r.URL.RequestURI())
	}
	if err := s.needCreation(); err != nil {
		return err
	}
	q := r.URL.Query()
	page := createPage{basePage: s.base(r, rc, tr(rc.lang, "create.title")), Path: r.URL.Path,
		OrgNo: strings.TrimSpace(q.Get("org")), Query: strings.TrimSpace(q.Get("q"))}
	orgs, err := s.managedOrgs(ctx, rc)
	if err != nil {
		return err
	}
	if page.OrgNo == "" && len(orgs) == 1 {
		page.OrgNo = orgs[0].OrgNo
	}
	if page.OrgNo != "" {
		ok, err := s.canManage(ctx, rc.person, page.OrgNo)
		if err != nil {
			return err
		}
		if !ok {
			return s.refuse(w, r, page.OrgNo, "refused.manage")
		}
	}
	for i := range orgs {
		if orgs[i].OrgNo == page.OrgNo {
			orgs[i].Selected, page.OrgName = true, orgs[i].Name
		}
	}
	page.Orgs = orgs
	if page.OrgNo == "" {
		s.render(w, r, http.StatusOK, "create", page)
		return nil
	}
	chosen := strings.TrimSpace(q.Get("system"))
	if chosen != "" {
		sys, err := s.visibleSystem(ctx, chosen)
		if err != nil {
			return err
		}
		v, err := s.systemView(ctx, rc.lang, sys.ID)
		if err != nil {
			return err
		}
		page.Chosen = &v
		if page.Rights, err = s.rightViews(ctx, rc.lang, sys.Rights, WhyQuery{}); err != nil {
			return err
		}
		if page.Packages, err = s.packageViews(ctx, rc.lang, sys.AccessPackages, WhyQuery{}); err != nil {
			return err
		}
	}
	all, err := s.systems.Visible(ctx)
	if err != nil {
		return err
	}
	for _, sys := range all {
		v, err := s.systemView(ctx, rc.lang, sys.ID)
		if err != nil {
			return err
		}
		if !matches(sys, v, page.Query) {
			continue
		}
		link := url.Values{"org": {page.OrgNo}, "system": {sys.ID}}
		if page.Query != "" {
			link.Set("q", page.Query)
		}
		page.Systems = append(page.Systems, systemChoice{systemView: v, Selected: sys.ID == chosen,
			URL: r.URL.Path + "?" + link.Encode()})
	}
	sort.Slice(page.Systems, func(i, j int) bool { return page.Systems[i].Name < page.Systems[j].Name })
	s.render(w, r, http.StatusOK, "create", page)
	return nil
}

func (s *Service) create(w http.ResponseWriter, r *http.Request) error {
	rc, ctx := rcOf(r), r.Context()
	if rc.person == nil {
		return toLogin(w, r, creationPath)
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if err := s.needCreation(); err != nil {
		return err
	}
	orgNo := strings.TrimSpace(r.PostForm.Get("org"))
	systemID := strings.TrimSpace(r.PostForm.Get("system"))
	if orgNo == "" || systemID == "" {
		return pageset.Errorf(http.StatusBadRequest, "error.badRequest")
	}
	ok, err := s.canManage(ctx, rc.person, orgNo)
	if err != nil {
		return err
	}
	if !ok {
		return s.refuse(w, r, orgNo, "refused.manage")
	}
	if _, err := s.visibleSystem(ctx, systemID); err != nil {
		return err
	}
	_, err = s.systemUsers.CreateForParty(ctx, systemID, orgNo, "", rc.person.PID)
	if code := problemCode(err); code == systemusers.SystemUserAlreadyExists.Code {
		v, verr := s.systemView(ctx, rc.lang, systemID)
		if verr != nil {
			return verr
		}
		orgName := orgNo
		if org, oerr := s.parties.Org(ctx, orgNo); oerr == nil {
			orgName = org.Name
		}
		return &pageset.Error{Status: http.StatusBadRequest, Key: "create.exists", Args: []any{v.Name, orgName}, Err: err}
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/portal/org/"+url.PathEscape(orgNo)+"?msg=created")
}

// problemCode is the platform's error code an error carries, if any.
func problemCode(err error) string {
	var p *problem.Problem
	if errors.As(err, &p) {
		return p.Code
	}
	var d problem.Descriptor
	if errors.As(err, &d) {
		return d.Code
	}
	return ""
}
