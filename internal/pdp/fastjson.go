package pdp

import (
	"unicode/utf8"
)

// fastDecode decodes the XACML request body without reflection. The JSON
// decode was three quarters of an in-process decision, so the common
// shape takes this path. It gives up (ok false) on anything unusual —
// escapes in strings, non-ASCII keys, a type other than expected, bad
// syntax — and DecodeBody then asks encoding/json, which gives the same
// result or the error. So whenever it succeeds it must agree with
// encoding/json (keys matched case-insensitively, unknown keys ignored,
// null leaves a field as it is); FuzzFastDecode checks that.
func fastDecode(b []byte) (root XRoot, ok bool) {
	s := scanner{b: b}
	seen := false
	ok = s.object(func(key string) bool {
		if !eqFold(key, "Request") {
			return s.skip()
		}
		if seen {
			return false // repeated keys: leave the merging rules to encoding/json
		}
		seen = true
		if s.null() {
			return true
		}
		if root.Request == nil {
			root.Request = &XRequest{}
		}
		return s.request(root.Request)
	})
	s.ws()
	return root, ok && s.i == len(s.b)
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) lit(word string) bool {
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// null consumes a null.
func (s *scanner) null() bool {
	return s.peek() == 'n' && s.lit("null")
}

// str reads a string without escapes, valid UTF-8 and no control bytes.
func (s *scanner) str() (string, bool) {
	if s.peek() != '"' {
		return "", false
	}
	s.i++
	start := s.i
	ascii := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			if !ascii && !utf8.Valid(v) {
				return "", false
			}
			return intern(v), true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
		s.i++
	}
	return "", false
}

// stringField reads a string into *dst; null leaves it.
func (s *scanner) stringField(dst *string) bool {
	if s.null() {
		return true
	}
	v, ok := s.str()
	if ok {
		*dst = v
	}
	return ok
}

func (s *scanner) boolField(dst *bool) bool {
	switch s.peek() {
	case 't':
		if s.lit("true") {
			*dst = true
			return true
		}
	case 'f':
		if s.lit("false") {
			*dst = false
			return true
		}
	case 'n':
		return s.lit("null")
	}
	return false
}

// object calls fn for each key with the scanner at its value.
func (s *scanner) object(fn func(key string) bool) bool {
	if s.peek() != '{' {
		return false
	}
	s.i++
	if s.peek() == '}' {
		s.i++
		return true
	}
	for {
		k, ok := s.str()
		if !ok || !asciiOnly(k) || s.peek() != ':' {
			return false
		}
		s.i++
		if !fn(k) {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// array calls fn for each element with the scanner at it.
func (s *scanner) array(fn func() bool) bool {
	if s.peek() != '[' {
		return false
	}
	s.i++
	if s.peek() == ']' {
		s.i++
		return true
	}
	for {
		if !fn() {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return true
		default:
			return false
		}
	}
}

// skip checks and passes over any value.
func (s *scanner) skip() bool {
	switch c := s.peek(); {
	case c == '{':
		return s.object(func(string) bool { return s.skip() })
	case c == '[':
		return s.array(s.skip)
	case c == '"':
		_, ok := s.str()
		return ok
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return s.number()
	}
	return false
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// number passes over a JSON number (RFC 8259 grammar).
func (s *scanner) number() bool {
	if s.b[s.i] == '-' {
		s.i++
	}
	if s.i < len(s.b) && s.b[s.i] == '0' {
		s.i++
	} else if s.digits() == 0 {
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return false
		}
	}
	return true
}

func (s *scanner) request(r *XRequest) bool {
	var seen fieldSet
	return s.object(func(k string) bool {
		switch {
		case eqFold(k, "ReturnPolicyIdList"):
			return seen.once(0) && s.boolField(&r.ReturnPolicyIDList)
		case eqFold(k, "CombinedDecision"):
			return seen.once(1) && s.boolField(&r.CombinedDecision)
		case eqFold(k, "XPathVersion"):
			return seen.once(2) && s.stringField(&r.XPathVersion)
		case eqFold(k, "AccessSubject"):
			return seen.once(3) && s.categories(&r.AccessSubject)
		case eqFold(k, "Action"):
			return seen.once(4) && s.categories(&r.Action)
		case eqFold(k, "Resource"):
			return seen.once(5) && s.categories(&r.Resource)
		case eqFold(k, "Category"):
			return seen.once(6) && s.categories(&r.Category)
		case eqFold(k, "RecipientSubject"):
			return seen.once(7) && s.categories(&r.RecipientSubject)
		case eqFold(k, "IntermediarySubject"):
			return seen.once(8) && s.categories(&r.IntermediarySubject)
		case eqFold(k, "RequestingMachine"):
			return seen.once(9) && s.categories(&r.RequestingMachine)
		case eqFold(k, "MultiRequests"):
			if !seen.once(10) {
				return false
			}
			if s.null() {
				return true
			}
			if r.MultiRequests == nil {
				r.MultiRequests = &XMultiRequest{}
			}
			return s.multi(r.MultiRequests)
		}
		return s.skip()
	})
}

func (s *scanner) multi(m *XMultiRequest) bool {
	var seen fieldSet
	return s.object(func(k string) bool {
		if !eqFold(k, "RequestReference") {
			return s.skip()
		}
		if !seen.once(0) {
			return false
		}
		if s.null() {
			m.RequestReference = nil
			return true
		}
		refs := []XRequestReference{}
		ok := s.array(func() bool {
			var ref XRequestReference
			if s.null() {
				refs = append(refs, ref)
				return true
			}
			var seen fieldSet
			ok := s.object(func(k string) bool {
				if !eqFold(k, "ReferenceId") {
					return s.skip()
				}
				if !seen.once(0) {
					return false
				}
				if s.null() {
					ref.ReferenceID = nil
					return true
				}
				ids := []string{}
				ok := s.array(func() bool {
					var id string
					ok := s.stringField(&id)
					ids = append(ids, id)
					return ok
				})
				ref.ReferenceID = ids
				return ok
			})
			refs = append(refs, ref)
			return ok
		})
		m.RequestReference = refs
		return ok
	})
}

// categories reads a category list; null sets it to nil as encoding/json
// does for a slice.
func (s *scanner) categories(dst *[]XCategory) bool {
	if s.null() {
		*dst = nil
		return true
	}
	cs := []XCategory{}
	ok := s.array(func() bool {
		var c XCategory
		if s.null() {
			cs = append(cs, c)
			return true
		}
		var seen fieldSet
		ok := s.object(func(k string) bool {
			switch {
			case eqFold(k, "CategoryId"):
				return seen.once(0) && s.stringField(&c.CategoryID)
			case eqFold(k, "Id"):
				return seen.once(1) && s.stringField(&c.ID)
			case eqFold(k, "Content"):
				// Unused; any JSON value. Only null is kept exactly
				// (other values give up, so Content matches encoding/json).
				return seen.once(2) && s.null()
			case eqFold(k, "Attribute"):
				if !seen.once(3) {
					return false
				}
				if s.null() {
					c.Attribute = nil
					return true
				}
				attrs := []XAttribute{}
				ok := s.array(func() bool {
					var a XAttribute
					if s.null() {
						attrs = append(attrs, a)
						return true
					}
					var seen fieldSet
					ok := s.object(func(k string) bool {
						switch {
						case eqFold(k, "AttributeId"):
							return seen.once(0) && s.stringField(&a.AttributeID)
						case eqFold(k, "Value"):
							return seen.once(1) && s.stringField(&a.Value)
						case eqFold(k, "DataType"):
							return seen.once(2) && s.stringField(&a.DataType)
						case eqFold(k, "Issuer"):
							return seen.once(3) && s.stringField(&a.Issuer)
						case eqFold(k, "IncludeInResult"):
							return seen.once(4) && s.boolField(&a.IncludeInResult)
						}
						return s.skip()
					})
					attrs = append(attrs, a)
					return ok
				})
				c.Attribute = attrs
				return ok
			}
			return s.skip()
		})
		cs = append(cs, c)
		return ok
	})
	*dst = cs
	return ok
}

// intern returns the constant for common attribute ids and data types,
// saving an allocation each (the comparisons do not allocate).
func intern(v []byte) string {
	switch string(v) {
	case AttrSystemUserUUID:
		return AttrSystemUserUUID
	case AttrAction:
		return AttrAction
	case AttrResource:
		return AttrResource
	case AttrOrgID:
		return AttrOrgID
	case AttrPartyUUID:
		return AttrPartyUUID
	case AttrPartyID:
		return AttrPartyID
	case AttrPersonID:
		return AttrPersonID
	case AttrUserID:
		return AttrUserID
	case DataTypeString:
		return DataTypeString
	case "read":
		return "read"
	case "write":
		return "write"
	}
	return string(v)
}

// fieldSet remembers which known fields of one object were set, so that
// a repeated key gives up.
type fieldSet uint32

func (f *fieldSet) once(bit uint) bool {
	if *f&(1<<bit) != 0 {
		return false
	}
	*f |= 1 << bit
	return true
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// eqFold compares ASCII strings ignoring case.
func eqFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
