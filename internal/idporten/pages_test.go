package idporten

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/altinn-sim/altinn-sim/web"
)

// TestEveryTemplateKeyTranslated: each key a page uses is in messages,
// in all three languages.
func TestEveryTemplateKeyTranslated(t *testing.T) {
	key := regexp.MustCompile(`\.T "([^"]+)"`)
	files, _ := fs.Glob(web.FS, "templates/idporten/*.tmpl")
	if len(files) < 4 {
		t.Fatalf("templates: %v", files)
	}
	for _, f := range files {
		b, _ := fs.ReadFile(web.FS, f)
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			msg, ok := messages[m[1]]
			if !ok || msg.In("nb") == "" || msg.In("nn") == "" || msg.In("en") == "" {
				t.Errorf("%s: %q is not translated into nb, nn and en", f, m[1])
			}
		}
	}
	for k, m := range messages {
		if m.In("nb") == "" || m.In("nn") == "" || m.In("en") == "" {
			t.Errorf("%s lacks a language", k)
		}
	}
}

// TestPickLocale: the first ui_locales value ID-porten speaks, else nb.
func TestPickLocale(t *testing.T) {
	for in, want := range map[string]string{"": "nb", "en": "en", "se nn en": "nn", "de fr": "nb", "EN": "nb"} {
		if got := pickLocale(in); got != want {
			t.Errorf("pickLocale(%q) = %s, want %s", in, got, want)
		}
	}
}
