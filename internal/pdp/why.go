package pdp

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/google/uuid"
)

// WhyPage is the "Why?" page: GET /sim/decisions/why?subject=&resource=
// &action=&party= decides like /authorize and shows the trace. subject is
// an attribute URN with its value (urn:altinn:systemuser:uuid:<uuid>,
// urn:altinn:person:identifier-no:<pid>, urn:altinn:userid:<id>,
// urn:altinn:organization:identifier-no:<orgno>) or a bare system-user
// uuid, 11-digit national id or 9-digit org number; party is an org
// number, party id or party uuid. The portal links here for any decision.
func (s *Service) WhyPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := whyPage{Subject: q.Get("subject"), Resource: q.Get("resource"), Action: q.Get("action"), Party: q.Get("party")}
	if page.Action == "" {
		page.Action = "read"
	}
	if page.Subject != "" || page.Resource != "" || page.Party != "" {
		res := s.why(r.Context(), page.Subject, page.Resource, page.Action, page.Party)
		page.Result = &res
		if res.Status != nil && res.Status.StatusCode != nil {
			page.StatusCode = res.Status.StatusCode.Value
		}
		if res.Status != nil && res.Status.StatusMessage != nil {
			page.StatusMessage = *res.Status.StatusMessage
		}
		page.JSONLink = "/sim/api/v1/decisions/explain"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := whyTemplate.Execute(w, page); err != nil {
		s.log.Error("pdp: render why page", "err", err)
	}
}

// why decides the "Why?" question as /authorize would, with the trace.
func (s *Service) why(ctx context.Context, subject, resourceID, action, party string) Result {
	p := split(WhyRequest(subject, resourceID, action, party), External)[0]
	if p.err != nil {
		return s.failed(p.err, true)
	}
	p.req.Endpoint, p.req.Explain = External, true
	return s.Decide(ctx, p.req)
}

// WhyURL is the link to the "Why?" page for a decision, for other
// packages' pages.
func WhyURL(subject, resourceID, action, party string) string {
	v := url.Values{}
	v.Set("subject", subject)
	v.Set("resource", resourceID)
	v.Set("action", action)
	v.Set("party", party)
	return "/sim/decisions/why?" + v.Encode()
}

var (
	digits9  = regexp.MustCompile(`^[0-9]{9}$`)
	digits11 = regexp.MustCompile(`^[0-9]{11}$`)
	digitsN  = regexp.MustCompile(`^[0-9]+$`)
)

var subjectPrefixes = []string{AttrSystemUserUUID, AttrPersonID, AttrOrgID, AttrOrgNumber, AttrUserID, AttrPartyID, AttrPartyUUID}

// WhyRequest builds the XACML request the "Why?" page decides.
func WhyRequest(subject, resourceID, action, party string) *XRequest {
	var subj []XAttribute
	subject = strings.TrimSpace(subject)
	matched := false
	for _, p := range subjectPrefixes {
		if v, ok := strings.CutPrefix(subject, p+":"); ok {
			subj, matched = append(subj, XAttribute{AttributeID: p, Value: v}), true
			break
		}
	}
	if !matched && subject != "" {
		switch {
		case uuid.Validate(subject) == nil:
			subj = append(subj, XAttribute{AttributeID: AttrSystemUserUUID, Value: subject})
		case digits11.MatchString(subject):
			subj = append(subj, XAttribute{AttributeID: AttrPersonID, Value: subject})
		case digits9.MatchString(subject):
			subj = append(subj, XAttribute{AttributeID: AttrOrgID, Value: subject})
		default:
			subj = append(subj, XAttribute{AttributeID: AttrSystemUserUUID, Value: subject})
		}
	}
	res := []XAttribute{{AttributeID: AttrResource, Value: strings.TrimSpace(resourceID)}}
	party = strings.TrimSpace(party)
	switch {
	case party == "":
	case uuid.Validate(party) == nil:
		res = append(res, XAttribute{AttributeID: AttrPartyUUID, Value: party})
	case digits9.MatchString(party):
		res = append(res, XAttribute{AttributeID: AttrOrgID, Value: party})
	case digitsN.MatchString(party):
		res = append(res, XAttribute{AttributeID: AttrPartyID, Value: party})
	default:
		res = append(res, XAttribute{AttributeID: AttrOrgID, Value: party})
	}
	return &XRequest{
		AccessSubject: []XCategory{{Attribute: subj}},
		Action:        []XCategory{{Attribute: []XAttribute{{AttributeID: AttrAction, Value: strings.TrimSpace(action)}}}},
		Resource:      []XCategory{{Attribute: res}},
	}
}

type whyPage struct {
	Subject, Resource, Action, Party string
	Result                           *Result
	StatusCode, StatusMessage        string
	JSONLink                         string
}

var whyTemplate = template.Must(template.New("why").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Why? — altinn-sim PDP</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin:.4rem 0 .1rem;font-weight:600}input{width:100%;padding:.3rem;font-family:monospace}
button{margin-top:.8rem;padding:.4rem 1rem}
.d{font-size:1.6rem;font-weight:700;padding:.3rem .8rem;border-radius:.3rem;display:inline-block}
.Permit{background:#d4f7d4}.Deny{background:#f7d4d4}.NotApplicable{background:#eee}.Indeterminate{background:#fbeec8}
dt{font-weight:600;margin-top:.5rem}code{background:#f3f3f3;padding:0 .2rem}
</style></head><body>
<h1>Why? <small>altinn-sim decision explained</small></h1>
<form method="get" action="/sim/decisions/why">
<label for="subject">Subject</label><input id="subject" name="subject" value="{{.Subject}}" placeholder="urn:altinn:systemuser:uuid:… | 11-digit national id | 9-digit org number">
<label for="resource">Resource</label><input id="resource" name="resource" value="{{.Resource}}" placeholder="resource id, e.g. ttd-accesspackage-resource">
<label for="action">Action</label><input id="action" name="action" value="{{.Action}}">
<label for="party">Party (acting for)</label><input id="party" name="party" value="{{.Party}}" placeholder="org number, party id or party uuid">
<button type="submit">Decide</button>
</form>
{{with .Result}}
<h2>Decision: <span class="d {{.Decision}}" id="decision">{{.Decision}}</span></h2>
<dl>
<dt>Status</dt><dd><code>{{$.StatusCode}}</code>{{with $.StatusMessage}} — {{.}}{{end}}</dd>
{{with .Trace}}
{{with .Subject}}<dt>Subject</dt><dd>{{.}}</dd>{{end}}
{{with .Party}}<dt>Acting for</dt><dd>{{.}}</dd>{{end}}
{{with .MatchedRule}}<dt>Rule</dt><dd><code>{{.ID}}</code> ({{.Effect}}; subject <code>{{.Subject}}</code>; actions {{range .Actions}}<code>{{.}}</code> {{end}})</dd>{{end}}
{{with .Grant}}<dt>Through</dt><dd>{{.Kind}} <code>{{.Value}}</code>: {{.Source}}</dd>{{end}}
{{with .MissingAttributes}}<dt>Missing attribute</dt><dd>{{range .}}<code>{{.}}</code> {{end}}</dd>{{end}}
{{with .Packages}}<dt>Access packages held for this party</dt><dd><ul>{{range .}}<li><code>{{.Value}}</code> — {{.Source}}</li>{{end}}</ul></dd>{{end}}
{{with .Roles}}<dt>Roles held at this party</dt><dd><ul>{{range .}}<li><code>{{.Value}}</code> — {{.Source}}</li>{{end}}</ul></dd>{{end}}
{{with .Rights}}<dt>Resource rights</dt><dd><ul>{{range .}}<li><code>{{.Value}}</code>{{with .Action}} ({{.}} only){{end}} — {{.Source}}</li>{{end}}</ul></dd>{{end}}
<dt>Steps</dt><dd><ol>{{range .Steps}}<li>{{.}}</li>{{end}}</ol></dd>
{{end}}
</dl>
<p>The same explanation as JSON: <code>POST {{$.JSONLink}}</code> with the XACML request, or any decision endpoint with <code>?explain=true</code>.</p>
{{end}}
</body></html>
`))
