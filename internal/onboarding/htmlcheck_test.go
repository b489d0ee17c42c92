package onboarding_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// A small selector/text checker and form-driving browser, as the portal's
// tests have (internal/portal/htmlcheck_test.go): tests assert what a page
// shows by CSS selector and text, never against golden files.

type page struct {
	t      testing.TB
	status int
	resp   *http.Response
	body   string
	root   *html.Node
}

func (p *page) all(sel string) []*html.Node {
	p.t.Helper()
	if p.root == nil {
		p.t.Fatalf("not an HTML page (status %d): %s", p.status, p.body)
	}
	return cascadia.MustCompile(sel).MatchAll(p.root)
}

func (p *page) one(sel string) *html.Node {
	p.t.Helper()
	ns := p.all(sel)
	if len(ns) != 1 {
		p.t.Fatalf("selector %q matched %d nodes, want 1\n%s", sel, len(ns), p.body)
	}
	return ns[0]
}

func (p *page) has(sel string) bool { p.t.Helper(); return len(p.all(sel)) > 0 }

func (p *page) text(sel string) string { p.t.Helper(); return nodeText(p.one(sel)) }

// inText checks that sel matches a node whose text contains want.
func (p *page) inText(sel, want string) {
	p.t.Helper()
	var got []string
	for _, n := range p.all(sel) {
		if strings.Contains(nodeText(n), want) {
			return
		}
		got = append(got, nodeText(n))
	}
	p.t.Errorf("no %q containing %q; got %q", sel, want, got)
}

func (p *page) attr(sel, name string) string { p.t.Helper(); return attr(p.one(sel), name) }

func (p *page) wantStatus(want int) {
	p.t.Helper()
	if p.status != want {
		p.t.Fatalf("status %d, want %d\n%s", p.status, want, p.body)
	}
}

func (p *page) location() string { return p.resp.Header.Get("Location") }

func nodeText(n *html.Node) string {
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

// browser keeps cookies and does not follow redirects, so tests see every
// hop.
type browser struct {
	t    testing.TB
	c    *http.Client
	base string
}

func newBrowser(t testing.TB, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	req.Header.Set("Accept-Language", "nb-NO,nb;q=0.9")
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	p := &page{t: b.t, status: resp.StatusCode, resp: resp, body: string(body)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if p.root, err = html.Parse(strings.NewReader(p.body)); err != nil {
			b.t.Fatalf("parse html: %v", err)
		}
	}
	return p
}

// local is a Location or link as a path on the server.
func (b *browser) local(u string) string { return strings.TrimPrefix(u, b.base) }

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+b.local(path), nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+b.local(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// formValues are a form's hidden and text inputs as the page has them.
func formValues(p *page, form *html.Node) url.Values {
	vals := url.Values{}
	for _, in := range cascadia.MustCompile("input").MatchAll(form) {
		if n := attr(in, "name"); n != "" && attr(in, "type") != "checkbox" && attr(in, "type") != "file" {
			vals.Add(n, attr(in, "value"))
		}
	}
	return vals
}

// submit posts the form sel names with its inputs, extra replacing them.
func (b *browser) submit(p *page, sel string, extra url.Values) *page {
	b.t.Helper()
	form := p.one(sel)
	vals := formValues(p, form)
	for k, v := range extra {
		vals[k] = v
	}
	return b.post(attr(form, "action"), vals)
}
