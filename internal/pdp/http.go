package pdp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/auth"
	"github.com/altinn-sim/altinn-sim/internal/respond"
	"github.com/altinn-sim/altinn-sim/internal/route"
)

// Scopes that open POST /authorization/api/v1/authorize.
const (
	ScopeAuthorize      = "altinn:authorization/authorize"
	ScopeAuthorizeAdmin = "altinn:authorization/authorize.admin"
)

// maxBody bounds a decision request body.
const maxBody = 1 << 20

// Routes are the platform's decision endpoints: /authorize needs a token
// with the authorize scope (checked through a cache of verified tokens
// over v); /decision is open, as the real one is behind APIM only. The
// Ocp-Apim-Subscription-Key header the real service documents is accepted
// and ignored.
func (s *Service) Routes(v auth.Verifier) []route.Route {
	const tag = "Authorization (PDP)"
	tc := &tokenCache{v: v, now: func() time.Time { return s.now() }}
	return []route.Route{
		{Method: "POST", Path: "/authorization/api/v1/authorize", Guard: route.Bearer, Verifier: tc,
			Scopes: []string{ScopeAuthorize, ScopeAuthorizeAdmin}, Handler: s.handle(External), Tag: tag,
			Query:   []route.Param{route.Q("explain", "true: add the decision's trace (\"Why?\") to the answer")},
			Summary: "XACML 3.0 JSON decision (single or MultiRequests); ?explain=true adds a trace", Body: "XACMLRequest", OKSchema: "XACMLResponse"},
		{Method: "POST", Path: "/authorization/api/v1/decision", Handler: s.handle(Internal), Query: []route.Param{route.Q("explain", "true: add the decision's trace (\"Why?\") to the answer")},
			Tag:     tag,
			Summary: "The platform's internal decision endpoint (no token): XACML 3.0 JSON, or XACML 3.0 XML (any Content-Type without application/json) answered with XML", Body: "XACMLRequest", OKSchema: "XACMLResponse"},
	}
}

// ControlRoutes are the emulator's own: the explain endpoints of the
// control API and the "Why?" page, which shows any party's rights and so
// needs the admin token as the control API does.
func (s *Service) ControlRoutes() []route.Route {
	return []route.Route{
		{Method: "GET", Path: "/sim/api/v1/decisions/explain", Guard: route.Admin, Handler: http.HandlerFunc(s.explainQuery),
			Query: []route.Param{route.Q("subject", "the subject: a system user id, urn:altinn:… attribute or pid"), route.Q("resource", "the resource id"), route.Q("action", "the action, e.g. read"), route.Q("party", "the party acted for: organisation number, national identity number (a person), party id or party uuid")}, Tag: "Emulator control", Summary: "Explain a decision (?subject=&resource=&action=&party=)"},
		{Method: "POST", Path: "/sim/api/v1/decisions/explain", Guard: route.Admin, Handler: http.HandlerFunc(s.explainBody),
			Query: []route.Param{route.Q("endpoint", "decision: read the body as /decision does, XACML XML included (default: /authorize)")}, Tag: "Emulator control", Summary: "Explain an XACML request", Body: "XACMLRequest"},
		{Method: "GET", Path: "/sim/decisions/why", Guard: route.AdminPage, Handler: http.HandlerFunc(s.WhyPage),
			Query: []route.Param{route.Q("subject", "the subject: a system user id, urn:altinn:… attribute or pid"), route.Q("resource", "the resource id"), route.Q("action", "the action, e.g. read"), route.Q("party", "the party acted for: organisation number, national identity number (a person), party id or party uuid")}, Tag: "Portal (HTML)", Summary: "Why? page: a decision with its trace (?subject=&resource=&action=&party=); the admin token when set, as a bearer header or once as ?token="},
	}
}

// explainQuery is the "Why?" page's question as JSON: one result with its
// trace.
func (s *Service) explainQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	res := s.why(r.Context(), q.Get("subject"), q.Get("resource"), q.Get("action"), q.Get("party"))
	respond.JSON(w, http.StatusOK, Response{Response: []Result{res}})
}

// explainBody takes the same body as /authorize (or /decision with
// ?endpoint=decision, XACML XML included) and always answers JSON with
// traces.
func (s *Service) explainBody(w http.ResponseWriter, r *http.Request) {
	ep := External
	if r.URL.Query().Get("endpoint") == "decision" {
		ep = Internal
	}
	s.serve(w, r, ep, true, false, true)
}

func (s *Service) handle(ep Endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		explain, _ := strconv.ParseBool(r.URL.Query().Get("explain"))
		s.serve(w, r, ep, explain, s.rec != nil, false)
	}
}

// bufs recycles request and response buffers: a decision is small and
// frequent, so the garbage of growing fresh buffers showed in profiles.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuf() *bytes.Buffer {
	b := bufs.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

// putBuf keeps only ordinary-sized buffers, so one huge request does not
// pin its memory in the pool.
func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 64<<10 {
		bufs.Put(b)
	}
}

// serve always answers 200 with a XACML response: errors are Indeterminate
// results with a status code, as the real PDP answers.
//
// record reports each decision to the recorder (the platform endpoints
// do; the control API's explain endpoint does not). jsonOnly answers JSON
// whatever the request was (the explain endpoint); otherwise an XML
// request on /decision gets an XML answer, as the real one does.
func (s *Service) serve(w http.ResponseWriter, r *http.Request, ep Endpoint, explain, record, jsonOnly bool) {
	in := getBuf()
	defer putBuf(in)
	_, err := in.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody))
	ct := r.Header.Get("Content-Type")
	xmlIn := ep == Internal && isXML(ct)
	var resp Response
	refused := true
	switch {
	case err != nil:
		var mbe *http.MaxBytesError
		msg := "The request body could not be read: " + err.Error()
		if errors.As(err, &mbe) {
			msg = "The request body is larger than " + strconv.Itoa(maxBody) + " bytes."
		}
		resp.Response = []Result{s.failed(syntaxErr("%s", msg), explain)}
	case ep == External && !isJSON(ct):
		// The real /authorize binds JSON only, so a text/plain or form
		// body is not a request there (answered, as every PDP failure, as
		// a 200 Indeterminate).
		resp.Response = []Result{s.failed(syntaxErr("The request body must be XACML JSON (Content-Type: application/json)."), explain)}
	default:
		refused = false
		resp = s.decideBody(r.Context(), in.Bytes(), xmlIn, ep, explain, record)
	}
	if record && refused {
		// Refused before any request was read: recorded without one.
		s.recordDecision(r.Context(), ep, Request{}, resp.Response[0])
	}
	if xmlIn && !jsonOnly {
		// The real controller returns the XML as Content(string): ASP.NET
		// sends that as text/plain; charset=utf-8.
		b := EncodeXMLResponse(resp, explain)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b)
		return
	}
	out := getBuf()
	defer putBuf(out)
	if err := json.NewEncoder(out).Encode(resp); err != nil {
		s.log.ErrorContext(r.Context(), "pdp: encode response", "err", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// Encode ends the body with a newline; ASP.NET's bodies have none.
	b := bytes.TrimSuffix(out.Bytes(), []byte("\n"))
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// DecideBody decides a raw XACML JSON request body.
func (s *Service) DecideBody(ctx context.Context, body []byte, ep Endpoint, explain bool) Response {
	return s.decideBody(ctx, body, false, ep, explain, false)
}

// DecideXMLBody decides a raw XACML XML request body, as /decision does.
func (s *Service) DecideXMLBody(ctx context.Context, body []byte, explain bool) Response {
	return s.decideBody(ctx, body, true, Internal, explain, false)
}

// decideBody decides a body (XACML XML when xmlIn, else JSON); record
// reports each decided request to the recorder (a body that cannot be read
// at all is the caller's to report).
func (s *Service) decideBody(ctx context.Context, body []byte, xmlIn bool, ep Endpoint, explain, record bool) Response {
	decode := DecodeBody
	if xmlIn {
		decode = DecodeXMLBody
	}
	root, perr := decode(body)
	if perr != nil {
		res := s.failed(perr, explain)
		if record {
			s.recordDecision(ctx, ep, Request{}, res)
		}
		return Response{Response: []Result{res}}
	}
	parts := split(root.Request, ep)
	out := make([]Result, len(parts))
	for i, p := range parts {
		if p.err != nil {
			out[i] = s.failed(p.err, explain)
			if len(p.req.echo) > 0 && !p.err.fatal {
				out[i].Category = p.req.echo
			}
		} else {
			p.req.Endpoint, p.req.Explain = ep, explain
			out[i] = s.Decide(ctx, p.req)
		}
		if record {
			s.recordDecision(ctx, ep, p.req, out[i])
		}
		if out[i].fatal {
			// Upstream throws here, and its controller answers the whole
			// request, every part of a multi-request included, with this
			// one Indeterminate and nothing echoed.
			out[i].Category = nil
			return Response{Response: out[i : i+1]}
		}
	}
	return Response{Response: out}
}

func (s *Service) failed(e *statusErr, explain bool) Result {
	res := indeterminate(e)
	if explain {
		res.Trace = &Trace{Steps: []string{e.msg}, MissingAttributes: e.missing}
	}
	return res
}

func isJSON(ct string) bool {
	return ct == "" || strings.Contains(strings.ToLower(ct), "json")
}

// isXML says /decision reads the body as XACML XML: the real controller
// does so for every Content-Type that does not contain "application/json"
// (compared case-sensitively). Without a Content-Type the real one fails
// with a 500 (it reads the header unchecked); here that body is JSON, as
// before XML was emulated.
func isXML(ct string) bool {
	return ct != "" && !strings.Contains(ct, "application/json")
}
