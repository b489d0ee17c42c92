package idporten_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
	"github.com/altinn-sim/altinn-sim/internal/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	demoID     = "demo-idporten-client"
	demoSecret = "demo-secret"
	// Regine Regnskap, daglig leder of Regnskapshuset Simulert AS.
	firmDAGL = "18857841030"
	firmOrg  = "312605031"
	// A person without any role.
	noRoles = "21857841058"
	// A valid national identity number nobody in the register has.
	unknownPID = "01017000027"
)

// browser is a person's browser: it keeps cookies and shows each redirect
// to the test instead of following it.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	return b.do(req)
}

func (b *browser) post(u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var (
	requestRE = regexp.MustCompile(`name="request" value="([^"]+)"`)
	langRE    = regexp.MustCompile(`name="lang" value="([^"]+)"`)
)

// loginPage opens authURL and follows the redirect to the login page.
func (b *browser) loginPage(base, authURL string) (pageURL, body string) {
	b.t.Helper()
	res, body := b.get(authURL)
	if res.StatusCode != http.StatusFound {
		b.t.Fatalf("authorize: %d %s", res.StatusCode, body)
	}
	loc := res.Header.Get("Location")
	if !strings.HasPrefix(loc, "/idporten/login?") {
		b.t.Fatalf("authorize went to %s, not the login page", loc)
	}
	res, body = b.get(base + loc)
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") {
		b.t.Fatalf("login page: %d %s", res.StatusCode, body)
	}
	return base + loc, body
}

// pickPerson posts the login page's form for pid, as a click does, and
// returns where the browser is sent (the client's redirect URI).
func (b *browser) pickPerson(base, page, pid string) *url.URL {
	b.t.Helper()
	m := requestRE.FindStringSubmatch(page)
	l := langRE.FindStringSubmatch(page)
	if m == nil || l == nil {
		b.t.Fatalf("no login form on the page:\n%s", page)
	}
	if !strings.Contains(page, `data-pid="`+pid+`"`) && pid != unknownPID {
		b.t.Fatalf("person %s is not on the login page", pid)
	}
	res, body := b.post(base+"/idporten/login", url.Values{"request": {m[1]}, "lang": {l[1]}, "pid": {pid}})
	if res.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login: %d %s", res.StatusCode, body)
	}
	u, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// login runs the browser's part of the code flow for pid.
func (b *browser) login(base, authURL, pid string) *url.URL {
	b.t.Helper()
	_, page := b.loginPage(base, authURL)
	return b.pickPerson(base, page, pid)
}

// tokenForm posts to /idporten/token.
func tokenForm(t *testing.T, s *apptest.Server, form url.Values, basicID, basicSecret string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+"/idporten/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basicID != "" {
		req.SetBasicAuth(url.QueryEscape(basicID), url.QueryEscape(basicSecret))
	}
	res, err := apptest.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	body, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("token answer is not JSON: %d %s", res.StatusCode, body)
	}
	return res.StatusCode, out
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// claimsOf decodes a JWT's payload without checking it (the tests check
// signatures with go-oidc and the platform's own verifier).
func claimsOf(t *testing.T, jwt string) map[string]any {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %q", jwt)
	}
	raw, err := b64(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func b64(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
