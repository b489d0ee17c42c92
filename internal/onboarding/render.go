package onboarding

import (
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/i18n"
	"github.com/altinn-sim/altinn-sim/internal/pageset"
	"github.com/altinn-sim/altinn-sim/internal/parties"
)

// pageNames are the pages; each is web/templates/onboarding/<name>.tmpl
// defining "content", laid out by base.tmpl.
var pageNames = []string{"orgs", "integrations", "new", "integration", "keys", "error"}

// internalErrorPage is sent when a page fails to render, so nobody gets
// half a page.
const internalErrorPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error / Feil</title>
<link rel="stylesheet" href="/portal/static/style.css"></head>
<body><main id="main"><h1>Something went wrong / Noe gikk galt</h1>
<p><a href="/selvbetjening/">Maskinporten</a></p></main></body></html>
`

// render writes the page whole, or the fallback 500 page when it cannot
// be built. No page is cached: the key pages carry a private key.
func (s *Service) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	if err := s.pages.Render(w, status, page, data); err != nil {
		s.d.Log.ErrorContext(r.Context(), "onboarding: render page", "page", page, "err", err)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(internalErrorPage))
	}
}

// basePage is embedded in every page's data: what the layout needs.
type basePage struct {
	Title  string
	Lang   string
	Person *parties.Person
	CSRF   string
	Flash  string
	// LangNB, LangNN and LangEN link to this page in each language.
	LangNB, LangNN, LangEN string
}

// T translates a message key into the page's language.
func (b basePage) T(key string, args ...any) string { return tr(b.Lang, key, args...) }

// Date formats a time for the page's language.
func (b basePage) Date(t time.Time) string { return formatDate(b.Lang, t) }

func (s *Service) base(r *http.Request, rc *reqCtx, title string) basePage {
	b := basePage{Title: title, Lang: rc.lang, Person: rc.person, CSRF: rc.csrf,
		LangNB: langLink(r, i18n.NB), LangNN: langLink(r, i18n.NN), LangEN: langLink(r, i18n.EN)}
	if k := r.URL.Query().Get("msg"); k != "" {
		if _, ok := messages["flash."+k]; ok {
			b.Flash = tr(rc.lang, "flash."+k)
		}
	}
	return b
}

// langLink is the current URL with ?lang= set (after a form, the list of
// organisations: a POST's answer cannot be opened again).
func langLink(r *http.Request, lang string) string {
	q := r.URL.Query()
	q.Set("lang", lang)
	q.Del("msg")
	path := r.URL.Path
	if r.Method != http.MethodGet {
		path, q = home, map[string][]string{"lang": {lang}}
	}
	return path + "?" + q.Encode()
}

type errorPage struct {
	basePage
	Status  int
	Message string
	Detail  string
}

func (s *Service) writeError(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error) {
	status, message, detail := pageset.StatusOf(messages, rc.lang, err)
	lvl := slog.LevelDebug
	if status >= 500 {
		lvl = slog.LevelError
	}
	s.d.Log.Log(r.Context(), lvl, "onboarding: request failed", "path", r.URL.Path, "status", status, "err", err)
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	s.render(w, r, status, "error", errorPage{basePage: s.base(r, rc, tr(rc.lang, "error.title")),
		Status: status, Message: message, Detail: detail})
}

// newPages parses the onboarding pages, web/templates/onboarding/<name>.tmpl
// laid out by its base.tmpl.
func newPages(fsys fs.FS, dev bool) (*pageset.Set, error) {
	return pageset.New(fsys, "templates/onboarding", pageNames, dev)
}
