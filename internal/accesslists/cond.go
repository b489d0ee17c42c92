package accesslists

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The registry's optimistic concurrency (RequestConditionCollection and
// RequestCondition in Altinn/altinn-resource-registry): If-Match and
// If-None-Match carry weak ETags (or *), If-Unmodified-Since and
// If-Modified-Since an HTTP date, compared to the second. A date header
// counts only without its ETag counterpart.

// Outcome is what the conditions say about an entity.
type Outcome int

// Outcomes, ordered: the worst of several conditions wins.
const (
	Succeeded  Outcome = iota
	Unmodified         // 304 on a read
	Failed             // 412
)

type condKind int

const (
	condExists          condKind = iota // If-Match: *
	condNotExists                       // If-None-Match: *
	condMatch                           // If-Match: W/"..."
	condDifferent                       // If-None-Match: W/"..."
	condModifiedSince                   // If-Modified-Since
	condUnmodifiedSince                 // If-Unmodified-Since
)

type cond struct {
	kind     condKind
	versions []int64
	date     time.Time // truncated to the second
}

// Conditions are a request's preconditions, on a read (GET/HEAD) or a write.
type Conditions struct {
	read bool
	list []cond
}

// errBadCondition is a malformed If-Match / If-None-Match header (400).
var errBadCondition = errors.New("bad precondition header")

// ParseConditions reads the precondition headers of r. A malformed ETag
// header is an error; a malformed date is ignored, as the spec says and
// the registry does.
func ParseConditions(r *http.Request) (Conditions, error) {
	c := Conditions{read: r.Method == http.MethodGet || r.Method == http.MethodHead}
	if all, vs, ok, err := readETags(r.Header.Values("If-Match")); err != nil {
		return c, err
	} else if ok {
		if all {
			c.list = append(c.list, cond{kind: condExists})
		} else {
			c.list = append(c.list, cond{kind: condMatch, versions: vs})
		}
	} else if d, ok := readDate(r.Header.Values("If-Unmodified-Since")); ok {
		c.list = append(c.list, cond{kind: condUnmodifiedSince, date: d})
	}
	if all, vs, ok, err := readETags(r.Header.Values("If-None-Match")); err != nil {
		return c, err
	} else if ok {
		if all {
			c.list = append(c.list, cond{kind: condNotExists})
		} else {
			c.list = append(c.list, cond{kind: condDifferent, versions: vs})
		}
	} else if d, ok := readDate(r.Header.Values("If-Modified-Since")); ok {
		c.list = append(c.list, cond{kind: condModifiedSince, date: d})
	}
	return c, nil
}

// WithMatch adds If-Match on version v (a paging token carries the version
// of the list its first page came from).
func (c Conditions) WithMatch(v int64) Conditions {
	c.list = append(c.list[:len(c.list):len(c.list)], cond{kind: condMatch, versions: []int64{v}})
	return c
}

// Check validates the conditions against an existing entity.
func (c Conditions) Check(version int64, modified time.Time) Outcome {
	return c.check(true, version, modified)
}

// AllowsCreate says whether the conditions let a missing entity be made
// (upstream's AllowsCreatingNewEntity: If-Match refuses it).
func (c Conditions) AllowsCreate() bool {
	return c.check(false, 0, time.Time{}) == Succeeded
}

func (c Conditions) check(exists bool, version int64, modified time.Time) Outcome {
	out := Succeeded
	// A stale answer is one the client already has: 304 on a read, 412
	// on a write.
	stale := Failed
	if c.read {
		stale = Unmodified
	}
	modifiedSince := func(d time.Time) bool { return exists && modified.UTC().Truncate(time.Second).After(d) }
	matches := func(vs []int64) bool {
		for _, v := range vs {
			if exists && v == version {
				return true
			}
		}
		return false
	}
	for _, k := range c.list {
		r := Succeeded
		switch k.kind {
		case condExists:
			if !exists {
				r = Failed
			}
		case condNotExists:
			if exists {
				r = stale
			}
		case condMatch:
			if !matches(k.versions) {
				r = Failed
			}
		case condDifferent:
			if matches(k.versions) {
				r = stale
			}
		case condModifiedSince:
			if !modifiedSince(k.date) {
				r = stale
			}
		case condUnmodifiedSince:
			if modifiedSince(k.date) {
				r = Failed
			}
		}
		out = max(out, r)
		if out == Failed {
			break
		}
	}
	return out
}

// readETags reads an ETag header: "*" (all), or weak tags made by ETag.
// ok is false when the header is absent or empty.
func readETags(vals []string) (all bool, versions []int64, ok bool, err error) {
	var tags []string
	for _, v := range vals {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
	}
	if len(tags) == 0 {
		return false, nil, false, nil
	}
	if len(tags) == 1 && tags[0] == "*" {
		return true, nil, true, nil
	}
	for _, t := range tags {
		// Only weak ETags are supported (the registry's own words).
		if !strings.HasPrefix(t, `W/"`) || !strings.HasSuffix(t, `"`) || len(t) < 4 {
			return false, nil, false, errBadCondition
		}
		v, ok := decodeETag(t[3 : len(t)-1])
		if !ok {
			return false, nil, false, errBadCondition
		}
		versions = append(versions, v)
	}
	return false, versions, true, nil
}

// readDate reads an HTTP date; several values or a bad one are ignored.
func readDate(vals []string) (time.Time, bool) {
	if len(vals) != 1 {
		return time.Time{}, false
	}
	t, err := http.ParseTime(vals[0])
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// versionJSON is the registry's AggregateVersion as its ETag carries it:
// {"version":"<n>"} (the number written as a string).
type versionJSON struct {
	Version string `json:"version"`
}

// ETag is the weak ETag of version v: W/"<base64url of {"version":"v"}>".
func ETag(v int64) string {
	b, _ := json.Marshal(versionJSON{Version: strconv.FormatInt(v, 10)})
	return `W/"` + base64.RawURLEncoding.EncodeToString(b) + `"`
}

func decodeETag(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return 0, false
	}
	var v struct {
		Version json.RawMessage `json:"version"`
	}
	if err := json.Unmarshal(b, &v); err != nil || len(v.Version) == 0 {
		return 0, false
	}
	// AllowReadingFromString: a number or a string holding one.
	raw := strings.Trim(string(v.Version), `"`)
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// setVersionHeaders writes ETag and Last-Modified, as every conditional
// answer of the registry does.
func setVersionHeaders(w http.ResponseWriter, version int64, modified time.Time) {
	w.Header().Set("ETag", ETag(version))
	w.Header().Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
}
