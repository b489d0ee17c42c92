// Package pageset holds one site's HTML pages (the portal, the onboarding
// pages, ID-porten's login): each page is the site's layout base.tmpl, its
// shared partials (_*.tmpl) and the page's own <name>.tmpl defining
// "content". Every page is parsed at start, so a missing or broken
// template stops the server instead of failing a user later, and a page is
// executed whole into a buffer before anything is written, so nobody gets
// half a page.
package pageset

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
)

// Set is a site's parsed pages.
type Set struct {
	fsys  fs.FS
	dir   string
	names []string
	dev   bool
	pages map[string]*template.Template
}

// New parses the pages names in dir of fsys (pkgsite's
// ParsePageTemplates). In dev mode Get parses them again on every call, so
// template edits show without a restart.
func New(fsys fs.FS, dir string, names []string, dev bool) (*Set, error) {
	s := &Set{fsys: fsys, dir: dir, names: names, dev: dev}
	pages, err := s.parse()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	return s, nil
}

func (s *Set) parse() (map[string]*template.Template, error) {
	partials, err := fs.Glob(s.fsys, path.Join(s.dir, "_*.tmpl"))
	if err != nil {
		return nil, fmt.Errorf("templates in %s: %w", s.dir, err)
	}
	pages := make(map[string]*template.Template, len(s.names))
	for _, name := range s.names {
		files := append([]string{path.Join(s.dir, "base.tmpl")}, partials...)
		files = append(files, path.Join(s.dir, name+".tmpl"))
		for _, f := range files {
			if _, err := fs.Stat(s.fsys, f); err != nil {
				return nil, fmt.Errorf("templates: page %q needs %s: %w", name, f, err)
			}
		}
		t, err := template.New("base.tmpl").ParseFS(s.fsys, files...)
		if err != nil {
			return nil, fmt.Errorf("templates: page %q: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("templates: page %q defines no \"content\"", name)
		}
		pages[name] = t
	}
	return pages, nil
}

// Get is a page's template: the one parsed at start, or in dev mode a
// fresh parse (kept by nobody, so renders share no state to lock).
func (s *Set) Get(name string) (*template.Template, error) {
	pages := s.pages
	if s.dev {
		var err error
		if pages, err = s.parse(); err != nil {
			return nil, err
		}
	}
	t, ok := pages[name]
	if !ok {
		return nil, fmt.Errorf("no template for page %q", name)
	}
	return t, nil
}

// Render executes page name with data and, when the whole page was built,
// writes it with status as text/html that no cache keeps (pages carry
// session state, CSRF tokens and once a private key). When it cannot be
// built Render writes nothing and returns the error: the caller logs it
// and answers with its own fallback page.
func (s *Set) Render(w http.ResponseWriter, status int, name string, data any) error {
	t, err := s.Get(name)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base.tmpl", data); err != nil {
		return fmt.Errorf("page %q: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
	return nil
}
