package portal

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/pageset"
	"github.com/altinn-sim/altinn-sim/internal/parties"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Routes are the portal's pages: the paths a request's confirmUrl may
// point at (the real platform's, all opening the same request page) and
// /portal/. Every page carries the security headers; the session is
// loaded by each page's handler (handle), and a page that needs a login
// sends the visitor to /portal/login.
func (s *Service) Routes() []route.Route {
	const tag = "Portal (HTML)"
	page := func(method, path string, g route.Guard, h func(w http.ResponseWriter, r *http.Request) error, summary string) route.Route {
		rt := route.Route{Method: method, Path: path, Guard: g, Handler: securityHeaders(s.handle(h)), Tag: tag, Summary: summary}
		if method == http.MethodPost {
			rt.Body, rt.OK = "form", http.StatusSeeOther
		} else {
			// Every page reads these (i18n.go, render.go).
			rt.Query = []route.Param{route.Q("lang", "nb, nn or en (kept in a cookie)"),
				route.Q("msg", "a message to show, set by the redirect after a form")}
		}
		return rt
	}
	withQuery := func(rt route.Route, q ...route.Param) route.Route {
		rt.Query = append(q, rt.Query...)
		return rt
	}
	id := route.QRequired("id", "the request's id")
	static := http.StripPrefix("/portal/static/", http.FileServerFS(s.static))
	return []route.Route{
		withQuery(page("GET", "/authfront/ui/auth/vendorrequest", route.Session, s.confirmPage, "confirmUrl of a standard request (?id=)"), id),
		withQuery(page("GET", "/authfront/ui/auth/agentrequest", route.Session, s.confirmPage, "confirmUrl of an agent request (?id=)"), id),
		withQuery(page("GET", "/authfront/ui/auth/vendorchangerequest", route.Session, s.confirmPage, "confirmUrl of a change request (?id=)"), id),
		withQuery(page("GET", "/accessmanagement/ui/systemuser/request", route.Session, s.confirmPage, "Standard request page (?id=)"), id),
		withQuery(page("GET", "/accessmanagement/ui/systemuser/agentrequest", route.Session, s.confirmPage, "Agent request page (?id=)"), id),
		withQuery(page("GET", "/accessmanagement/ui/systemuser/changerequest", route.Session, s.confirmPage, "Change request page (?id=)"), id),
		withQuery(page("GET", creationPath, route.Session, s.creationPage, "Create a system user: pick organisation and visible system"),
			route.Q("org", "the organisation to act for"), route.Q("q", "search systems by name or vendor"), route.Q("system", "the chosen system's id")),
		withQuery(page("GET", "/accessmanagement/ui/systemuser/create", route.Session, s.creationPage, "Create a system user (the access-management path)"),
			route.Q("org", "the organisation to act for"), route.Q("q", "search systems by name or vendor"), route.Q("system", "the chosen system's id")),
		page("POST", creationPath, route.Session, s.create, "Create the system user (csrf, org, system)"),
		page("GET", "/portal/", route.Session, s.homePage, "My organisations"),
		{Method: "GET", Path: "/portal", Handler: securityHeaders(http.RedirectHandler("/portal/", http.StatusMovedPermanently)),
			Tag: tag, Summary: "Redirects to /portal/", OK: http.StatusMovedPermanently},
		withQuery(page("GET", "/portal/login", route.Public, s.loginPage, "Test login: pick a person or type a pid"),
			route.Q("next", "the page to go back to after the login (a path on this server)")),
		page("POST", "/portal/login", route.Public, s.login, "Log in (csrf, pid, next)"),
		withQuery(page("GET", "/portal/login/callback", route.Public, s.loginCallback, "Back from the ID-porten login: the session starts"),
			route.Q("state", "the state the login was started with"), route.Q("code", "ID-porten's authorization code"),
			route.Q("error", "ID-porten's error (access_denied when the person cancelled)"), route.Q("iss", "ID-porten's issuer")),
		page("POST", "/portal/logout", route.Session, s.logout, "Log out"),
		page("GET", "/portal/requests/{id}", route.Session, s.requestByPath, "A request in plain words"),
		page("POST", "/portal/requests/{id}/approve", route.Session, s.approve, "Approve"),
		page("POST", "/portal/requests/{id}/reject", route.Session, s.reject, "Reject"),
		page("GET", "/portal/org/{orgNo}", route.Session, s.orgPage, "An organisation's system users and pending requests"),
		page("GET", "/portal/org/{orgNo}/systemusers/{id}", route.Session, s.systemUserPage, "A system user; an agent's clients"),
		page("POST", "/portal/org/{orgNo}/systemusers/{id}/delete", route.Session, s.deleteSystemUser, "Delete a system user"),
		page("POST", "/portal/org/{orgNo}/systemusers/{id}/clients", route.Session, s.addClient, "Add a client (client=<orgNo>)"),
		page("POST", "/portal/org/{orgNo}/systemusers/{id}/clients/{client}/remove", route.Session, s.removeClient, "Remove a client"),
		page("GET", "/portal/org/{orgNo}/apidelegations", route.Session, s.apiDelegationsPageH, "An organisation's delegated API access: given to suppliers, received"),
		page("POST", "/portal/org/{orgNo}/apidelegations", route.Session, s.delegateAPI, "Delegate a scheme to a supplier (csrf, scheme, supplier=<orgNo>)"),
		page("POST", "/portal/org/{orgNo}/apidelegations/{id}/withdraw", route.Session, s.withdrawAPI, "Withdraw a delegation"),
		{Method: "GET", Path: "/portal/static/*", Handler: securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The file server answers 500 for a name fs.FS refuses
			// (invalid UTF-8): such a file does not exist.
			if !utf8.ValidString(r.URL.Path) {
				http.NotFound(w, r)
				return
			}
			static.ServeHTTP(w, r)
		})), Tag: tag, Summary: "Style sheet and other static files"},
	}
}

// Owns reports whether path is the portal's, where a path no route has
// gets the portal's own pages instead of a ProblemDetails.
func Owns(path string) bool { return path == "/portal" || strings.HasPrefix(path, "/portal/") }

// NotFound is the portal's page for a path under /portal/ that no route
// has.
func (s *Service) NotFound() http.Handler {
	return securityHeaders(s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return pageset.Errorf(http.StatusNotFound, "error.notFound")
	}))
}

// MethodNotAllowed wraps the server's answer for a method a portal path
// does not take, so it carries the pages' security headers too.
func MethodNotAllowed(h http.Handler) http.Handler { return securityHeaders(h) }

// securityHeaders keeps the pages out of frames and scripts out of them.
// No form-action directive: after approving, the form's response
// redirects to the vendor's site, which form-action would block.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// reqCtx is what every handler knows about the browser: language and
// session (with the logged-in person, if any).
type reqCtx struct {
	lang    string
	sess    session
	hasSess bool
	person  *parties.Person
}

type ctxKey struct{}

func rcOf(r *http.Request) *reqCtx { return r.Context().Value(ctxKey{}).(*reqCtx) }

// handle adapts a handler that returns an error: it loads the language and
// session first and renders error.tmpl for whatever error comes back.
func (s *Service) handle(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := &reqCtx{lang: pickLang(w, r, s.secure)}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, rc))
		err := s.loadSession(r, rc)
		if err == nil {
			err = h(w, r)
		}
		if err != nil {
			s.writeError(w, r, rc, err)
		}
	}
}

func (s *Service) loadSession(r *http.Request, rc *reqCtx) error {
	ss, ok, err := s.sessions.load(r.Context(), r)
	if err != nil || !ok {
		return err
	}
	rc.sess, rc.hasSess = ss, true
	if ss.PID != "" {
		p, err := s.parties.Person(r.Context(), ss.PID)
		if isNotFound(err) {
			return nil // the person is gone; treat as logged out
		}
		if err != nil {
			return err
		}
		rc.person = &p
	}
	return nil
}

// seeOther redirects after a POST (or to the login page).
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// toLogin sends a visitor who is not logged in to the login page, which
// brings them back to next afterwards.
func toLogin(w http.ResponseWriter, r *http.Request, next string) error {
	return seeOther(w, r, "/portal/login?next="+url.QueryEscape(next))
}

// safeNext accepts only a local path as the place to go after login, so
// the login form cannot be used to send people to another site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/portal/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/portal/"
	}
	return next
}

// checkCSRF verifies the form's token against the session.
func (s *Service) checkCSRF(r *http.Request) error {
	rc := rcOf(r)
	if err := r.ParseForm(); err != nil {
		return pageset.Errorf(http.StatusBadRequest, "csrf.invalid")
	}
	if !rc.hasSess || !validCSRF(rc.sess, r.PostForm.Get("csrf")) {
		return pageset.Errorf(http.StatusForbidden, "csrf.invalid")
	}
	// A NUL or a byte that is not UTF-8 (%00, %FF) would reach PostgreSQL
	// as a 500.
	if !problem.FormStorable(r.PostForm) {
		return pageset.Errorf(http.StatusBadRequest, "error.badRequest")
	}
	return nil
}

// --- login ---

type loginPerson struct {
	PID   string
	Name  string
	Roles []loginRole
}

type loginRole struct {
	Role    string
	OrgName string
	OrgNo   string
}

type loginPage struct {
	basePage
	Persons []loginPerson
	Next    string
	Error   string
	PID     string
}

func (s *Service) renderLogin(w http.ResponseWriter, r *http.Request, status int, next, pid, errText string) error {
	rc := rcOf(r)
	// The login form needs a CSRF token; a visitor without a session gets
	// it in a cookie (no database row for each anonymous visit).
	if !rc.hasSess {
		rc.sess.CSRF = s.sessions.loginCSRF(w, r)
	}
	ps, err := s.parties.Persons(r.Context())
	if err != nil {
		return err
	}
	page := loginPage{basePage: s.base(r, rc, tr(rc.lang, "login.title")), Next: next, Error: errText, PID: pid}
	for _, p := range ps {
		lp := loginPerson{PID: p.PID, Name: p.Name}
		for _, ro := range p.Roles {
			lp.Roles = append(lp.Roles, loginRole{Role: roleName(rc.lang, ro.RoleCode), OrgName: ro.Org.Name, OrgNo: ro.Org.OrgNo})
		}
		page.Persons = append(page.Persons, lp)
	}
	s.render(w, r, status, "login", page)
	return nil
}

func (s *Service) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	// A page after an answer (?msg=approved, the person is logged out)
	// says what happened, and offers to log in again, rather than sending
	// the browser straight back to ID-porten.
	if s.idporten != nil && r.URL.Query().Get("msg") == "" {
		return s.startIDPortenLogin(w, r, next)
	}
	return s.renderLogin(w, r, http.StatusOK, next, "", "")
}

func (s *Service) login(w http.ResponseWriter, r *http.Request) error {
	rc := rcOf(r)
	if err := r.ParseForm(); err != nil {
		return pageset.Errorf(http.StatusBadRequest, "csrf.invalid")
	}
	form := r.PostForm.Get("csrf")
	if !(rc.hasSess && validCSRF(rc.sess, form)) && !validLoginCSRF(r, form) {
		return pageset.Errorf(http.StatusForbidden, "csrf.invalid")
	}
	next := safeNext(r.PostForm.Get("next"))
	pid := strings.TrimSpace(r.PostForm.Get("pid"))
	if len(pid) != 11 || strings.Trim(pid, "0123456789") != "" {
		return s.renderLogin(w, r, http.StatusBadRequest, next, pid, tr(rc.lang, "login.badPID"))
	}
	if _, err := s.parties.Person(r.Context(), pid); err != nil {
		if isNotFound(err) {
			return s.renderLogin(w, r, http.StatusBadRequest, next, pid, tr(rc.lang, "login.unknown", pid))
		}
		return err
	}
	old := rc.sess
	if _, err := s.sessions.create(r.Context(), w, &old, pid); err != nil {
		return err
	}
	s.sessions.dropLoginCSRF(w)
	return seeOther(w, r, next)
}

func (s *Service) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if err := s.sessions.destroy(r.Context(), w, rcOf(r).sess); err != nil {
		return err
	}
	return seeOther(w, r, "/portal/login")
}

// --- requests ---

type requestPage struct {
	basePage
	ID          string
	Kind        string
	Status      string
	StatusText  string
	Done        string // why the request can no longer be answered
	Created     string
	System      systemView
	OrgName     string
	OrgNo       string
	ExternalRef string
	Integration string
	Rights      []rightView
	Packages    []packageView
	// Change requests.
	AddRights      []rightView
	RemoveRights   []rightView
	AddPackages    []packageView
	RemovePackages []packageView
	CanAnswer      bool
	ContinueURL    string
}

type refusedPage struct {
	basePage
	Message string
	Next    string
}

func (s *Service) confirmPage(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(r.URL.Query().Get("id"))
	if err != nil {
		return pageset.Errorf(http.StatusBadRequest, "request.badID")
	}
	return s.showRequest(w, r, id, http.StatusOK)
}

func (s *Service) requestByPath(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		return pageset.Errorf(http.StatusNotFound, "request.notFound")
	}
	return s.showRequest(w, r, id, http.StatusOK)
}

func (s *Service) needRequests() error {
	if s.requests == nil {
		return pageset.Errorf(http.StatusServiceUnavailable, "error.internal")
	}
	return nil
}

func (s *Service) needSystemUsers() error {
	if s.systemUsers == nil {
		return pageset.Errorf(http.StatusServiceUnavailable, "error.internal")
	}
	return nil
}

func (s *Service) getRequest(ctx context.Context, id uuid.UUID) (Request, error) {
	req, err := s.requests.Get(ctx, id)
	if isNotFound(err) {
		return req, &pageset.Error{Status: http.StatusNotFound, Key: "request.notFound", Err: err}
	}
	return req, err
}

// answerable says whether a request may still be approved or rejected.
func answerable(req Request) bool { return req.Status == StatusNew && !req.TimedOut }

// refuse renders the clear refusal for a person without the right to act
// for the organisation.
func (s *Service) refuse(w http.ResponseWriter, r *http.Request, orgNo, key string) error {
	rc := rcOf(r)
	orgName := orgNo
	if org, err := s.parties.Org(r.Context(), orgNo); err == nil {
		orgName = org.Name
	}
	var msg string
	if key == "refused.body" {
		msg = tr(rc.lang, key, rc.person.Name, orgName, orgNo)
	} else {
		msg = tr(rc.lang, key, orgName, orgNo)
	}
	// A request's refusal says the person cannot approve; managing an
	// organisation (its pages, creating a system user) says so instead.
	title := "refused.title"
	if key == "refused.manage" {
		title = "refused.titleManage"
	}
	p := refusedPage{basePage: s.base(r, rc, tr(rc.lang, title)), Message: msg, Next: r.URL.RequestURI()}
	if r.Method != http.MethodGet {
		p.Next = "/portal/"
	}
	s.render(w, r, http.StatusForbidden, "refused", p)
	return nil
}

func (s *Service) showRequest(w http.ResponseWriter, r *http.Request, id uuid.UUID, status int) error {
	rc := rcOf(r)
	if rc.person == nil {
		return toLogin(w, r, r.URL.RequestURI())
	}
	if err := s.needRequests(); err != nil {
		return err
	}
	req, err := s.getRequest(r.Context(), id)
	if err != nil {
		return err
	}
	ok, err := s.canManage(r.Context(), rc.person, req.PartyOrgNo)
	if err != nil {
		return err
	}
	if !ok {
		return s.refuse(w, r, req.PartyOrgNo, "refused.body")
	}
	page, err := s.buildRequestPage(r, req)
	if err != nil {
		return err
	}
	s.render(w, r, status, "request", page)
	return nil
}

func (s *Service) buildRequestPage(r *http.Request, req Request) (requestPage, error) {
	ctx, rc := r.Context(), rcOf(r)
	kind := req.Kind
	if kind != KindAgent && kind != KindChange {
		kind = KindStandard
	}
	p := requestPage{
		basePage:    s.base(r, rc, tr(rc.lang, "request.title."+kind)),
		ID:          req.ID.String(),
		Kind:        kind,
		Status:      req.Status,
		StatusText:  tr(rc.lang, "status."+req.Status),
		Created:     formatDate(rc.lang, req.Created),
		OrgNo:       req.PartyOrgNo,
		OrgName:     req.PartyOrgNo,
		ExternalRef: req.ExternalRef,
		Integration: req.IntegrationTitle,
		CanAnswer:   answerable(req),
	}
	if req.TimedOut && req.Status == StatusNew {
		p.Status, p.StatusText = StatusTimedout, tr(rc.lang, "status."+StatusTimedout)
	}
	if !p.CanAnswer {
		p.Done = tr(rc.lang, "request.done."+p.Status)
		if p.Status == StatusAccepted || p.Status == StatusRejected {
			p.ContinueURL = s.requests.RedirectAfter(req)
		}
	}
	if org, err := s.parties.Org(ctx, req.PartyOrgNo); err == nil {
		p.OrgName = org.Name
	} else if !isNotFound(err) {
		return p, err
	}
	var err error
	if p.System, err = s.systemView(ctx, rc.lang, req.SystemID); err != nil {
		return p, err
	}
	why := WhyQuery{OrgNo: req.PartyOrgNo}
	if req.SystemUserID != uuid.Nil {
		why.SystemUserID = req.SystemUserID.String()
	}
	if kind == KindChange {
		if p.AddRights, err = s.rightViews(ctx, rc.lang, req.RequiredRights, why); err != nil {
			return p, err
		}
		if p.RemoveRights, err = s.rightViews(ctx, rc.lang, req.UnwantedRights, why); err != nil {
			return p, err
		}
		if p.AddPackages, err = s.packageViews(ctx, rc.lang, req.RequiredAccessPackages, why); err != nil {
			return p, err
		}
		if p.RemovePackages, err = s.packageViews(ctx, rc.lang, req.UnwantedAccessPackages, why); err != nil {
			return p, err
		}
		return p, nil
	}
	if p.Rights, err = s.rightViews(ctx, rc.lang, req.Rights, why); err != nil {
		return p, err
	}
	if p.Packages, err = s.packageViews(ctx, rc.lang, req.AccessPackages, why); err != nil {
		return p, err
	}
	return p, nil
}

// answer approves or rejects a request after the checks both share.
func (s *Service) answer(w http.ResponseWriter, r *http.Request, approve bool) error {
	rc := rcOf(r)
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		return pageset.Errorf(http.StatusNotFound, "request.notFound")
	}
	if rc.person == nil {
		return toLogin(w, r, "/portal/requests/"+id.String())
	}
	if err := s.checkCSRF(r); err != nil {
		return err
	}
	if err := s.needRequests(); err != nil {
		return err
	}
	ctx := r.Context()
	req, err := s.getRequest(ctx, id)
	if err != nil {
		return err
	}
	ok, err := s.canManage(ctx, rc.person, req.PartyOrgNo)
	if err != nil {
		return err
	}
	if !ok {
		return s.refuse(w, r, req.PartyOrgNo, "refused.body")
	}
	// A request that is no longer New is shown as it is (409), never
	// answered again: a double click or a stale tab changes nothing.
	if !answerable(req) {
		return s.showRequest(w, r, id, http.StatusConflict)
	}
	if approve {
		_, err = s.requests.Approve(ctx, id, req.PartyOrgNo, rc.person.PID)
	} else {
		err = s.requests.Reject(ctx, id, req.PartyOrgNo, rc.person.PID)
	}
	if isConflict(err) {
		// Someone answered it between our read and our write.
		return s.showRequest(w, r, id, http.StatusConflict)
	}
	if err != nil {
		return err
	}
	if req, err = s.requests.Get(ctx, id); err != nil {
		return err
	}
	// As on the real platform, answering a request logs the person out,
	// and the browser goes to the request's redirectUrl exactly as the
	// vendor gave it (Authentication's logout/handleloggedout adds no
	// query), or else to the logged-out page.
	if err := s.sessions.destroy(ctx, w, rc.sess); err != nil {
		return err
	}
	if to := s.requests.RedirectAfter(req); to != "" {
		return seeOther(w, r, to)
	}
	msg := "rejected"
	if approve {
		msg = "approved"
	}
	return seeOther(w, r, "/portal/login?msg="+msg)
}

func (s *Service) approve(w http.ResponseWriter, r *http.Request) error { return s.answer(w, r, true) }
func (s *Service) reject(w http.ResponseWriter, r *http.Request) error  { return s.answer(w, r, false) }

// --- the person's organisations ---

type homeOrg struct {
	OrgNo     string
	Name      string
	Roles     []string
	CanManage bool
}

type homePage struct {
	basePage
	Orgs []homeOrg
}

func (s *Service) homePage(w http.ResponseWriter, r *http.Request) error {
	rc := rcOf(r)
	if rc.person == nil {
		return toLogin(w, r, r.URL.RequestURI())
	}
	roles, err := s.parties.RolesOfPerson(r.Context(), rc.person.PID)
	if err != nil {
		return err
	}
	byOrg := map[string]*homeOrg{}
	var order []string
	for _, ro := range roles {
		o, ok := byOrg[ro.OrgNo]
		if !ok {
			o = &homeOrg{OrgNo: ro.OrgNo, Name: ro.OrgNo}
			if org, err := s.parties.Org(r.Context(), ro.OrgNo); err == nil {
				o.Name = org.Name
			}
			byOrg[ro.OrgNo] = o
			order = append(order, ro.OrgNo)
		}
		o.Roles = append(o.Roles, roleName(rc.lang, ro.RoleCode))
		o.CanManage = o.CanManage || parties.CanManageAccess(ro.RoleCode)
	}
	page := homePage{basePage: s.base(r, rc, tr(rc.lang, "home.title"))}
	for _, no := range order {
		page.Orgs = append(page.Orgs, *byOrg[no])
	}
	sort.Slice(page.Orgs, func(i, j int) bool { return page.Orgs[i].Name < page.Orgs[j].Name })
	s.render(w, r, http.StatusOK, "home", page)
	return nil
}

type systemUserRow struct {
	ID          string
	Title       string
	System      systemView
	Type        string
	TypeText    string
	Created     string
	ExternalRef string
}

type pendingRow struct {
	ID       string
	System   systemView
	KindText string
	Created  string
	URL      string
}

type orgPage struct {
	basePage
	OrgNo       string
	OrgName     string
	SystemUsers []systemUserRow
	Pending     []pendingRow
	// APIDelegations: link to the delegated-API-access page.
	APIDelegations bool
}

// orgFor checks the person may manage the organisation in the path and
// returns it. ok=false means a page (login or refusal) was already sent.
func (s *Service) orgFor(w http.ResponseWriter, r *http.Request) (org parties.Organization, ok bool, err error) {
	rc := rcOf(r)
	orgNo := chi.URLParam(r, "orgNo")
	if rc.person == nil {
		if r.Method == http.MethodGet {
			return org, false, toLogin(w, r, r.URL.RequestURI())
		}
		return org, false, toLogin(w, r, "/portal/org/"+url.PathEscape(orgNo))
	}
	org, err = s.parties.Org(r.Context(), orgNo)
	if isNotFound(err) {
		return org, false, pageset.Errorf(http.StatusNotFound, "error.notFound")
	}
	if err != nil {
		return org, false, err
	}
	can, err := s.canManage(r.Context(), rc.person, orgNo)
	if err != nil {
		return org, false, err
	}
	if !can {
		return org, false, s.refuse(w, r, orgNo, "refused.manage")
	}
	return org, true, nil
}

func (s *Service) suRow(r *http.Request, su SystemUser) (systemUserRow, error) {
	rc := rcOf(r)
	sys, err := s.systemView(r.Context(), rc.lang, su.SystemID)
	if err != nil {
		return systemUserRow{}, err
	}
	typ := su.UserType
	if typ != KindAgent {
		typ = KindStandard
	}
	title := su.IntegrationTitle
	if title == "" {
		title = sys.Name
	}
	return systemUserRow{
		ID: su.ID.String(), Title: title, System: sys, Type: typ, TypeText: tr(rc.lang, "type."+typ),
		Created: formatDate(rc.lang, su.Created), ExternalRef: su.ExternalRef,
	}, nil
}

func (s *Service) orgPage(w http.ResponseWriter, r *http.Request) error {
	if err := s.needSystemUsers(); err != nil {
		return err
	}
	if err := s.needRequests(); err != nil {
		return err
	}
	org, ok, err := s.orgFor(w, r)
	if !ok || err != nil {
		return err
	}
	rc, ctx := rcOf(r), r.Context()
	page := orgPage{basePage: s.base(r, rc, tr(rc.lang, "org.title", org.Name)), OrgNo: org.OrgNo, OrgName: org.Name,
		APIDelegations: s.apiDelegations != nil}
	sus, err := s.systemUsers.ListForParty(ctx, org.OrgNo)
	if err != nil {
		return err
	}
	for _, su := range sus {
		if su.IsDeleted {
			continue
		}
		row, err := s.suRow(r, su)
		if err != nil {
			return err
		}
		page.SystemUsers = append(page.SystemUsers, row)
	}
	pending, err := s.requests.Pending(ctx, org.OrgNo)
	if err != nil {
		return err
	}
	for _, req := range pending {
		if !answerable(req) {
			continue
		}
		sys, err := s.systemView(ctx, rc.lang, req.SystemID)
		if err != nil {
			return err
		}
		kind := req.Kind
		if kind != KindAgent && kind != KindChange {
			kind = KindStandard
		}
		page.Pending = append(page.Pending, pendingRow{
			ID: req.ID.String(), System: sys, KindText: tr(rc.lang, "type."+kind),
			Created: formatDate(rc.lang, req.Created), URL: "/portal/requests/" + req.ID.String(),
		})
	}
	s.render(w, r, http.StatusOK, "org", page)
	return nil
}

type clientRow struct {
	OrgNo    string
	Name     string
	Packages []packageView
}

type systemUserPage struct {
	basePage
	OrgNo     string
	OrgName   string
	SU        systemUserRow
	Rights    []rightView
	Packages  []packageView
	IsAgent   bool
	Clients   []clientRow
	Available []clientRow
}

// systemUserOf loads the system user in the path, which must belong to org.
func (s *Service) systemUserOf(r *http.Request, orgNo string) (SystemUser, error) {
	id, err := uuid.Parse(chi.URLParam(r, "id"))
	if err != nil {
		return SystemUser{}, pageset.Errorf(http.StatusNotFound, "su.notFound")
	}
	su, err := s.systemUsers.Get(r.Context(), id)
	if isNotFound(err) || (err == nil && (su.ReporteeOrgNo != orgNo || su.IsDeleted)) {
		return SystemUser{}, &pageset.Error{Status: http.StatusNotFound, Key: "su.notFound", Err: err}
	}
	return su, err
}

func (s *Service) systemUserPage(w http.ResponseWriter, r *http.Request) error {
	if err := s.needSystemUsers(); err != nil {
		return err
	}
	org, ok, err := s.orgFor(w, r)
	if !ok || err != nil {
		return err
	}
	su, err := s.systemUserOf(r, org.OrgNo)
	if err != nil {
		return err
	}
	rc, ctx := rcOf(r), r.Context()
	row, err := s.suRow(r, su)
	if err != nil {
		return err
	}
	page := systemUserPage{
		basePage: s.base(r, rc, tr(rc.lang, "su.title", row.Title)),
		OrgNo:    org.OrgNo, OrgName: org.Name, SU: row, IsAgent: su.UserType == KindAgent,
	}
	why := WhyQuery{SystemUserID: su.ID.String(), OrgNo: org.OrgNo}
	if page.Rights, err = s.rightViews(ctx, rc.lang, su.Rights, why); err != nil {
		return err
	}
	if page.Packages, err = s.packageViews(ctx, rc.lang, su.AccessPackages, why); err != nil {
		return err
	}
	if page.IsAgent {
		delegated, err := s.systemUsers.Clients(ctx, su.ID)
		if err != nil {
			return err
		}
		have := map[string]bool{}
		for _, c := range delegated {
			have[c.ClientOrgNo] = true
			pk, err := s.packageViewsURN(ctx, rc.lang, c.AccessPackages, WhyQuery{})
			if err != nil {
				return err
			}
			page.Clients = append(page.Clients, clientRow{OrgNo: c.ClientOrgNo, Name: c.ClientName, Packages: pk})
		}
		avail, err := s.systemUsers.AvailableClients(ctx, su.ID)
		if err != nil {
			return err
		}
		for _, c := range avail {
			if have[c.OrgNo] || c.Delegated {
				continue
			}
			pk, err := s.packageViewsURN(ctx, rc.lang, c.AccessPackages, WhyQuery{})
			if err != nil {
				return err
			}
			page.Available = append(page.Available, clientRow{OrgNo: c.OrgNo, Name: c.Name, Packages: pk})
		}
	}
	s.render(w, r, http.StatusOK, "systemuser", page)
	return nil
}

// changeSystemUser runs the checks every system-user form shares, then fn.
func (s *Service) changeSystemUser(w http.ResponseWriter, r *http.Request, fn func(org parties.Organization, su SystemUser) (string, error)) error {
	if err := s.needSystemUsers(); err != nil {
		return err
	}
	if rcOf(r).person != nil {
		if err := s.checkCSRF(r); err != nil {
			return err
		}
	}
	org, ok, err := s.orgFor(w, r)
	if !ok || err != nil {
		return err
	}
	su, err := s.systemUserOf(r, org.OrgNo)
	if err != nil {
		return err
	}
	to, err := fn(org, su)
	if err != nil {
		return err
	}
	return seeOther(w, r, to)
}

func (s *Service) deleteSystemUser(w http.ResponseWriter, r *http.Request) error {
	return s.changeSystemUser(w, r, func(org parties.Organization, su SystemUser) (string, error) {
		if err := s.systemUsers.Delete(r.Context(), su.ID, org.OrgNo); err != nil {
			return "", err
		}
		return "/portal/org/" + org.OrgNo + "?msg=deleted", nil
	})
}

func (s *Service) addClient(w http.ResponseWriter, r *http.Request) error {
	return s.changeSystemUser(w, r, func(org parties.Organization, su SystemUser) (string, error) {
		client := strings.TrimSpace(r.PostForm.Get("client"))
		if client == "" {
			return "", pageset.Errorf(http.StatusBadRequest, "error.badRequest")
		}
		if err := s.systemUsers.AddClient(r.Context(), su.ID, client, org.OrgNo); err != nil {
			return "", err
		}
		return "/portal/org/" + org.OrgNo + "/systemusers/" + su.ID.String() + "?msg=clientAdded", nil
	})
}

func (s *Service) removeClient(w http.ResponseWriter, r *http.Request) error {
	return s.changeSystemUser(w, r, func(org parties.Organization, su SystemUser) (string, error) {
		client := chi.URLParam(r, "client")
		if err := s.systemUsers.RemoveClient(r.Context(), su.ID, client, org.OrgNo); err != nil {
			return "", err
		}
		return "/portal/org/" + org.OrgNo + "/systemusers/" + su.ID.String() + "?msg=clientRemoved", nil
	})
}

// VendorOrSystem names who asks: the vendor, else the system.
func (p requestPage) VendorOrSystem() string {
	if p.System.VendorName != "" {
		return p.System.VendorName
	}
	return p.System.Name
}
