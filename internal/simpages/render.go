package simpages

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/pdp"
)

// pageNames are the pages; each is web/templates/sim/<name>.tmpl defining
// "content", laid out by web/templates/sim/layout.tmpl, with the shared
// partials web/templates/sim/_*.tmpl.
var pageNames = []string{"overview", "calls", "debugger"}

type templates struct {
	fsys  fs.FS
	dev   bool
	pages map[string]*template.Template
}

func newTemplates(fsys fs.FS, dev bool) (*templates, error) {
	pages, err := parse(fsys)
	if err != nil {
		return nil, err
	}
	return &templates{fsys: fsys, dev: dev, pages: pages}, nil
}

var funcs = template.FuncMap{
	"join": strings.Join,
	"time": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") },
	"why":  pdp.WhyURL,
}

func parse(fsys fs.FS) (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New("layout.tmpl").Funcs(funcs).ParseFS(fsys, "templates/sim/layout.tmpl", "templates/sim/_*.tmpl", "templates/sim/"+name+".tmpl")
		if err != nil {
			return nil, fmt.Errorf("sim page templates: page %q: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("sim page templates: page %q defines no \"content\"", name)
		}
		pages[name] = t
	}
	return pages, nil
}

// page is what the layout needs of every page.
type page struct {
	Title string
	// Nav is the current page's name, to mark its link.
	Nav string
	// Now is the emulator's clock when the page was made.
	Now time.Time
}

// render executes the page into a buffer and only then writes it, so
// nobody gets half a page.
func (s *Service) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	pages := s.tmpl.pages
	var err error
	if s.tmpl.dev {
		pages, err = parse(s.tmpl.fsys)
	}
	var buf bytes.Buffer
	if err == nil {
		err = pages[name].ExecuteTemplate(&buf, "layout.tmpl", data)
	}
	if err != nil {
		s.d.Log.ErrorContext(r.Context(), "sim pages: render", "page", name, "err", err)
		http.Error(w, "the page could not be rendered; see the log", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pasted tokens and the state of the emulator: never cached.
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
