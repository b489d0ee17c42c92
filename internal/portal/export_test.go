package portal

import (
	"net/url"
	"testing"
)

// Test helpers shared with the end-to-end tests in package portal_test,
// which run the whole app (apptest imports app, which imports portal).
var (
	NewBrowserForTest     = newBrowser
	NewVendorSiteForTest  = newVendorSite
	BrowserApproveForTest = browserApprove
	SaveScreenshotForTest = saveScreenshot
)

// A form-driving test browser for the end-to-end tests.
type (
	TestBrowser = tb
	TestPage    = page
)

// NewTestBrowser drives the portal at baseURL.
func NewTestBrowser(t testing.TB, baseURL string) *tb { return newTBURL(t, baseURL) }

func (b *tb) Get(path string) *page { return b.get(path) }
func (b *tb) Submit(p *page, formSel string, extra url.Values) *page {
	return b.submit(p, formSel, extra)
}
func (p *page) Status() int                       { return p.status }
func (p *page) Location() string                  { return p.location() }
func (p *page) Body() string                      { return p.body }
func (p *page) Has(sel string) bool               { return p.has(sel) }
func (p *page) InText(sel, want string)           { p.inText(sel, want) }
func (p *page) WantStatus(t testing.TB, want int) { p.wantStatus(t, want) }

func (b *tb) Post(path string, form url.Values) *page { return b.post(path, form) }

// Attr is the attribute name of the one node sel matches.
func (p *page) Attr(sel, name string) string { return attr(p.one(sel), name) }
