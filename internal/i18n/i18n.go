// Package i18n holds the emulator's pages' texts in the three languages
// Norwegian services speak: bokmål, nynorsk and English. The portal and
// ID-porten's pages each keep their own Catalog; this package is how a
// text is looked up and how a language is read from what a browser sends.
package i18n

import (
	"fmt"
	"net/http"
	"strings"
)

// Cookie remembers the language a person picked with ?lang= (the portal
// sets it; every page reads it).
const Cookie = "altinn_sim_lang"

// FromRequest is the language to answer r in: ?lang=, then the Cookie,
// then Accept-Language, then bokmål.
func FromRequest(r *http.Request) string {
	if l := Norm(r.URL.Query().Get("lang")); l != "" {
		return l
	}
	if c, err := r.Cookie(Cookie); err == nil {
		if l := Norm(c.Value); l != "" {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l := Norm(tag); l != "" {
			return l
		}
	}
	return NB
}

// The languages, as ?lang=, ui_locales and the language cookie name them.
const (
	NB = "nb"
	NN = "nn"
	EN = "en"
)

// Text is one text in bokmål, nynorsk and English, in that order (an
// array, so catalogues list the three without field names).
type Text [3]string

// In is t in lang (bokmål for any other).
func (t Text) In(lang string) string {
	switch lang {
	case NN:
		return t[1]
	case EN:
		return t[2]
	}
	return t[0]
}

// Catalog is a set of texts by key.
type Catalog map[string]Text

// T is key's text in lang, with args formatted into it. A missing key
// shows as the key itself, so a mistake is visible rather than blank.
func (c Catalog) T(lang, key string, args ...any) string {
	m, ok := c[key]
	if !ok {
		return key
	}
	s := m.In(lang)
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Norm is the language s names ("nb-NO", "no" and "NB" are bokmål), or ""
// when it is none we speak.
func Norm(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	base, _, _ := strings.Cut(s, "-")
	switch base {
	case "nb", "no":
		return NB
	case "nn":
		return NN
	case "en":
		return EN
	}
	return ""
}
