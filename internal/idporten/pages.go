package idporten

import (
	"net/http"
	"net/url"

	"github.com/altinn-sim/altinn-sim/internal/i18n"
)

// pageNames are ID-porten's pages: web/templates/idporten/<name>.tmpl
// defining "content", laid out by idporten/base.tmpl.
var pageNames = []string{"login", "error", "loggedout"}

// basePage is what the layout needs.
type basePage struct {
	Title     string
	Lang      string
	LangLinks []langLink
}

type langLink struct {
	Code, Name, URL string
	Current         bool
}

// T translates key into the page's language.
func (b basePage) T(key string, args ...any) string { return tr(b.Lang, key, args...) }

func newBase(lang, titleKey string, r *http.Request) basePage {
	b := basePage{Lang: lang, Title: tr(lang, titleKey)}
	if r != nil && r.Method == http.MethodGet {
		for _, l := range []struct{ code, name string }{{LangNB, "Norsk (bokmål)"}, {LangNN, "Norsk (nynorsk)"}, {LangEN, "English"}} {
			q := r.URL.Query()
			q.Set("lang", l.code)
			b.LangLinks = append(b.LangLinks, langLink{Code: l.code, Name: l.name, URL: r.URL.Path + "?" + q.Encode(), Current: l.code == lang})
		}
	}
	return b
}

type loginPage struct {
	basePage
	RequestID  string
	ClientName string
	Persons    []personView
	PID        string
	Error      string
}

type personView struct {
	PID, Name string
	Roles     []roleView
}

type roleView struct{ OrgName, OrgNo, Role string }

type errorPage struct {
	basePage
	Status  int
	Message string
}

// render writes a page whole, or a plain 500 when it cannot be built.
func (s *Service) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if err := s.pages.Render(w, status, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "idporten: render page", "page", name, "err", err)
		http.Error(w, "ID-porten: internal error", http.StatusInternalServerError)
	}
}

func (s *Service) errorPage(w http.ResponseWriter, r *http.Request, lang string, status int, key string, args ...any) {
	s.render(w, r, status, "error", errorPage{basePage: newBase(lang, "error.title", nil), Status: status, Message: tr(lang, key, args...)})
}

// pageLang is ?lang= when it is one we speak, else fallback.
func pageLang(q url.Values, fallback string) string {
	switch l := q.Get("lang"); l {
	case LangNB, LangNN, LangEN:
		return l
	}
	return fallback
}

// msg is one text in bokmål, nynorsk and English.
type msg = i18n.Text

// messages holds every text of the pages; a test checks that every key a
// template uses is here.
var messages = i18n.Catalog{
	"site.name":        {"ID-porten (simulator)", "ID-porten (simulator)", "ID-porten (simulator)"},
	"site.skip":        {"Hopp til hovedinnhold", "Hopp til hovudinnhaldet", "Skip to main content"},
	"site.lang":        {"Språk", "Språk", "Language"},
	"site.testWarning": {"Dette er et testmiljø. Ingen ekte data.", "Dette er eit testmiljø. Ingen ekte data.", "This is a test environment. No real data."},

	"login.title":      {"Logg inn med en testperson", "Logg inn med ein testperson", "Log in with a test person"},
	"login.intro":      {"%s ber deg logge inn. Velg en testperson; hver person kan handle for virksomhetene som står ved navnet.", "%s ber deg logge inn. Vel ein testperson; kvar person kan handle for verksemdene som står ved namnet.", "%s asks you to log in. Pick a test person; each person can act for the organisations listed by their name."},
	"login.persons":    {"Testpersoner", "Testpersonar", "Test persons"},
	"login.colPerson":  {"Person", "Person", "Person"},
	"login.colActsFor": {"Kan handle for", "Kan handle for", "Can act for"},
	"login.colAction":  {"Handling", "Handling", "Action"},
	"login.orgNo":      {"org.nr.", "org.nr.", "org. no."},
	"login.noRoles":    {"Ingen roller", "Ingen roller", "No roles"},
	"login.loginAs":    {"Logg inn som %s", "Logg inn som %s", "Log in as %s"},
	"login.submit":     {"Logg inn", "Logg inn", "Log in"},
	"login.other":      {"Annen person", "Annan person", "Another person"},
	"login.pid":        {"Fødselsnummer (11 siffer)", "Fødselsnummer (11 siffer)", "National identity number (11 digits)"},
	"login.badPID":     {"%q er ikke et gyldig fødselsnummer.", "%q er ikkje eit gyldig fødselsnummer.", "%q is not a valid national identity number."},
	"login.cancel":     {"Avbryt innloggingen", "Avbryt innlogginga", "Cancel the login"},

	"role.DAGL":           {"Daglig leder", "Dagleg leiar", "Managing director"},
	"role.LEDE":           {"Styrets leder", "Styreleiar", "Chair of the board"},
	"role.INNH":           {"Innehaver", "Innehavar", "Proprietor"},
	"role.REGN":           {"Regnskapsfører", "Rekneskapsførar", "Accountant"},
	"role.REVI":           {"Revisor", "Revisor", "Auditor"},
	"role.ACCESS_MANAGER": {"Tilgangsstyrer", "Tilgangsstyrar", "Access manager"},

	"error.title":         {"Innloggingen kan ikke fortsette", "Innlogginga kan ikkje halde fram", "The login cannot continue"},
	"error.status":        {"Statuskode %d", "Statuskode %d", "Status code %d"},
	"err.noClient":        {"Forespørselen mangler client_id.", "Førespurnaden manglar client_id.", "The request has no client_id."},
	"err.unknownClient":   {"Klienten %q er ikke registrert i ID-porten.", "Klienten %q er ikkje registrert i ID-porten.", "Client %q is not registered with ID-porten."},
	"err.noRedirect":      {"Forespørselen mangler redirect_uri.", "Førespurnaden manglar redirect_uri.", "The request has no redirect_uri."},
	"err.badRedirect":     {"redirect_uri %q er ikke registrert på klienten %s.", "redirect_uri %q er ikkje registrert på klienten %s.", "redirect_uri %q is not registered on client %s."},
	"err.loginRequest":    {"Innloggingen er utløpt eller allerede brukt. Start på nytt fra tjenesten.", "Innlogginga har gått ut eller er alt brukt. Start på nytt frå tenesta.", "The login has expired or was already used. Start again from the service."},
	"err.badLogoutClient": {"Fant ingen klient for utloggingen; post_logout_redirect_uri krever id_token_hint eller client_id.", "Fann ingen klient for utlogginga; post_logout_redirect_uri krev id_token_hint eller client_id.", "No client for the logout; post_logout_redirect_uri needs id_token_hint or client_id."},
	"err.badLogoutURI":    {"post_logout_redirect_uri %q er ikke registrert på klienten %s.", "post_logout_redirect_uri %q er ikkje registrert på klienten %s.", "post_logout_redirect_uri %q is not registered on client %s."},
	"err.internal":        {"Noe gikk galt. Prøv igjen senere.", "Noko gjekk gale. Prøv igjen seinare.", "Something went wrong. Try again later."},

	"logout.title": {"Logget ut", "Logga ut", "Logged out"},
	"logout.done":  {"Du er logget ut av ID-porten.", "Du er logga ut av ID-porten.", "You are logged out of ID-porten."},
}

// tr translates key; a missing key shows as itself (a test keeps that
// from happening).
func tr(lang, key string, args ...any) string { return messages.T(lang, key, args...) }

func roleName(lang, code string) string {
	if _, ok := messages["role."+code]; ok {
		return tr(lang, "role."+code)
	}
	return code
}
