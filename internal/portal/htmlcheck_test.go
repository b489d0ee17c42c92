package portal

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// A tiny selector/text checker (pkgsite's htmlcheck idea): tests assert
// what a page shows by CSS selector and text, never against golden files.

type doc struct {
	t    testing.TB
	root *html.Node
	raw  string
}

func parseDoc(t testing.TB, body string) *doc {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	return &doc{t: t, root: n, raw: body}
}

func (d *doc) all(sel string) []*html.Node {
	d.t.Helper()
	s, err := cascadia.Compile(sel)
	if err != nil {
		d.t.Fatalf("bad selector %q: %v", sel, err)
	}
	return s.MatchAll(d.root)
}

// one returns the single node sel matches, failing otherwise.
func (d *doc) one(sel string) *html.Node {
	d.t.Helper()
	ns := d.all(sel)
	if len(ns) != 1 {
		d.t.Fatalf("selector %q matched %d nodes, want 1\n%s", sel, len(ns), d.raw)
	}
	return ns[0]
}

func (d *doc) has(sel string) bool { d.t.Helper(); return len(d.all(sel)) > 0 }

// text is the node's text with whitespace collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// inText checks that sel matches a node whose text contains want.
func (d *doc) inText(sel, want string) {
	d.t.Helper()
	for _, n := range d.all(sel) {
		if strings.Contains(text(n), want) {
			return
		}
	}
	var got []string
	for _, n := range d.all(sel) {
		got = append(got, text(n))
	}
	d.t.Errorf("no %q containing %q; got %q", sel, want, got)
}

// notText checks that no node matching sel contains s.
func (d *doc) notText(sel, s string) {
	d.t.Helper()
	for _, n := range d.all(sel) {
		if strings.Contains(text(n), s) {
			d.t.Errorf("%q unexpectedly contains %q", sel, s)
		}
	}
}

// tb is a test browser: cookies kept, redirects not followed, so tests
// see every hop.
type tb struct {
	t    testing.TB
	c    *http.Client
	base string
}

func newTB(t testing.TB, srv *httptest.Server) *tb { return newTBURL(t, srv.URL) }

func newTBURL(t testing.TB, base string) *tb {
	jar, _ := cookiejar.New(nil)
	return &tb{t: t, base: base, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type page struct {
	*doc
	status int
	resp   *http.Response
	body   string
}

func (b *tb) do(req *http.Request) *page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := &page{status: resp.StatusCode, resp: resp, body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		p.doc = parseDoc(b.t, p.body)
	}
	return p
}

func (b *tb) get(path string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	req.Header.Set("Accept-Language", "nb-NO,nb;q=0.9")
	return b.do(req)
}

func (b *tb) post(path string, form url.Values) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Language", "nb-NO,nb;q=0.9")
	return b.do(req)
}

// submit posts the form whose action is action on page p, with its hidden
// fields (CSRF included) plus extra; selector narrows which form.
func (b *tb) submit(p *page, sel string, extra url.Values) *page {
	b.t.Helper()
	form := p.one(sel)
	vals := url.Values{}
	for _, in := range p.allIn(form, "input") {
		if attr(in, "name") != "" {
			vals.Set(attr(in, "name"), attr(in, "value"))
		}
	}
	for k, v := range extra {
		vals[k] = v
	}
	return b.post(attr(form, "action"), vals)
}

func (d *doc) allIn(n *html.Node, sel string) []*html.Node {
	s := cascadia.MustCompile(sel)
	return s.MatchAll(n)
}

func (p *page) wantStatus(t testing.TB, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("status %d, want %d\n%s", p.status, want, p.body)
	}
}

func (p *page) location() string { return p.resp.Header.Get("Location") }
