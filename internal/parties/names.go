package parties

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// LastNamesSimilar is the platform's loose last-name match of a person
// lookup, the same rule in Register (PersonNames.IsLastNamesSimilar) and
// Access Management (StringExtensions.IsSimilarTo): the first four
// characters of each name (cut from the untrimmed name when the trimmed
// one is longer than four, then trimmed: leading blanks use up the four),
// diacritics removed except on Å/å, compared without case. Callers decide
// what a person without a last name matches.
func LastNamesSimilar(a, b string) bool {
	return strings.EqualFold(lastNameKey(a), lastNameKey(b))
}

func lastNameKey(s string) string {
	const compareLength = 4
	t := strings.TrimSpace(s)
	if utf8.RuneCountInString(t) > compareLength {
		r := []rune(s)
		if len(r) > compareLength {
			r = r[:compareLength]
		}
		t = strings.TrimSpace(string(r))
	}
	var b strings.Builder
	for _, r := range t {
		if r == 'Å' || r == 'å' {
			b.WriteRune(r)
			continue
		}
		for _, d := range norm.NFD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				b.WriteRune(d)
			}
		}
	}
	return norm.NFC.String(b.String())
}
