package pdp

import (
	"context"
	"github.com/altinn-sim/altinn-sim/internal/i18n"
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
// number, an 11-digit national id (a person party), party id or party
// uuid. The portal links here for any decision.
func (s *Service) WhyPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := whyPage{Subject: q.Get("subject"), Resource: q.Get("resource"), Action: q.Get("action"), Party: q.Get("party"),
		Lang: i18n.FromRequest(r)}
	for _, l := range []string{i18n.NB, i18n.NN, i18n.EN} {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("lang", l)
		page.Langs = append(page.Langs, langLink{Code: l, Name: whyTexts.T(l, "lang.name"), URL: "/sim/decisions/why?" + v.Encode(), Current: l == page.Lang})
	}
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
	case digits11.MatchString(party):
		// A person acts for themselves, or someone for a person.
		res = append(res, XAttribute{AttributeID: AttrPersonID, Value: party})
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
	Lang                             string
	Langs                            []langLink
}

type langLink struct {
	Code, Name, URL string
	Current         bool
}

// T is the page's text for key in its language.
func (p whyPage) T(key string) string { return whyTexts.T(p.Lang, key) }

// whyTexts are the page's labels; the trace's own sentences (the steps,
// the sources) are the decision point's and stay in English.
var whyTexts = i18n.Catalog{
	"lang.name":    {"Bokmål", "Nynorsk", "English"},
	"lang.label":   {"Språk", "Språk", "Language"},
	"skip":         {"Gå til innholdet", "Gå til innhaldet", "Skip to content"},
	"nav.label":    {"Emulatorsider", "Emulatorsider", "Emulator pages"},
	"nav.state":    {"Tilstand", "Tilstand", "State"},
	"nav.calls":    {"Kall", "Kall", "Calls"},
	"nav.debugger": {"Feilsøking", "Feilsøking", "Debugger"},
	"nav.portal":   {"Portal", "Portal", "Portal"},
	"title":        {"Hvorfor? Beslutningen forklart", "Kvifor? Avgjerda forklart", "Why? The decision explained"},
	"intro": {"Spør beslutningspunktet (PDP) som /authorize gjør, og se hvorfor svaret ble som det ble.",
		"Spør avgjerdspunktet (PDP) slik /authorize gjer, og sjå kvifor svaret vart som det vart.",
		"Ask the decision point (PDP) as /authorize does, and see why the answer is what it is."},
	"form.label":    {"Spørsmålet", "Spørsmålet", "The question"},
	"subject":       {"Subjekt", "Subjekt", "Subject"},
	"subject.hint":  {"urn:altinn:systemuser:uuid:…, 11-sifret fødselsnummer eller 9-sifret organisasjonsnummer", "urn:altinn:systemuser:uuid:…, 11-sifra fødselsnummer eller 9-sifra organisasjonsnummer", "urn:altinn:systemuser:uuid:…, an 11-digit national id or a 9-digit org number"},
	"resource":      {"Ressurs", "Ressurs", "Resource"},
	"resource.hint": {"ressursens id, f.eks. ttd-accesspackage-resource", "ressursen sin id, t.d. ttd-accesspackage-resource", "the resource id, e.g. ttd-accesspackage-resource"},
	"action":        {"Handling", "Handling", "Action"},
	"party":         {"Part (handler på vegne av)", "Part (handlar på vegner av)", "Party (acting for)"},
	"party.hint":    {"organisasjonsnummer, 11-sifret fødselsnummer, part-id eller part-uuid", "organisasjonsnummer, 11-sifra fødselsnummer, part-id eller part-uuid", "org number, 11-digit national id, party id or party uuid"},
	"decide":        {"Avgjør", "Avgjer", "Decide"},
	"result.label":  {"Svaret", "Svaret", "The answer"},
	"decision":      {"Beslutning", "Avgjerd", "Decision"},
	"status":        {"Status", "Status", "Status"},
	"t.subject":     {"Subjekt", "Subjekt", "Subject"},
	"t.party":       {"På vegne av", "På vegner av", "Acting for"},
	"t.rule":        {"Regel", "Regel", "Rule"},
	"t.through":     {"Gjennom", "Gjennom", "Through"},
	"t.accesslist":  {"Tilgangsliste", "Tilgangsliste", "Access list"},
	"t.missing":     {"Mangler attributt", "Manglar attributt", "Missing attribute"},
	"t.packages":    {"Tilgangspakker for denne parten", "Tilgangspakkar for denne parten", "Access packages held for this party"},
	"t.roles":       {"Roller hos denne parten", "Roller hos denne parten", "Roles held at this party"},
	"t.rights":      {"Rettigheter på ressursen", "Rettar på ressursen", "Resource rights"},
	"t.only":        {"bare", "berre", "only"},
	"t.steps":       {"Steg", "Steg", "Steps"},
	"json": {"Den samme forklaringen som JSON: POST %s med XACML-forespørselen, eller et hvilket som helst beslutningsendepunkt med ?explain=true.",
		"Den same forklaringa som JSON: POST %s med XACML-førespurnaden, eller kva avgjerdsendepunkt som helst med ?explain=true.",
		"The same explanation as JSON: POST %s with the XACML request, or any decision endpoint with ?explain=true."},
}

var whyTemplate = template.Must(template.New("why").Funcs(template.FuncMap{
	"json": func(lang, link string) string { return whyTexts.T(lang, "json", link) },
}).Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.T "title"}} – altinn-sim</title>
<link rel="stylesheet" href="/portal/static/style.css">
<link rel="stylesheet" href="/portal/static/sim.css">
<style>
.d{font-size:1.4rem;font-weight:700;padding:.2rem .7rem;border-radius:.3rem;display:inline-block}
.Permit{background:#d4f7d4}.Deny{background:#f7d4d4}.NotApplicable{background:#eee}.Indeterminate{background:#fbeec8}
</style>
</head>
<body class="sim">
<a class="skip" href="#main">{{.T "skip"}}</a>
<header class="site">
  <div class="bar">
    <a class="brand" href="/sim/">altinn-sim</a>
    <nav aria-label="{{.T "nav.label"}}">
      <ul class="simnav">
        <li><a href="/sim/">{{.T "nav.state"}}</a></li>
        <li><a href="/sim/calls">{{.T "nav.calls"}}</a></li>
        <li><a href="/sim/debugger">{{.T "nav.debugger"}}</a></li>
        <li><a href="/sim/decisions/why" aria-current="page">Why?</a></li>
        <li><a href="/portal/">{{.T "nav.portal"}}</a></li>
      </ul>
    </nav>
    <nav aria-label="{{.T "lang.label"}}">
      <ul class="simnav">{{range .Langs}}<li><a href="{{.URL}}" hreflang="{{.Code}}" lang="{{.Code}}"{{if .Current}} aria-current="true"{{end}}>{{.Name}}</a></li>{{end}}</ul>
    </nav>
  </div>
</header>
<main id="main" tabindex="-1" class="wide">
<h1>{{.T "title"}}</h1>
<p>{{.T "intro"}}</p>
<form method="get" action="/sim/decisions/why" aria-label="{{.T "form.label"}}">
<input type="hidden" name="lang" value="{{.Lang}}">
<label for="subject">{{.T "subject"}}</label><input id="subject" name="subject" value="{{.Subject}}" aria-describedby="subject-hint"><p class="hint" id="subject-hint">{{.T "subject.hint"}}</p>
<label for="resource">{{.T "resource"}}</label><input id="resource" name="resource" value="{{.Resource}}" aria-describedby="resource-hint"><p class="hint" id="resource-hint">{{.T "resource.hint"}}</p>
<label for="action">{{.T "action"}}</label><input id="action" name="action" value="{{.Action}}">
<label for="party">{{.T "party"}}</label><input id="party" name="party" value="{{.Party}}" aria-describedby="party-hint"><p class="hint" id="party-hint">{{.T "party.hint"}}</p>
<button type="submit">{{.T "decide"}}</button>
</form>
{{with .Result}}
<section aria-labelledby="result">
<h2 id="result">{{$.T "decision"}}: <span class="d {{.Decision}}" id="decision">{{.Decision}}</span></h2>
<dl>
<dt>{{$.T "status"}}</dt><dd><code>{{$.StatusCode}}</code>{{with $.StatusMessage}} — {{.}}{{end}}</dd>
{{with .Trace}}
{{with .Subject}}<dt>{{$.T "t.subject"}}</dt><dd>{{.}}</dd>{{end}}
{{with .Party}}<dt>{{$.T "t.party"}}</dt><dd>{{.}}</dd>{{end}}
{{with .MatchedRule}}<dt>{{$.T "t.rule"}}</dt><dd><code>{{.ID}}</code> ({{.Effect}}; subject <code>{{.Subject}}</code>; actions {{range .Actions}}<code>{{.}}</code> {{end}})</dd>{{end}}
{{with .Grant}}<dt>{{$.T "t.through"}}</dt><dd>{{.Kind}} <code>{{.Value}}</code>: {{.Source}}</dd>{{end}}
{{with .AccessList}}<dt>{{$.T "t.accesslist"}}</dt><dd><code>{{.}}</code></dd>{{end}}
{{with .MissingAttributes}}<dt>{{$.T "t.missing"}}</dt><dd>{{range .}}<code>{{.}}</code> {{end}}</dd>{{end}}
{{with .Packages}}<dt>{{$.T "t.packages"}}</dt><dd><ul>{{range .}}<li><code>{{.Value}}</code> — {{.Source}}</li>{{end}}</ul></dd>{{end}}
{{with .Roles}}<dt>{{$.T "t.roles"}}</dt><dd><ul>{{range .}}<li><code>{{.Value}}</code> — {{.Source}}</li>{{end}}</ul></dd>{{end}}
{{with .Rights}}<dt>{{$.T "t.rights"}}</dt><dd><ul>{{range .}}<li><code>{{.Value}}</code>{{with .Action}} ({{.}} {{$.T "t.only"}}){{end}} — {{.Source}}</li>{{end}}</ul></dd>{{end}}
<dt>{{$.T "t.steps"}}</dt><dd><ol lang="en">{{range .Steps}}<li>{{.}}</li>{{end}}</ol></dd>
{{end}}
</dl>
<p>{{json $.Lang $.JSONLink}}</p>
</section>
{{end}}
</main>
</body>
</html>
`))
