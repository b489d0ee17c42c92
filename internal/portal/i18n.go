package portal

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Languages the portal speaks: Norwegian bokmål (the default, as Altinn's
// own portal) and English.
const (
	LangNB = "nb"
	LangEN = "en"
)

// LangCookie remembers the language a person picked with ?lang=.
const LangCookie = "altinn_sim_lang"

// pickLang chooses the page language: ?lang=, then the cookie, then
// Accept-Language, then bokmål. A ?lang= choice is remembered.
func pickLang(w http.ResponseWriter, r *http.Request, secure bool) string {
	if l := normLang(r.URL.Query().Get("lang")); l != "" {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(LangCookie); err == nil {
		if l := normLang(c.Value); l != "" {
			return l
		}
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l := normLang(tag); l != "" {
			return l
		}
	}
	return LangNB
}

func normLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	base, _, _ := strings.Cut(s, "-")
	switch base {
	case "nb", "no", "nn":
		return LangNB
	case "en":
		return LangEN
	}
	return ""
}

// msg is one text in both languages.
type msg struct{ nb, en string }

// messages holds every text the templates and handlers show. A test checks
// that every key a template uses is here, in both languages.
var messages = map[string]msg{
	"site.name":        {"Altinn-simulator", "Altinn simulator"},
	"site.skip":        {"Hopp til hovedinnhold", "Skip to main content"},
	"site.lang":        {"Språk", "Language"},
	"site.home":        {"Mine virksomheter", "My organisations"},
	"site.loggedInAs":  {"Logget inn som %s", "Logged in as %s"},
	"site.logout":      {"Logg ut", "Log out"},
	"site.login":       {"Logg inn", "Log in"},
	"site.testWarning": {"Dette er et testmiljø. Ingen ekte data.", "This is a test environment. No real data."},

	"login.title":         {"Logg inn i testmiljøet", "Log in to the test environment"},
	"login.intro":         {"Velg en testperson. Hver person kan handle for virksomhetene som står ved navnet.", "Pick a test person. Each person can act for the organisations listed by their name."},
	"login.persons":       {"Testpersoner", "Test persons"},
	"login.noRoles":       {"Ingen roller", "No roles"},
	"login.loginAs":       {"Logg inn som %s", "Log in as %s"},
	"login.other":         {"Annen person", "Another person"},
	"login.pid":           {"Fødselsnummer (11 siffer)", "National identity number (11 digits)"},
	"login.submit":        {"Logg inn", "Log in"},
	"login.unknown":       {"Fant ingen testperson med fødselsnummer %s.", "No test person has the national identity number %s."},
	"login.badPID":        {"Skriv et fødselsnummer på 11 siffer.", "Enter a national identity number of 11 digits."},
	"login.badState":      {"Innloggingen kom ikke fra denne nettleseren, eller den er utløpt. Logg inn på nytt.", "The login did not start in this browser, or it has expired. Log in again."},
	"login.cancelled":     {"Innloggingen ble avbrutt.", "The login was cancelled."},
	"login.failed":        {"Innloggingen i ID-porten kunne ikke fullføres. Logg inn på nytt.", "The ID-porten login could not be completed. Log in again."},
	"login.roleAt":        {"%s for %s (org.nr. %s)", "%s for %s (org. no. %s)"},
	"login.colPerson":     {"Person", "Person"},
	"login.colActsFor":    {"Kan handle for", "Can act for"},
	"login.colAction":     {"Handling", "Action"},
	"login.orgNo":         {"org.nr.", "org. no."},
	"logout.done":         {"Du er logget ut.", "You are logged out."},
	"csrf.invalid":        {"Skjemaet er utløpt eller ugyldig. Last siden på nytt og prøv igjen.", "The form has expired or is invalid. Reload the page and try again."},
	"session.required":    {"Du må logge inn først.", "You need to log in first."},
	"role.DAGL":           {"Daglig leder", "Managing director"},
	"role.LEDE":           {"Styrets leder", "Chair of the board"},
	"role.INNH":           {"Innehaver", "Proprietor"},
	"role.REGN":           {"Regnskapsfører", "Accountant"},
	"role.REVI":           {"Revisor", "Auditor"},
	"role.ACCESS_MANAGER": {"Tilgangsstyrer", "Access manager"},

	"request.title.standard": {"Forespørsel om systemtilgang", "Request for system access"},
	"request.title.agent":    {"Forespørsel om systemtilgang for kunder", "Request for system access for clients"},
	"request.title.change":   {"Forespørsel om endret systemtilgang", "Request to change system access"},
	"request.intro":          {"%s ber om at %s (org.nr. %s) gir systemet tilgang.", "%s asks %s (org. no. %s) to give the system access."},
	"request.system":         {"System", "System"},
	"request.vendor":         {"Leverandør", "Vendor"},
	"request.org":            {"Virksomhet", "Organisation"},
	"request.integration":    {"Navn på integrasjonen", "Integration name"},
	"request.rights":         {"Systemet får disse rettighetene", "The system gets these rights"},
	"request.packages":       {"Systemet får disse tilgangspakkene", "The system gets these access packages"},
	"request.agentPackages":  {"Systemet får disse tilgangspakkene for kundene dine", "The system gets these access packages for your clients"},
	"request.addRights":      {"Rettigheter som legges til", "Rights to add"},
	"request.removeRights":   {"Rettigheter som fjernes", "Rights to remove"},
	"request.addPackages":    {"Tilgangspakker som legges til", "Access packages to add"},
	"request.removePackages": {"Tilgangspakker som fjernes", "Access packages to remove"},
	"request.none":           {"Ingen", "None"},
	"request.approve":        {"Godkjenn", "Approve"},
	"request.reject":         {"Avvis", "Reject"},
	"request.status":         {"Status", "Status"},
	"request.created":        {"Opprettet", "Created"},
	"request.continue":       {"Gå tilbake til leverandøren", "Go back to the vendor"},
	"request.done.Accepted":  {"Forespørselen er godkjent.", "The request has been approved."},
	"request.done.Rejected":  {"Forespørselen er avvist.", "The request has been rejected."},
	"request.done.Denied":    {"Forespørselen er avslått.", "The request has been denied."},
	"request.done.Timedout":  {"Forespørselen er utløpt og kan ikke lenger godkjennes.", "The request has expired and can no longer be approved."},
	"request.notFound":       {"Fant ikke forespørselen. Den kan være slettet eller utløpt.", "The request was not found. It may have been deleted or have expired."},
	"request.badID":          {"Lenken mangler en gyldig forespørsels-ID.", "The link lacks a valid request id."},
	"request.approveHint":    {"Når du godkjenner, opprettes en systembruker for virksomheten, og systemet kan bruke tilgangene over.", "When you approve, a system user is created for the organisation, and the system can use the access above."},

	"status.New":      {"Venter på svar", "Awaiting an answer"},
	"status.Accepted": {"Godkjent", "Approved"},
	"status.Rejected": {"Avvist", "Rejected"},
	"status.Denied":   {"Avslått", "Denied"},
	"status.Timedout": {"Utløpt", "Expired"},

	"refused.title":  {"Du kan ikke godkjenne denne forespørselen", "You cannot approve this request"},
	"refused.body":   {"%s har ikke rettighet til å gi tilganger for %s (org.nr. %s).", "%s has no right to give access on behalf of %s (org. no. %s)."},
	"refused.who":    {"Bare daglig leder (eller en annen hovedadministrator) eller en tilgangsstyrer i virksomheten kan godkjenne.", "Only the managing director (or another main administrator) or an access manager of the organisation can approve."},
	"refused.switch": {"Logg inn som en annen person", "Log in as another person"},
	"refused.manage": {"Du kan ikke administrere tilganger for %s (org.nr. %s).", "You cannot manage access for %s (org. no. %s)."},

	"home.title":   {"Mine virksomheter", "My organisations"},
	"home.intro":   {"Virksomheter du kan handle for.", "Organisations you can act for."},
	"home.none":    {"Du kan ikke handle for noen virksomheter.", "You cannot act for any organisation."},
	"home.manage":  {"Administrer systemtilganger", "Manage system access"},
	"home.noAdmin": {"Du kan ikke administrere tilganger her.", "You cannot manage access here."},

	"org.title":           {"Systemtilganger for %s", "System access for %s"},
	"org.systemUsers":     {"Systembrukere", "System users"},
	"org.noSystemUsers":   {"Virksomheten har ingen systembrukere.", "The organisation has no system users."},
	"org.pending":         {"Forespørsler som venter på svar", "Requests awaiting an answer"},
	"org.noPending":       {"Ingen forespørsler venter.", "No requests are waiting."},
	"org.open":            {"Åpne", "Open"},
	"org.delete":          {"Slett", "Delete"},
	"org.deleteNamed":     {"Slett %s", "Delete %s"},
	"org.details":         {"Detaljer", "Details"},
	"org.colName":         {"Navn", "Name"},
	"org.colSystem":       {"System", "System"},
	"org.colType":         {"Type", "Type"},
	"org.colCreated":      {"Opprettet", "Created"},
	"org.colActions":      {"Handlinger", "Actions"},
	"org.colKind":         {"Type forespørsel", "Kind of request"},
	"type.standard":       {"Standard", "Standard"},
	"type.agent":          {"Kundesystembruker", "Agent (clients)"},
	"type.change":         {"Endring", "Change"},
	"flash.deleted":       {"Systembrukeren er slettet.", "The system user has been deleted."},
	"flash.clientAdded":   {"Kunden er lagt til.", "The client has been added."},
	"flash.clientRemoved": {"Kunden er fjernet.", "The client has been removed."},
	"flash.approved":      {"Forespørselen er godkjent. Du er logget ut.", "The request has been approved. You are logged out."},
	"flash.rejected":      {"Forespørselen er avvist. Du er logget ut.", "The request has been rejected. You are logged out."},
	"flash.loggedIn":      {"Du er logget inn.", "You are logged in."},

	"create.title":       {"Opprett systembruker", "Create a system user"},
	"create.intro":       {"Velg virksomheten du handler for og et system fra systemregisteret. Systemet får tilgangene som står under når du oppretter systembrukeren.", "Pick the organisation you act for and a system from the system register. The system gets the access listed below when you create the system user."},
	"create.noOrgs":      {"Du kan ikke administrere tilganger for noen virksomhet, og kan derfor ikke opprette systembrukere.", "You cannot manage access for any organisation, so you cannot create system users."},
	"create.org":         {"Virksomhet du handler for", "Organisation you act for"},
	"create.search":      {"Søk etter system (navn eller leverandør)", "Search for a system (name or vendor)"},
	"create.find":        {"Vis systemer", "Show systems"},
	"create.systems":     {"Systemer i systemregisteret", "Systems in the system register"},
	"create.noSystems":   {"Ingen systemer passer søket.", "No system matches the search."},
	"create.choose":      {"Velg", "Choose"},
	"create.chooseNamed": {"Velg %s", "Choose %s"},
	"create.chosen":      {"Valgt", "Chosen"},
	"create.hint":        {"Når du oppretter systembrukeren, kan systemet bruke tilgangene over på vegne av virksomheten.", "When you create the system user, the system can use the access above on behalf of the organisation."},
	"create.submit":      {"Opprett systembruker", "Create system user"},
	"create.noSystem":    {"Fant ikke systemet i systemregisteret, eller det kan ikke velges her.", "The system was not found in the system register, or it cannot be chosen here."},
	"create.exists":      {"%s har allerede en systembruker for %s. Det kan bare være én systembruker per system og virksomhet (AUTH-00004).", "%s already has a system user for %s. There can be only one system user per system and organisation (AUTH-00004)."},
	"flash.created":      {"Systembrukeren er opprettet.", "The system user has been created."},
	"home.create":        {"Opprett systembruker", "Create a system user"},

	"su.title":       {"Systembruker: %s", "System user: %s"},
	"su.clients":     {"Kunder systembrukeren kan handle for", "Clients the system user can act for"},
	"su.noClients":   {"Ingen kunder er lagt til.", "No clients have been added."},
	"su.available":   {"Kunder du kan legge til", "Clients you can add"},
	"su.noAvailable": {"Ingen flere kunder har de tilgangspakkene systemet trenger.", "No more clients hold the access packages the system needs."},
	"su.add":         {"Legg til", "Add"},
	"su.addNamed":    {"Legg til %s", "Add %s"},
	"su.remove":      {"Fjern", "Remove"},
	"su.removeNamed": {"Fjern %s", "Remove %s"},
	"su.colClient":   {"Kunde", "Client"},
	"su.colPackages": {"Tilgangspakker", "Access packages"},
	"su.notFound":    {"Fant ikke systembrukeren.", "The system user was not found."},
	"su.back":        {"Tilbake til oversikten", "Back to the overview"},
	"su.externalRef": {"Ekstern referanse", "External reference"},

	"why.link":  {"Hvorfor?", "Why?"},
	"why.label": {"Hvorfor har systemet tilgang til %s?", "Why does the system have access to %s?"},

	"error.title":      {"Noe gikk galt", "Something went wrong"},
	"error.status":     {"Feilkode %d", "Error code %d"},
	"error.notFound":   {"Siden finnes ikke.", "The page does not exist."},
	"error.internal":   {"En feil oppstod. Prøv igjen senere.", "An error occurred. Try again later."},
	"error.back":       {"Til forsiden", "To the front page"},
	"error.badRequest": {"Skjemaet mangler noe. Gå tilbake og prøv igjen.", "The form lacks something. Go back and try again."},
	"error.forbidden":  {"Du har ikke tilgang til dette.", "You do not have access to this."},
}

// tr translates key into lang, formatting args into it. A missing key
// shows as the key itself, so a mistake is visible rather than blank.
func tr(lang, key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m.nb
	if lang == LangEN {
		s = m.en
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

var monthsNB = [...]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"}

// formatDate writes a date the way each language expects it.
func formatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.Local()
	if lang == LangEN {
		return t.Format("2 January 2006 15:04")
	}
	return fmt.Sprintf("%d. %s %d %s", t.Day(), monthsNB[t.Month()-1], t.Year(), t.Format("15:04"))
}
