package pageset

import (
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func site() fstest.MapFS {
	return fstest.MapFS{
		"t/base.tmpl":  {Data: []byte(`<main>{{template "content" .}}{{template "foot"}}</main>`)},
		"t/_foot.tmpl": {Data: []byte(`{{define "foot"}}<footer>f</footer>{{end}}`)},
		"t/home.tmpl":  {Data: []byte(`{{define "content"}}hi {{.}}{{end}}`)},
		"t/bad.tmpl":   {Data: []byte(`{{define "content"}}{{.Missing.Field}}{{end}}`)},
	}
}

func TestPagesCheckedAtStart(t *testing.T) {
	if _, err := New(site(), "t", []string{"home", "bad"}, false); err != nil {
		t.Fatal(err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"no base": func() fstest.MapFS { f := site(); delete(f, "t/base.tmpl"); return f }(),
		"no page": func() fstest.MapFS { f := site(); delete(f, "t/home.tmpl"); return f }(),
		"no content": func() fstest.MapFS {
			f := site()
			f["t/home.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "other"}}x{{end}}`)}
			return f
		}(),
		"does not parse": func() fstest.MapFS {
			f := site()
			f["t/home.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{.Nope`)}
			return f
		}(),
	} {
		if _, err := New(fsys, "t", []string{"home"}, false); err == nil {
			t.Errorf("%s: started", name)
		}
	}
}

func TestRenderWritesWholePagesOnly(t *testing.T) {
	s, err := New(site(), "t", []string{"home", "bad"}, false)
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	if err := s.Render(w, 201, "home", "you"); err != nil {
		t.Fatal(err)
	}
	if w.Code != 201 || w.Body.String() != "<main>hi you<footer>f</footer></main>" ||
		w.Header().Get("Cache-Control") != "no-store" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Errorf("got %d %q %v", w.Code, w.Body.String(), w.Header())
	}
	for _, name := range []string{"bad", "unknown"} {
		w = httptest.NewRecorder()
		if err := s.Render(w, 200, name, "you"); err == nil {
			t.Errorf("%s: rendered", name)
		}
		if w.Body.Len() != 0 || len(w.Header()) != 0 {
			t.Errorf("%s: wrote %q %v before failing", name, w.Body.String(), w.Header())
		}
	}
}

// In dev mode an edit shows at the next render, without a restart.
func TestDevModeRereads(t *testing.T) {
	f := site()
	s, err := New(f, "t", []string{"home"}, true)
	if err != nil {
		t.Fatal(err)
	}
	f["t/home.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "content"}}edited{{end}}`)}
	w := httptest.NewRecorder()
	if err := s.Render(w, 200, "home", nil); err != nil || !strings.Contains(w.Body.String(), "edited") {
		t.Errorf("dev mode: %v %q", err, w.Body.String())
	}
	s.dev = false
	s.pages, _ = s.parse()
	f["t/home.tmpl"] = &fstest.MapFile{Data: []byte(`{{define "content"}}again{{end}}`)}
	w = httptest.NewRecorder()
	_ = s.Render(w, 200, "home", nil)
	if strings.Contains(w.Body.String(), "again") {
		t.Error("not dev mode, yet the page was read again")
	}
}
