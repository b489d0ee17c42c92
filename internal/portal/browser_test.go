package portal

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The portal driven in a real headless Chromium (Debian's chromium
// package; ./test.sh installs it when missing). Without Chromium the test
// fails, unless ALTINN_SIM_SKIP_BROWSER=1 says to skip it.

// chromiumPath finds Chromium: $ALTINN_SIM_CHROMIUM, /usr/bin/chromium,
// or chromium on PATH.
func chromiumPath() string {
	if p := os.Getenv("ALTINN_SIM_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return ""
		}
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// vendorSite is the vendor's web site the person lands on after
// answering: an HTTPS server Chromium reaches as vendor.example.
type vendorSite struct {
	srv     *httptest.Server
	port    string
	mu      sync.Mutex
	landing []*url.URL
}

func newVendorSite(t testing.TB) *vendorSite {
	v := &vendorSite{}
	v.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" {
			http.NotFound(w, r)
			return
		}
		v.mu.Lock()
		v.landing = append(v.landing, r.URL)
		v.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Vendor</title></head><body><h1 id="vendor-landing">Back at the vendor</h1><p id="query">%s</p></body></html>`,
			strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(r.URL.RawQuery))
	}))
	v.srv.TLS = &tls.Config{}
	v.srv.StartTLS()
	t.Cleanup(v.srv.Close)
	u, _ := url.Parse(v.srv.URL)
	v.port = u.Port()
	return v
}

// URL is an address on the vendor's site, e.g. for a redirectUrl.
func (v *vendorSite) URL(pathAndQuery string) string {
	return "https://vendor.example:" + v.port + pathAndQuery
}

func (v *vendorSite) Landings() []*url.URL {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]*url.URL(nil), v.landing...)
}

// newBrowser starts headless Chromium, resolving vendor.example to this
// machine, and returns a context to drive it.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("ALTINN_SIM_SKIP_BROWSER") == "1" {
			t.Skip("no Chromium and ALTINN_SIM_SKIP_BROWSER=1")
		}
		t.Fatal("Chromium not found ($ALTINN_SIM_CHROMIUM, /usr/bin/chromium or on PATH): install Debian's chromium (./test.sh does when run as root) or set ALTINN_SIM_SKIP_BROWSER=1 to skip browser tests")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// The vendor's site is a local HTTPS test server with a
		// self-signed certificate.
		chromedp.Flag("host-resolver-rules", "MAP vendor.example 127.0.0.1"),
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.Flag("lang", "nb-NO"),
		chromedp.Flag("accept-lang", "nb-NO,nb"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first action starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	// Bound every later action, so a page that never shows what a test
	// waits for fails the test instead of hanging it.
	bounded, cancelBounded := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancelBounded)
	return bounded
}

// artifactDir is test-artifacts/ at the repository root (git-ignored).
func artifactDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("ALTINN_SIM_TEST_ARTIFACTS"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "test-artifacts")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

func saveScreenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir := artifactDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
	return p
}

// browserApprove drives the whole flow a person goes through: open the
// confirmUrl, land on the login page, log in as pid with one click, see
// the request, screenshot it, approve, and land back at the vendor. It
// returns the URL the browser ended on.
func browserApprove(t testing.TB, ctx context.Context, confirmURL, pid, systemName, shot string) string {
	t.Helper()
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s (at %s): %v", what, loc, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	step("open the confirmUrl", chromedp.Navigate(confirmURL))
	loginButton := `tr[data-pid="` + pid + `"] button[type=submit]`
	step("see the login page", chromedp.WaitVisible(chromedp.CSS(loginButton)))
	// The portal's own test login, or ID-porten's when the app wires it.
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "/portal/login") && !strings.Contains(loc, "/idporten/login") {
		t.Fatalf("confirmUrl without a session went to %s, want the login page", loc)
	}
	if shot != "" {
		saveScreenshot(t, ctx, strings.TrimSuffix(shot, ".png")+"-login.png")
	}
	step("log in", chromedp.Click(chromedp.CSS(loginButton)))
	step("see the request", chromedp.WaitVisible(chromedp.CSS(`#approve`)))
	if got := text(`#system-name`); !strings.Contains(got, systemName) {
		t.Errorf("request page names the system %q, want %q", got, systemName)
	}
	if shot != "" {
		saveScreenshot(t, ctx, shot)
	}
	step("approve", chromedp.Click(chromedp.CSS(`#approve`)))
	step("land at the vendor", chromedp.WaitVisible(chromedp.CSS(`#vendor-landing`)))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestBrowserLoginApproveRedirect(t *testing.T) {
	f := newFixture(t)
	vendor := newVendorSite(t)
	req := f.standardRequest()
	f.reqs.reqs[req.ID].RedirectURL = vendor.URL("/callback?from=altinn")
	ctx := newBrowser(t)

	loc := browserApprove(t, ctx, f.srv.URL+confirmPath(req.ID), pidTiril, "Matrix Regnskap", "portal-request-doubles.png")
	u, _ := url.Parse(loc)
	if u.Host != "vendor.example:"+vendor.port || u.Path != "/callback" ||
		u.Query().Get("from") != "altinn" || u.Query().Get("status") != StatusAccepted {
		t.Fatalf("browser ended at %s", loc)
	}
	if len(f.reqs.approvals) != 1 || f.reqs.approvals[0] != pidTiril {
		t.Fatalf("approvals %v", f.reqs.approvals)
	}
	if n := len(vendor.Landings()); n != 1 {
		t.Fatalf("vendor saw %d landings", n)
	}
	// Answering logged the person out; logged in again, the request
	// shows as approved and offers no second approval.
	if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+confirmPath(req.ID)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-pid="`+pidTiril+`"] button`)),
		chromedp.Click(chromedp.CSS(`tr[data-pid="`+pidTiril+`"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#status`))); err != nil {
		t.Fatal(err)
	}
	st, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#status`)))
	if err != nil || !strings.Contains(st, "Godkjent") {
		t.Fatalf("status %q (%v)", st, err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#approve').length`))
	if err != nil || n != 0 {
		t.Fatalf("approve buttons after approval: %d (%v)", n, err)
	}
}
