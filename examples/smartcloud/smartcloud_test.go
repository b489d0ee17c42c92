package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const tirilPID = "12857841016" // Tiril Tiger, DAGL of 313725138

func testConfig(s *apptest.Server, out io.Writer) Config {
	cfg := DefaultConfig()
	cfg.BaseURL = s.URL
	cfg.Poll = 50 * time.Millisecond
	cfg.Timeout = 30 * time.Second
	cfg.Out = out
	return cfg
}

// TestJourney runs the whole program against a fresh emulator, with the
// approval done by Tiril Tiger through the portal's own forms, and checks
// that the PDP permits the system user — and that the program's view of
// the world matches the emulator's.
func TestJourney(t *testing.T) {
	s := apptest.Start(t)
	var out bytes.Buffer
	cfg := testConfig(s, &out)
	approvals := 0
	res, err := run(t.Context(), cfg, func(confirmURL string) error {
		approvals++
		return portalAnswer(s.URL, confirmURL, tirilPID, "approve")
	})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	t.Logf("the program printed:\n%s", out.String())
	if approvals != 1 {
		t.Fatalf("approve called %d times", approvals)
	}
	if res.Decision != "Permit" || res.APIStatus != http.StatusOK {
		t.Fatalf("decision %q, API status %d, want Permit and 200\n%s", res.Decision, res.APIStatus, out.String())
	}
	if !strings.HasPrefix(res.ConfirmURL, s.URL+"/") || !strings.Contains(res.ConfirmURL, res.RequestID) {
		t.Errorf("confirmUrl %q does not name request %s on this server", res.ConfirmURL, res.RequestID)
	}
	if !strings.Contains(out.String(), res.ConfirmURL) || !strings.Contains(out.String(), "the PDP says: Permit") {
		t.Errorf("the program did not print the confirmUrl and the decision:\n%s", out.String())
	}
	// The system user in the token is the one the approval created (its id
	// is the request's), owned by the customer and bound to the system.
	id, err := uuid.Parse(res.SystemUserID)
	if err != nil {
		t.Fatalf("system user id %q: %v", res.SystemUserID, err)
	}
	su, err := s.SystemUsers.Get(t.Context(), id)
	if err != nil {
		t.Fatalf("system user from the token: %v", err)
	}
	if su.ID.String() != res.RequestID || su.ReporteeOrgNo != "313725138" || su.SystemID != "991825827_smartcloud" {
		t.Errorf("system user %+v, want the approved request %s for 313725138", su, res.RequestID)
	}

	// A second run against the same emulator finds the system user, binds
	// its new client to the system, and asks the API about an organisation
	// the system user may not act for: the PDP does not permit it and the
	// API refuses.
	out.Reset()
	cfg.ActFor = "310385980"
	res2, err := run(t.Context(), cfg, func(string) error {
		t.Error("approve called although a system user exists")
		return nil
	})
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
	t.Logf("the second run printed:\n%s", out.String())
	if res2.SystemUserID != res.SystemUserID || res2.ClientID == res.ClientID {
		t.Errorf("second run: system user %s (want %s), client %s (want a new one)", res2.SystemUserID, res.SystemUserID, res2.ClientID)
	}
	if res2.Decision == "Permit" || res2.APIStatus != http.StatusForbidden {
		t.Errorf("for another organisation: decision %q, status %d; want no Permit and 403\n%s", res2.Decision, res2.APIStatus, out.String())
	}
}

// TestJourneyRejected: when the person rejects, the program stops with
// the request's status instead of fetching a token.
func TestJourneyRejected(t *testing.T) {
	s := apptest.Start(t)
	var out bytes.Buffer
	_, err := run(t.Context(), testConfig(s, &out), func(confirmURL string) error {
		return portalAnswer(s.URL, confirmURL, tirilPID, "reject")
	})
	if err == nil || !strings.Contains(err.Error(), "Rejected") {
		t.Fatalf("run after rejection: %v, want an error naming Rejected\n%s", err, out.String())
	}
}

// TestJourneyTimesOut: nobody approves, so the program gives up after its
// wait instead of hanging.
func TestJourneyTimesOut(t *testing.T) {
	s := apptest.Start(t)
	cfg := testConfig(s, io.Discard)
	cfg.Timeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	_, err := run(ctx, cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "no approval") {
		t.Fatalf("run without approval: %v", err)
	}
}

var (
	csrfRe    = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	requestRe = regexp.MustCompile(`name="request" value="([^"]+)"`)
	answerRe  = regexp.MustCompile(`action="(/portal/requests/[0-9a-f-]+/(?:approve|reject))"`)
)

// portalAnswer does what a person does in a browser: open the confirmUrl,
// log in on ID-porten's test login page as pid, and press Approve or
// Reject.
func portalAnswer(base, confirmURL, pid, answer string) error {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	get := func(u string) (string, string, error) {
		resp, err := c.Get(u)
		if err != nil {
			return "", "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return "", "", fmt.Errorf("GET %s: %d", u, resp.StatusCode)
		}
		return string(b), resp.Request.URL.String(), nil
	}
	post := func(path string, form url.Values) (string, string, error) {
		resp, err := c.PostForm(base+path, form)
		if err != nil {
			return "", "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return "", "", fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b), resp.Request.URL.String(), nil
	}
	find := func(re *regexp.Regexp, page, what string) (string, error) {
		m := re.FindStringSubmatch(page)
		if m == nil {
			return "", fmt.Errorf("no %s on the page", what)
		}
		return html.UnescapeString(m[1]), nil
	}

	// Not logged in: the confirmUrl sends the browser through the portal
	// to ID-porten's login page; logging in there sends it back, with a
	// session, to the request.
	page, at, err := get(confirmURL)
	if err != nil {
		return err
	}
	if !strings.Contains(at, "/idporten/login") {
		return fmt.Errorf("confirmUrl led to %s, not ID-porten's login page", at)
	}
	request, err := find(requestRe, page, "login request")
	if err != nil {
		return err
	}
	page, _, err = post("/idporten/login", url.Values{"request": {request}, "pid": {pid}})
	if err != nil {
		return err
	}
	// Back on the request, logged in: the page has the answer forms.
	csrf, err := find(csrfRe, page, "CSRF token after login")
	if err != nil {
		return err
	}
	var action string
	for _, m := range answerRe.FindAllStringSubmatch(page, -1) {
		if strings.HasSuffix(m[1], "/"+answer) {
			action = m[1]
		}
	}
	if action == "" {
		return fmt.Errorf("no %s button on the request page", answer)
	}
	_, at, err = post(action, url.Values{"csrf": {csrf}})
	if err != nil {
		return err
	}
	if !strings.Contains(at, "msg=") {
		return fmt.Errorf("after %s the browser is at %s", answer, at)
	}
	return nil
}
