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
// does it in a browser: open the request's confirmUrl, log in on the
// portal's test login page, press Approve. Approving creates the system
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
	csrfRe  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	nextRe  = regexp.MustCompile(`name="next" value="([^"]*)"`)
	alertRe = regexp.MustCompile(`role="alert"[^>]*>([^<]+)<`)
)

// answer drives the portal's forms with a cookie jar of its own (a fresh
// browser): the confirmUrl, the login form, then the answer form.
func (s *Server) answer(t testing.TB, req Request, pid, answer string) {
	t.Helper()
	if req.ConfirmURL == "" || req.ID == "" {
		t.Fatalf("simtest: %s: the request has no id or confirmUrl (use the Request that RequestSystemUser returned)", answer)
	}
	base, _ := url.Parse(s.URL)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{
		Transport: s.transport,
		Jar:       jar,
		Timeout:   s.client.Timeout,
		// Follow the portal's redirects, but not out of the server: the
		// answer sends the browser to the vendor's redirectUrl.
		CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if r.URL.Host != base.Host || len(via) > 10 {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	what := fmt.Sprintf("%s request %s as %s in the portal", answer, req.ID, pid)
	page := func(res *http.Response, err error, step string, want int) string {
		t.Helper()
		if err != nil {
			t.Fatalf("simtest: %s: %s: %v", what, step, err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("simtest: %s: %s answered %d at %s: %s", what, step, res.StatusCode, res.Request.URL.Path, pageMessage(b))
		}
		return string(b)
	}
	find := func(re *regexp.Regexp, body, step, name string) string {
		t.Helper()
		m := re.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("simtest: %s: %s: no %s on the page", what, step, name)
		}
		return html.UnescapeString(m[1])
	}

	// Not logged in, the confirmUrl leads to the test login page.
	res, err := browser.Get(req.ConfirmURL)
	body := page(res, err, "open the confirmUrl", http.StatusOK)
	csrf := find(csrfRe, body, "the login page", "CSRF token")
	next := find(nextRe, body, "the login page", "next field")
	res, err = browser.PostForm(s.path("/portal/login"), url.Values{"csrf": {csrf}, "next": {next}, "pid": {pid}})
	body = page(res, err, "log in", http.StatusOK)
	// Logged in, back on the request: its page carries the answer forms.
	csrf = find(csrfRe, body, "the request page", "CSRF token")
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err = browser.PostForm(s.path("/portal/requests/"+url.PathEscape(req.ID)+"/"+answer), url.Values{"csrf": {csrf}})
	page(res, err, "press "+answer, http.StatusSeeOther)
}

// pageMessage is what a portal page says went wrong (its alert), or the
// start of the page.
func pageMessage(b []byte) string {
	if m := alertRe.FindSubmatch(b); m != nil {
		return strings.TrimSpace(html.UnescapeString(string(m[1])))
	}
	return clip(b)
}
