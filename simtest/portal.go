package simtest

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Approve approves the request as the test person pid, the way a person
// does it in a browser: open the request's confirmUrl, log in through
// ID-porten (the portal's login), press Approve. Approving creates the system
// user. pid must be a person who may manage the customer's access (its
// daglig leder, say; see CustomerManagerPID and the README's test data),
// else the portal refuses and the test fails with its message.
func (s *Server) Approve(t testing.TB, req Request, pid string) {
	t.Helper()
	s.answer(t, req, pid, "approve")
}

// Reject rejects the request as the test person pid, through the portal
// as Approve does.
func (s *Server) Reject(t testing.TB, req Request, pid string) {
	t.Helper()
	s.answer(t, req, pid, "reject")
}

var (
	csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	nextRe = regexp.MustCompile(`name="next" value="([^"]*)"`)
	// ID-porten's login form: the authorization request it answers.
	requestRe = regexp.MustCompile(`name="request" value="([^"]+)"`)
	alertRe   = regexp.MustCompile(`role="alert"[^>]*>([^<]+)<`)
)

// answer drives the portal's forms as a fresh browser: the confirmUrl,
// the login form, then the answer form.
func (s *Server) answer(t testing.TB, req Request, pid, answer string) {
	t.Helper()
	if req.ConfirmURL == "" || req.ID == "" {
		t.Fatalf("simtest: %s: the request has no id or confirmUrl (use the Request that RequestSystemUser returned)", answer)
	}
	b := s.browse(t, fmt.Sprintf("%s request %s as %s in the portal", answer, req.ID, pid))
	b.login(req.ConfirmURL, pid)
	b.submit("/portal/requests/"+url.PathEscape(req.ID)+"/"+answer, nil, "press "+answer)
}

// AddClient adds a client organisation to an agent system user, as the
// agent's organisation does in the portal: pid (a person who may manage
// that organisation's access, e.g. AccountingFirmManagerPID) logs in, opens
// the system user's page and adds clientOrgNo. The client must be the
// organisation's client by an ER role (REGN, REVI, ...) that gives every
// access package of the system user, else the portal refuses.
func (s *Server) AddClient(t testing.TB, agent SystemUser, clientOrgNo, pid string) {
	t.Helper()
	b := s.browse(t, fmt.Sprintf("add client %s to agent system user %s as %s in the portal", clientOrgNo, agent.ID, pid))
	page := "/portal/org/" + url.PathEscape(agent.ReporteeOrgNo) + "/systemusers/" + url.PathEscape(agent.ID)
	b.login(s.path(page), pid)
	b.submit(page+"/clients", url.Values{"client": {clientOrgNo}}, "add the client")
}

// browser is a person's browser on the portal: its own cookie jar, the
// CSRF token of the last page, and what it is doing (for failures).
type browser struct {
	t    testing.TB
	s    *Server
	c    *http.Client
	what string
	csrf string
}

func (s *Server) browse(t testing.TB, what string) *browser {
	base, _ := url.Parse(s.URL)
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, what: what, c: &http.Client{
		Transport: s.transport,
		Jar:       jar,
		Timeout:   s.client.Timeout,
		// Follow the portal's redirects, but not out of the server (an
		// answer sends the browser to the vendor's redirectUrl).
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if r.URL.Host != base.Host || len(via) > 10 {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}}
}

// page reads an answer, failing when its status is not want, and keeps
// the page's CSRF token.
func (b *browser) page(res *http.Response, err error, step string, want int) string {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("simtest: %s: %s: %v", b.what, step, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		b.t.Fatalf("simtest: %s: %s answered %d at %s: %s", b.what, step, res.StatusCode, res.Request.URL.Path, pageMessage(body))
	}
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = html.UnescapeString(string(m[1]))
	}
	return string(body)
}

// login opens pageURL, which sends a browser without a session to
// ID-porten's login page (through the portal's /portal/login), and logs
// in there as pid; ID-porten sends the browser back to the portal, which
// starts the session and shows pageURL.
func (b *browser) login(pageURL, pid string) {
	b.t.Helper()
	res, err := b.c.Get(pageURL)
	body := b.page(res, err, "open "+pageURL, http.StatusOK)
	if m := requestRe.FindStringSubmatch(body); m != nil {
		res, err = b.c.PostForm(b.s.path("/idporten/login"), url.Values{"request": {html.UnescapeString(m[1])}, "pid": {pid}})
		b.page(res, err, "log in with ID-porten", http.StatusOK)
		return
	}
	m := nextRe.FindStringSubmatch(body)
	if m == nil || b.csrf == "" {
		b.t.Fatalf("simtest: %s: %s did not lead to the login form", b.what, pageURL)
	}
	res, err = b.c.PostForm(b.s.path("/portal/login"), url.Values{"csrf": {b.csrf}, "next": {html.UnescapeString(m[1])}, "pid": {pid}})
	b.page(res, err, "log in", http.StatusOK)
}

// submit posts a form of the page last shown and expects the portal's
// answer to a done deed: a redirect (303), which it does not follow.
func (b *browser) submit(path string, form url.Values, step string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf)
	follow := b.c.CheckRedirect
	b.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	defer func() { b.c.CheckRedirect = follow }()
	res, err := b.c.PostForm(b.s.path(path), form)
	b.page(res, err, step, http.StatusSeeOther)
}

// pageMessage is what a portal page says went wrong (its alert), or the
// start of the page.
func pageMessage(b []byte) string {
	if m := alertRe.FindSubmatch(b); m != nil {
		return strings.TrimSpace(html.UnescapeString(string(m[1])))
	}
	return clip(b)
}
