package route

import (
	"encoding/hex"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
)

// DecodePath percent-decodes an escaped path, or a path value, the way
// Kestrel's path decoder does, so a handler here sees what an ASP.NET
// controller on the platform sees:
//
//   - every %XX run that forms one valid UTF-8 character (shortest form,
//     no surrogate, at most U+10FFFF) is decoded, in upper- or lower-case
//     hex (%3A and %3a are both ':');
//   - %2F (%2f) is not: it stays as the text it was sent as, so it never
//     becomes a segment separator and a route value holds "a%2Fb";
//   - the bytes of a run that is not UTF-8 stay as their text ("%FF").
//
// Decoding is one pass: "%252F" becomes the text "%2F".
func DecodePath(esc string) string {
	if !strings.Contains(esc, "%") {
		return esc
	}
	var b strings.Builder
	b.Grow(len(esc))
	for i := 0; i < len(esc); {
		if esc[i] != '%' {
			b.WriteByte(esc[i])
			i++
			continue
		}
		n, ok := decodeRune(esc[i:])
		if ok && n.text != "/" {
			b.WriteString(n.text)
		} else {
			b.WriteString(esc[i : i+n.used])
		}
		i += n.used
	}
	return b.String()
}

type decoded struct {
	text string // the decoded character
	used int    // escaped bytes consumed (on failure: those to keep as text)
}

func unhex(s string) (byte, bool) {
	if len(s) < 3 || s[0] != '%' {
		return 0, false
	}
	v, err := hex.DecodeString(s[1:3])
	if err != nil {
		return 0, false
	}
	return v[0], true
}

// decodeRune decodes the %XX sequence at the start of s as one UTF-8
// character.
func decodeRune(s string) (decoded, bool) {
	b1, ok := unhex(s)
	if !ok {
		return decoded{used: 1}, false
	}
	var size int
	switch {
	case b1 < 0x80:
		return decoded{text: string(rune(b1)), used: 3}, true
	case b1&0xE0 == 0xC0:
		size = 2
	case b1&0xF0 == 0xE0:
		size = 3
	case b1&0xF8 == 0xF0:
		size = 4
	default:
		return decoded{used: 3}, false
	}
	buf := []byte{b1}
	used := 3
	for len(buf) < size {
		c, ok := unhex(s[used:])
		if !ok || c&0xC0 != 0x80 {
			return decoded{used: used}, false
		}
		buf = append(buf, c)
		// Kestrel stops before a byte that makes a surrogate (ED A0..BF)
		// or a value above U+10FFFF (F4 90.. and up), keeping the bytes
		// read so far as text and looking at that byte afresh.
		if size == 3 && len(buf) == 2 && b1 == 0xED && c >= 0xA0 {
			return decoded{used: used}, false
		}
		if size == 4 && len(buf) == 2 && (b1 > 0xF4 || b1 == 0xF4 && c >= 0x90) {
			return decoded{used: used}, false
		}
		used += 3
	}
	if _, n := utf8.DecodeRune(buf); n != len(buf) {
		// Overlong forms: Kestrel keeps the whole run as text.
		return decoded{used: used}, false
	}
	return decoded{text: string(buf), used: used}, true
}

// pathValues makes the route's path values what ASP.NET's routing gives a
// controller. chi matches on r.URL.RawPath when the request spelled its
// path with escapes Go would not have written (%3A, %3a, %2F, any
// lower-case hex), and its path values are then still escaped
// ("urn%3Aaltinn…"); with no RawPath it matches on the decoded Path,
// whose values are final. Kestrel decodes the path before routing, except
// %2F, which is why chi's raw match (a %2F does not split a segment) is
// kept and only the values are decoded here.
func pathValues(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawPath != "" {
			if rctx := chi.RouteContext(r.Context()); rctx != nil {
				for i, v := range rctx.URLParams.Values {
					rctx.URLParams.Values[i] = DecodePath(v)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
