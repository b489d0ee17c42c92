package portal

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/pageset"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// pageNames are the pages the portal renders; each is
// web/templates/<name>.tmpl defining "content", laid out by base.tmpl.
// The service refuses to start when one is missing or does not parse.
var pageNames = []string{"login", "request", "refused", "home", "org", "systemuser", "create", "apidelegations", "error"}

// internalErrorPage is sent when a page fails to render, so nobody gets
// half a page. It needs no template, so it cannot fail itself.
const internalErrorPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error / Feil</title>
<link rel="stylesheet" href="/portal/static/style.css"></head>
<body><main id="main"><h1>Something went wrong / Noe gikk galt</h1>
<p>An error occurred. Try again later. / En feil oppstod. Prøv igjen senere.</p>
<p><a href="/portal/">Altinn simulator</a></p></main></body></html>
`

// render writes the page whole, or the fallback 500 page when it cannot
// be built.
func (s *Service) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	if err := s.tmpl.Render(w, status, page, data); err != nil {
		s.log.ErrorContext(r.Context(), "portal: render page", "page", page, "err", err)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(internalErrorPage))
	}
}

// basePage is embedded in every page's data: what the layout needs.
type basePage struct {
	Title  string
	Lang   string
	Person *parties.Person
	// CSRF is the session's token; every form carries it.
	CSRF  string
	Flash string
	// LangNB, LangNN and LangEN link to this page in each language.
	LangNB, LangNN, LangEN string
	// Why is the hook for "Why?" links (see WhyLinker); pages call it
	// through rightView/packageView, the layout only knows it exists.
	HasWhy bool
}

// T translates a message key into the page's language.
func (b basePage) T(key string, args ...any) string { return tr(b.Lang, key, args...) }

// Date formats a time for the page's language.
func (b basePage) Date(t time.Time) string { return formatDate(b.Lang, t) }

// errorPage is error.tmpl's data.
type errorPage struct {
	basePage
	Status  int
	Message string
	Detail  string
}

// writeError renders error.tmpl for err; 5xx causes are logged, never shown.
func (s *Service) writeError(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error) {
	status, message, detail := pageset.StatusOf(messages, rc.lang, err)
	lvl := slog.LevelDebug
	if status >= 500 {
		lvl = slog.LevelError
	}
	s.log.Log(r.Context(), lvl, "portal: request failed", "path", r.URL.Path, "status", status, "err", err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	p := errorPage{basePage: s.base(r, rc, tr(rc.lang, "error.title")), Status: status, Message: message, Detail: detail}
	s.render(w, r, status, "error", p)
}

// langLink is the current URL with ?lang= set.
func langLink(r *http.Request, lang string) string {
	q := r.URL.Query()
	q.Set("lang", lang)
	q.Del("msg")
	path := r.URL.Path
	if r.Method != http.MethodGet {
		path = "/portal/"
		q = map[string][]string{"lang": {lang}}
	}
	return path + "?" + q.Encode()
}

func (s *Service) base(r *http.Request, rc *reqCtx, title string) basePage {
	b := basePage{
		Title:  title,
		Lang:   rc.lang,
		Person: rc.person,
		CSRF:   rc.sess.CSRF,
		LangNB: langLink(r, LangNB),
		LangNN: langLink(r, LangNN),
		LangEN: langLink(r, LangEN),
		HasWhy: s.why != nil,
	}
	if k := r.URL.Query().Get("msg"); k != "" {
		if _, ok := messages["flash."+k]; ok {
			b.Flash = tr(rc.lang, "flash."+k)
		}
	}
	return b
}

// rightList and packageList carry a list into the shared partials along
// with the page's language.
type rightList struct {
	basePage
	Rights []rightView
}

type packageList struct {
	basePage
	Packages []packageView
}

// RightList wraps rights for the "rights" partial.
func (b basePage) RightList(rs []rightView) rightList { return rightList{b, rs} }

// PackageList wraps packages for the "packages" partial.
func (b basePage) PackageList(ps []packageView) packageList { return packageList{b, ps} }

// whyLink is the "Why?" hook's data.
type whyLink struct{ URL, Label, Text string }

// Why builds the "Why?" link for an item; empty URL renders nothing.
func (b basePage) Why(url, name string) whyLink {
	return whyLink{URL: url, Label: b.T("why.label", name), Text: b.T("why.link")}
}
