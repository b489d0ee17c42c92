package resources

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/altinn-sim/altinn-sim/internal/dberr"
	"github.com/altinn-sim/altinn-sim/internal/problem"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// readRoutes are the registry's public read views over policies and its
// feeds (ResourceController, ResourceV2Controller, ResourceOwnerController).
func (s *Service) readRoutes(tag string) []route.Route {
	limit := route.Q("limit", "page size, 1-1000 (default 1000)")
	return []route.Route{
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/export", Handler: route.E(s.handleExportRDF),
			Tag: tag, Summary: "Every resource as RDF (Turtle), for the public service catalogue"},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/orgs", Handler: route.E(s.handleOrgs),
			Tag: tag, Summary: "The service owners (the org list)"},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/updated", Handler: route.E(s.handleUpdated),
			Query: []route.Param{route.Q("since", "changed at or after this time (default: the beginning)"),
				route.Q("token", "continuation token from the previous page's next link"), limit},
			Tag: tag, Summary: "Resource/subject pairs changed since a time, paged"},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/changes", Handler: route.E(s.handleChanges),
			Query: []route.Param{route.Q("token", "continuation token from the previous page's next link"), limit},
			Tag:   tag, Summary: "Resources with a policy, in the order of their latest change, paged"},
		{Method: "POST", Path: "/resourceregistry/api/v1/resource/bysubjects", Handler: route.E(s.handleBySubjects),
			Tag: tag, Body: "SubjectUrns", Summary: "The resources whose policies name each subject"},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/{id}/policy/subjects", Handler: route.E(s.handleSubjects),
			Query: []route.Param{route.Q("reloadFromXacml", "accepted; the subjects are always those of the stored policy")},
			Tag:   tag, Summary: "The subjects a resource's policy names"},
		{Method: "GET", Path: "/resourceregistry/api/v1/resource/{id}/policy/rights", Handler: route.E(s.handleRights),
			Tag: tag, Summary: "A policy's rights (action + resource) with the subjects given each"},
		{Method: "GET", Path: "/resourceregistry/api/v2/resource/{id}/policy/rights", Handler: route.E(s.handleRightsV2),
			Query: []route.Param{route.Q("includeServiceOwnerRights", "also rights given to the service owner"),
				route.Q("includeAppRights", "also rights given through urn:altinn:resource:delegation")},
			Tag: tag, Summary: "The rights an end user can be given on a resource (names follow Accept-Language)"},
	}
}

// aspNotFound is ASP.NET's answer to a bare NotFound() in an API controller.
func aspNotFound() *problem.Problem {
	return &problem.Problem{Type: "https://tools.ietf.org/html/rfc9110#section-15.5.5", Title: "Not Found", Status: http.StatusNotFound}
}

// consumesJSON is ASP.NET's [Consumes("application/json")], which the
// registry puts on its policy views even though they are GETs: a request
// that names another Content-Type is 415; one that names none passes.
func consumesJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == "application/json" {
		return nil
	}
	return &problem.Problem{Type: "https://tools.ietf.org/html/rfc9110#section-15.5.16", Title: "Unsupported Media Type", Status: http.StatusUnsupportedMediaType}
}

// bindErrors is ASP.NET's automatic 400 for query values it cannot bind:
// a ValidationProblemDetails whose errors map each parameter to messages.
type bindErrors map[string][]string

func (b bindErrors) add(name, msg string) { b[name] = append(b[name], msg) }

func (b bindErrors) problem() *problem.Problem {
	if len(b) == 0 {
		return nil
	}
	return &problem.Problem{
		Type:       "https://tools.ietf.org/html/rfc9110#section-15.5.1",
		Title:      "One or more validation errors occurred.",
		Status:     http.StatusBadRequest,
		Extensions: map[string]any{"errors": map[string][]string(b)},
	}
}

// queryBool binds an optional bool query value as ASP.NET does
// (true/false in any case, surrounding spaces allowed).
func queryBool(r *http.Request, name string, errs bindErrors) bool {
	v, ok := r.URL.Query()[name]
	if !ok || len(v) == 0 {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(v[0])) {
	case "true":
		return true
	case "false":
		return false
	}
	errs.add(name, fmt.Sprintf("The value '%s' is not valid.", v[0]))
	return false
}

// queryLimit binds ?limit= (default MaxFeedPage); a value that is no
// integer is a binding error, a range check is the caller's.
func queryLimit(r *http.Request, errs bindErrors) int {
	v, ok := r.URL.Query()["limit"]
	if !ok || len(v) == 0 {
		return MaxFeedPage
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v[0]), 10, 32)
	if err != nil {
		errs.add("limit", fmt.Sprintf("The value '%s' is not valid.", v[0]))
		return MaxFeedPage
	}
	return int(n)
}

// sinceLayouts are the forms of a DateTimeOffset the feed accepts; a time
// without an offset is UTC (the registry's servers run in UTC).
var sinceLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02 15:04:05.9999999Z07:00",
	"2006-01-02 15:04:05.9999999", "2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02"}

// ParseSince reads ?since= as ASP.NET binds a DateTimeOffset (ISO 8601,
// with or without fraction, offset or time).
func ParseSince(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, l := range sinceLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// netTime is a time as System.Text.Json writes a UTC DateTimeOffset: the
// fraction without trailing zeros, the offset as +00:00.
type netTime time.Time

func (t netTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.9999999") + `+00:00"`), nil
}

// roundTrip is DateTimeOffset.ToString("O") of a UTC time, as the registry
// writes `since` into its next links.
func roundTrip(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000") + "+00:00" }

// opaque encodes a continuation token as the registry's Opaque<T>: the
// JSON of the value, Base64Url without padding.
func opaque(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// unopaque decodes an Opaque<T> token into v; false when it is not one.
func unopaque(s string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(b, v) == nil
}

// updatedToken is the registry's UpdatedResourceSubjectsContinuationToken,
// with its .NET property names.
type updatedToken struct {
	ResourceUrn string `json:"ResourceUrn"`
	SubjectUrn  string `json:"SubjectUrn"`
}

// link is the absolute URL of path with query, as ASP.NET's Url.Link makes
// it (honouring X-Forwarded-Proto/Host).
func link(r *http.Request, path string, query []string) *string {
	var q []string
	for i := 0; i+1 < len(query); i += 2 {
		q = append(q, query[i]+"="+url.QueryEscape(query[i+1]))
	}
	s := respond.Origin(r) + path + "?" + strings.Join(q, "&")
	return &s
}

// paginated is the registry's Paginated<T>: {links:{next}, data:[...]}.
type paginated[T any] struct {
	Links struct {
		Next *string `json:"next"`
	} `json:"links"`
	Data []T `json:"data"`
}

func page[T any](items []T, next *string) paginated[T] {
	p := paginated[T]{Data: items}
	p.Links.Next = next
	return p
}

type updatedDTO struct {
	SubjectURN  string  `json:"subjectUrn"`
	ResourceURN string  `json:"resourceUrn"`
	UpdatedAt   netTime `json:"updatedAt"`
	Deleted     bool    `json:"deleted"`
}

func (s *Service) handleUpdated(w http.ResponseWriter, r *http.Request) error {
	errs := bindErrors{}
	q := r.URL.Query()
	since := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC) // DateTimeOffset.MinValue
	if v, ok := q["since"]; ok && len(v) > 0 {
		t, ok := ParseSince(v[0])
		if !ok {
			errs.add("since", fmt.Sprintf("The value '%s' is not valid.", v[0]))
		}
		since = t
	}
	var after *UpdatedSubject
	if v, ok := q["token"]; ok && len(v) > 0 {
		var tok updatedToken
		if !unopaque(v[0], &tok) || tok.ResourceUrn == "" || tok.SubjectUrn == "" {
			errs.add("token", fmt.Sprintf("The value '%s' is invalid.", v[0]))
		}
		after = &UpdatedSubject{ResourceURN: tok.ResourceUrn, SubjectURN: tok.SubjectUrn}
	}
	limit := queryLimit(r, errs)
	if p := errs.problem(); p != nil {
		return p
	}
	if limit < 1 || limit > MaxFeedPage {
		return problem.Validation(problem.ValidationError{Code: "RR.VLD-00008", Title: "Limit must be between 1 and 1000."})
	}
	pg, err := s.UpdatedSubjects(r.Context(), since, after, limit)
	if err != nil {
		return err
	}
	items := make([]updatedDTO, len(pg.Items))
	for i, u := range pg.Items {
		items[i] = updatedDTO{SubjectURN: u.SubjectURN, ResourceURN: u.ResourceURN, UpdatedAt: netTime(u.UpdatedAt), Deleted: u.Deleted}
	}
	var next *string
	if pg.More {
		last := pg.Items[len(pg.Items)-1]
		next = link(r, "/resourceregistry/api/v1/resource/updated", []string{
			"since", roundTrip(last.UpdatedAt),
			"token", opaque(updatedToken{ResourceUrn: last.ResourceURN, SubjectUrn: last.SubjectURN}),
			"limit", strconv.Itoa(limit)})
	}
	respond.JSON(w, http.StatusOK, page(items, next))
	return nil
}

type changeDTO struct {
	ResourceID string  `json:"resourceId"`
	ChangedAt  netTime `json:"changedAt"`
}

func (s *Service) handleChanges(w http.ResponseWriter, r *http.Request) error {
	errs := bindErrors{}
	var after int64
	if v, ok := r.URL.Query()["token"]; ok && len(v) > 0 {
		if !unopaque(v[0], &after) {
			errs.add("token", fmt.Sprintf("The value '%s' is invalid.", v[0]))
		}
	}
	limit := queryLimit(r, errs)
	if p := errs.problem(); p != nil {
		return p
	}
	if limit < 1 || limit > MaxFeedPage {
		return problem.Validation(problem.ValidationError{Code: "RR.VLD-00011", Title: "Value outside valid range.",
			Detail: fmt.Sprintf("Limit must be between 1 and 1000, was %d.", limit), Paths: []string{"/$QUERY/limit"}})
	}
	pg, err := s.Changes(r.Context(), after, limit)
	if err != nil {
		return err
	}
	items := make([]changeDTO, len(pg.Items))
	for i, c := range pg.Items {
		items[i] = changeDTO{ResourceID: c.ResourceID, ChangedAt: netTime(c.ChangedAt)}
	}
	var next *string
	if pg.More {
		next = link(r, "/resourceregistry/api/v1/resource/changes", []string{
			"token", opaque(pg.Items[len(pg.Items)-1].ID), "limit", strconv.Itoa(limit)})
	}
	respond.JSON(w, http.StatusOK, page(items, next))
	return nil
}

func (s *Service) handleBySubjects(w http.ResponseWriter, r *http.Request) error {
	var subjects []string
	if p := problem.DecodeJSON(w, r, &subjects); p != nil {
		return p
	}
	out, err := s.ResourcesForSubjects(r.Context(), subjects)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, page(out, nil))
	return nil
}

func (s *Service) handleSubjects(w http.ResponseWriter, r *http.Request) error {
	if err := consumesJSON(r); err != nil {
		return err
	}
	errs := bindErrors{}
	queryBool(r, "reloadFromXacml", errs)
	if p := errs.problem(); p != nil {
		return p
	}
	out, err := s.PolicySubjectsOf(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, dberr.ErrNotFound) {
		return aspNotFound()
	}
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, page(out, nil))
	return nil
}

// storedPolicy reads the policy of the resource in the path; none is the
// registry's bare 404.
func (s *Service) storedPolicy(r *http.Request) (Policy, error) {
	p, err := s.Policy(r.Context(), chi.URLParam(r, "id"))
	if errors.Is(err, dberr.ErrNotFound) {
		return p, aspNotFound()
	}
	return p, err
}

func (s *Service) handleRights(w http.ResponseWriter, r *http.Request) error {
	if err := consumesJSON(r); err != nil {
		return err
	}
	p, err := s.storedPolicy(r)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, PolicyRights(p))
	return nil
}

func (s *Service) handleRightsV2(w http.ResponseWriter, r *http.Request) error {
	if err := consumesJSON(r); err != nil {
		return err
	}
	errs := bindErrors{}
	o := RightsOptions{
		ServiceOwner: queryBool(r, "includeServiceOwnerRights", errs),
		App:          queryBool(r, "includeAppRights", errs),
		Language:     "nb",
	}
	// The registry takes the header's first value as sent, even empty.
	if v, ok := r.Header["Accept-Language"]; ok && len(v) > 0 {
		o.Language = v[0]
	}
	if p := errs.problem(); p != nil {
		return p
	}
	// The registry answers 500 for a resource without a policy (it maps a
	// null list); we answer the 404 v1 gives.
	p, err := s.storedPolicy(r)
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, RightsV2(p, chi.URLParam(r, "id"), o))
	return nil
}
