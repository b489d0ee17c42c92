package portal

import (
	"fmt"
	"net/http"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/i18n"
)

// Languages the portal speaks: Norwegian bokmål (the default, as Altinn's
// own portal), Norwegian nynorsk and English.
const (
	LangNB = i18n.NB
	LangNN = i18n.NN
	LangEN = i18n.EN
)

// LangCookie remembers the language a person picked with ?lang=.
const LangCookie = i18n.Cookie

// pickLang chooses the page language (i18n.FromRequest) and remembers a
// ?lang= choice.
func pickLang(w http.ResponseWriter, r *http.Request, secure bool) string {
	if l := normLang(r.URL.Query().Get("lang")); l != "" {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	}
	return i18n.FromRequest(r)
}
func normLang(s string) string { return i18n.Norm(s) }

// msg is one text in each language.
type msg = i18n.Text

// messages holds every text the templates and handlers show. A test checks
// that every key a template uses is here, in every language.
var messages = i18n.Catalog{
	"site.name":        {"Altinn-simulator", "Altinn-simulator", "Altinn simulator"},
	"site.skip":        {"Hopp til hovedinnhold", "Hopp til hovudinnhaldet", "Skip to main content"},
	"site.lang":        {"Språk", "Språk", "Language"},
	"site.home":        {"Mine virksomheter", "Verksemdene mine", "My organisations"},
	"site.loggedInAs":  {"Logget inn som %s", "Logga inn som %s", "Logged in as %s"},
	"site.logout":      {"Logg ut", "Logg ut", "Log out"},
	"site.login":       {"Logg inn", "Logg inn", "Log in"},
	"site.testWarning": {"Dette er et testmiljø. Ingen ekte data.", "Dette er eit testmiljø. Ingen ekte data.", "This is a test environment. No real data."},

	"login.title":         {"Logg inn i testmiljøet", "Logg inn i testmiljøet", "Log in to the test environment"},
	"login.intro":         {"Velg en testperson. Hver person kan handle for virksomhetene som står ved navnet.", "Vel ein testperson. Kvar person kan handle for verksemdene som står ved namnet.", "Pick a test person. Each person can act for the organisations listed by their name."},
	"login.persons":       {"Testpersoner", "Testpersonar", "Test persons"},
	"login.noRoles":       {"Ingen roller", "Ingen roller", "No roles"},
	"login.loginAs":       {"Logg inn som %s", "Logg inn som %s", "Log in as %s"},
	"login.other":         {"Annen person", "Annan person", "Another person"},
	"login.pid":           {"Fødselsnummer (11 siffer)", "Fødselsnummer (11 siffer)", "National identity number (11 digits)"},
	"login.submit":        {"Logg inn", "Logg inn", "Log in"},
	"login.unknown":       {"Fant ingen testperson med fødselsnummer %s.", "Fann ingen testperson med fødselsnummer %s.", "No test person has the national identity number %s."},
	"login.badPID":        {"Skriv et fødselsnummer på 11 siffer.", "Skriv eit fødselsnummer på 11 siffer.", "Enter a national identity number of 11 digits."},
	"login.badState":      {"Innloggingen kom ikke fra denne nettleseren, eller den er utløpt. Logg inn på nytt.", "Innlogginga kom ikkje frå denne nettlesaren, eller ho har gått ut. Logg inn på nytt.", "The login did not start in this browser, or it has expired. Log in again."},
	"login.cancelled":     {"Innloggingen ble avbrutt.", "Innlogginga vart avbroten.", "The login was cancelled."},
	"login.failed":        {"Innloggingen i ID-porten kunne ikke fullføres. Logg inn på nytt.", "Innlogginga i ID-porten kunne ikkje fullførast. Logg inn på nytt.", "The ID-porten login could not be completed. Log in again."},
	"login.roleAt":        {"%s for %s (org.nr. %s)", "%s for %s (org.nr. %s)", "%s for %s (org. no. %s)"},
	"login.colPerson":     {"Person", "Person", "Person"},
	"login.colActsFor":    {"Kan handle for", "Kan handle for", "Can act for"},
	"login.colAction":     {"Handling", "Handling", "Action"},
	"login.orgNo":         {"org.nr.", "org.nr.", "org. no."},
	"logout.done":         {"Du er logget ut.", "Du er logga ut.", "You are logged out."},
	"csrf.invalid":        {"Skjemaet er utløpt eller ugyldig. Last siden på nytt og prøv igjen.", "Skjemaet er gått ut eller er ugyldig. Last sida på nytt og prøv igjen.", "The form has expired or is invalid. Reload the page and try again."},
	"session.required":    {"Du må logge inn først.", "Du må logge inn først.", "You need to log in first."},
	"role.DAGL":           {"Daglig leder", "Dagleg leiar", "Managing director"},
	"role.LEDE":           {"Styrets leder", "Styreleiar", "Chair of the board"},
	"role.INNH":           {"Innehaver", "Innehavar", "Proprietor"},
	"role.REGN":           {"Regnskapsfører", "Rekneskapsførar", "Accountant"},
	"role.REVI":           {"Revisor", "Revisor", "Auditor"},
	"role.ACCESS_MANAGER": {"Tilgangsstyrer", "Tilgangsstyrar", "Access manager"},

	"request.title.standard": {"Forespørsel om systemtilgang", "Førespurnad om systemtilgang", "Request for system access"},
	"request.title.agent":    {"Forespørsel om systemtilgang for kunder", "Førespurnad om systemtilgang for kundar", "Request for system access for clients"},
	"request.title.change":   {"Forespørsel om endret systemtilgang", "Førespurnad om endra systemtilgang", "Request to change system access"},
	"request.intro":          {"%s ber om at %s (org.nr. %s) gir systemet tilgang.", "%s ber om at %s (org.nr. %s) gir systemet tilgang.", "%s asks %s (org. no. %s) to give the system access."},
	"request.system":         {"System", "System", "System"},
	"request.vendor":         {"Leverandør", "Leverandør", "Vendor"},
	"request.org":            {"Virksomhet", "Verksemd", "Organisation"},
	"request.integration":    {"Navn på integrasjonen", "Namn på integrasjonen", "Integration name"},
	"request.rights":         {"Systemet får disse rettighetene", "Systemet får desse rettane", "The system gets these rights"},
	"request.packages":       {"Systemet får disse tilgangspakkene", "Systemet får desse tilgangspakkane", "The system gets these access packages"},
	"request.agentPackages":  {"Systemet får disse tilgangspakkene for kundene dine", "Systemet får desse tilgangspakkane for kundane dine", "The system gets these access packages for your clients"},
	"request.addRights":      {"Rettigheter som legges til", "Rettar som blir lagde til", "Rights to add"},
	"request.removeRights":   {"Rettigheter som fjernes", "Rettar som blir fjerna", "Rights to remove"},
	"request.addPackages":    {"Tilgangspakker som legges til", "Tilgangspakkar som blir lagde til", "Access packages to add"},
	"request.removePackages": {"Tilgangspakker som fjernes", "Tilgangspakkar som blir fjerna", "Access packages to remove"},
	"request.none":           {"Ingen", "Ingen", "None"},
	"request.approve":        {"Godkjenn", "Godkjenn", "Approve"},
	"request.reject":         {"Avvis", "Avvis", "Reject"},
	"request.status":         {"Status", "Status", "Status"},
	"request.created":        {"Opprettet", "Oppretta", "Created"},
	"request.continue":       {"Gå tilbake til leverandøren", "Gå tilbake til leverandøren", "Go back to the vendor"},
	"request.done.Accepted":  {"Forespørselen er godkjent.", "Førespurnaden er godkjend.", "The request has been approved."},
	"request.done.Rejected":  {"Forespørselen er avvist.", "Førespurnaden er avvist.", "The request has been rejected."},
	"request.done.Denied":    {"Forespørselen er avslått.", "Førespurnaden er avslått.", "The request has been denied."},
	"request.done.Timedout":  {"Forespørselen er utløpt og kan ikke lenger godkjennes.", "Førespurnaden har gått ut og kan ikkje lenger godkjennast.", "The request has expired and can no longer be approved."},
	"request.notFound":       {"Fant ikke forespørselen. Den kan være slettet eller utløpt.", "Fann ikkje førespurnaden. Han kan vere sletta eller ha gått ut.", "The request was not found. It may have been deleted or have expired."},
	"request.badID":          {"Lenken mangler en gyldig forespørsels-ID.", "Lenkja manglar ein gyldig førespurnads-ID.", "The link lacks a valid request id."},
	"request.agentHint":      {"Når du godkjenner, opprettes en systembruker for virksomheten. Etterpå velger du hvilke kunder systembrukeren kan handle for.", "Når du godkjenner, blir det oppretta ein systembrukar for verksemda. Etterpå vel du kva kundar systembrukaren kan handle for.", "When you approve, a system user is created for the organisation. Afterwards you choose which clients the system user can act for."},
	"request.changeHint":     {"Når du godkjenner, endres den eksisterende systembrukeren: rettighetene og tilgangspakkene over legges til eller fjernes. Ingen ny systembruker opprettes.", "Når du godkjenner, blir den eksisterande systembrukaren endra: rettane og tilgangspakkane over blir lagde til eller fjerna. Det blir ikkje oppretta nokon ny systembrukar.", "When you approve, the existing system user is changed: the rights and access packages above are added or removed. No new system user is created."},
	"request.approveHint":    {"Når du godkjenner, opprettes en systembruker for virksomheten, og systemet kan bruke tilgangene over.", "Når du godkjenner, blir det oppretta ein systembrukar for verksemda, og systemet kan bruke tilgangane over.", "When you approve, a system user is created for the organisation, and the system can use the access above."},

	"status.New":      {"Venter på svar", "Ventar på svar", "Awaiting an answer"},
	"status.Accepted": {"Godkjent", "Godkjend", "Approved"},
	"status.Rejected": {"Avvist", "Avvist", "Rejected"},
	"status.Denied":   {"Avslått", "Avslått", "Denied"},
	"status.Timedout": {"Utløpt", "Gått ut", "Expired"},

	"refused.title":       {"Du kan ikke godkjenne denne forespørselen", "Du kan ikkje godkjenne denne førespurnaden", "You cannot approve this request"},
	"refused.titleManage": {"Du kan ikke administrere tilganger her", "Du kan ikkje administrere tilgangar her", "You cannot manage access here"},
	"refused.body":        {"%s har ikke rettighet til å gi tilganger for %s (org.nr. %s).", "%s har ikkje rett til å gi tilgangar for %s (org.nr. %s).", "%s has no right to give access on behalf of %s (org. no. %s)."},
	"refused.who":         {"Bare daglig leder (eller en annen hovedadministrator) eller en tilgangsstyrer i virksomheten kan godkjenne.", "Berre dagleg leiar (eller ein annan hovudadministrator) eller ein tilgangsstyrar i verksemda kan godkjenne.", "Only the managing director (or another main administrator) or an access manager of the organisation can approve."},
	"refused.switch":      {"Logg inn som en annen person", "Logg inn som ein annan person", "Log in as another person"},
	"refused.manage":      {"Du kan ikke administrere tilganger for %s (org.nr. %s).", "Du kan ikkje administrere tilgangar for %s (org.nr. %s).", "You cannot manage access for %s (org. no. %s)."},

	"home.title":   {"Mine virksomheter", "Verksemdene mine", "My organisations"},
	"home.intro":   {"Virksomheter du kan handle for.", "Verksemder du kan handle for.", "Organisations you can act for."},
	"home.none":    {"Du kan ikke handle for noen virksomheter.", "Du kan ikkje handle for nokon verksemder.", "You cannot act for any organisation."},
	"home.manage":  {"Administrer systemtilganger", "Administrer systemtilgangar", "Manage system access"},
	"home.noAdmin": {"Du kan ikke administrere tilganger her.", "Du kan ikkje administrere tilgangar her.", "You cannot manage access here."},

	"org.title":           {"Systemtilganger for %s", "Systemtilgangar for %s", "System access for %s"},
	"org.systemUsers":     {"Systembrukere", "Systembrukarar", "System users"},
	"org.noSystemUsers":   {"Virksomheten har ingen systembrukere.", "Verksemda har ingen systembrukarar.", "The organisation has no system users."},
	"org.pending":         {"Forespørsler som venter på svar", "Førespurnader som ventar på svar", "Requests awaiting an answer"},
	"org.noPending":       {"Ingen forespørsler venter.", "Ingen førespurnader ventar.", "No requests are waiting."},
	"org.open":            {"Åpne", "Opne", "Open"},
	"org.delete":          {"Slett", "Slett", "Delete"},
	"org.deleteNamed":     {"Slett %s", "Slett %s", "Delete %s"},
	"org.details":         {"Detaljer", "Detaljar", "Details"},
	"org.colName":         {"Navn", "Namn", "Name"},
	"org.colSystem":       {"System", "System", "System"},
	"org.colType":         {"Type", "Type", "Type"},
	"org.colCreated":      {"Opprettet", "Oppretta", "Created"},
	"org.colActions":      {"Handlinger", "Handlingar", "Actions"},
	"org.colKind":         {"Type forespørsel", "Type førespurnad", "Kind of request"},
	"type.standard":       {"Standard", "Standard", "Standard"},
	"type.agent":          {"Kundesystembruker", "Kundesystembrukar", "Agent (clients)"},
	"type.change":         {"Endring", "Endring", "Change"},
	"flash.deleted":       {"Systembrukeren er slettet.", "Systembrukaren er sletta.", "The system user has been deleted."},
	"flash.clientAdded":   {"Kunden er lagt til.", "Kunden er lagd til.", "The client has been added."},
	"flash.apiDelegated":  {"API-tilgangen er delegert.", "API-tilgangen er delegert.", "The API access has been delegated."},
	"flash.apiWithdrawn":  {"Delegeringen er trukket tilbake.", "Delegeringa er trekt tilbake.", "The delegation has been withdrawn."},
	"api.title":           {"API-tilganger for %s", "API-tilgangar for %s", "API access for %s"},
	"api.link":            {"Delegerte API-tilganger", "Delegerte API-tilgangar", "Delegated API access"},
	"api.intro":           {"Her gir du en leverandør tilgang til et API virksomheten har fått i Maskinporten. Leverandøren ber da om token med consumer_org satt til virksomhetens organisasjonsnummer.", "Her gir du ein leverandør tilgang til eit API verksemda har fått i Maskinporten. Leverandøren ber då om token med consumer_org sett til organisasjonsnummeret til verksemda.", "Here you give a supplier access to an API your organisation was granted in Maskinporten. The supplier then asks for tokens with consumer_org set to your organisation number."},
	"api.given":           {"Delegert til leverandører", "Delegert til leverandørar", "Delegated to suppliers"},
	"api.noGiven":         {"Virksomheten har ikke delegert API-tilganger.", "Verksemda har ikkje delegert API-tilgangar.", "The organisation has delegated no API access."},
	"api.colScheme":       {"API", "API", "API"},
	"api.colSupplier":     {"Leverandør", "Leverandør", "Supplier"},
	"api.withdraw":        {"Trekk tilbake", "Trekk tilbake", "Withdraw"},
	"api.withdrawNamed":   {"Trekk tilbake %s fra %s", "Trekk tilbake %s frå %s", "Withdraw %s from %s"},
	"api.giveBack":        {"Gi fra deg %s mottatt fra %s", "Gi frå deg %s motteke frå %s", "Give back %s received from %s"},
	"api.give":            {"Deleger API-tilgang", "Deleger API-tilgang", "Delegate API access"},
	"api.scheme":          {"API (delegeringsoppsett)", "API (delegeringsoppsett)", "API (delegation scheme)"},
	"api.supplier":        {"Leverandørens organisasjonsnummer", "Organisasjonsnummeret til leverandøren", "The supplier's organisation number"},
	"api.delegate":        {"Deleger", "Deleger", "Delegate"},
	"api.noSchemes":       {"Ingen API-tilbydere har delegeringsoppsett.", "Ingen API-tilbydarar har delegeringsoppsett.", "No API provider offers a delegation scheme."},
	"api.received":        {"Delegert til virksomheten", "Delegert til verksemda", "Delegated to the organisation"},
	"api.noReceived":      {"Ingen har delegert API-tilganger til virksomheten.", "Ingen har delegert API-tilgangar til verksemda.", "Nobody has delegated API access to the organisation."},
	"api.from":            {"fra %s (org.nr. %s)", "frå %s (org.nr. %s)", "from %s (org. no. %s)"},
	"api.back":            {"Tilbake til virksomheten", "Tilbake til verksemda", "Back to the organisation"},
	"flash.clientRemoved": {"Kunden er fjernet.", "Kunden er fjerna.", "The client has been removed."},
	"flash.approved":      {"Forespørselen er godkjent. Du er logget ut.", "Førespurnaden er godkjend. Du er logga ut.", "The request has been approved. You are logged out."},
	"flash.rejected":      {"Forespørselen er avvist. Du er logget ut.", "Førespurnaden er avvist. Du er logga ut.", "The request has been rejected. You are logged out."},
	"flash.loggedIn":      {"Du er logget inn.", "Du er logga inn.", "You are logged in."},

	"create.title":       {"Opprett systembruker", "Opprett systembrukar", "Create a system user"},
	"create.intro":       {"Velg virksomheten du handler for og et system fra systemregisteret. Systemet får tilgangene som står under når du oppretter systembrukeren.", "Vel verksemda du handlar for og eit system frå systemregisteret. Systemet får tilgangane som står under når du opprettar systembrukaren.", "Pick the organisation you act for and a system from the system register. The system gets the access listed below when you create the system user."},
	"create.noOrgs":      {"Du kan ikke administrere tilganger for noen virksomhet, og kan derfor ikke opprette systembrukere.", "Du kan ikkje administrere tilgangar for nokon verksemd, og kan difor ikkje opprette systembrukarar.", "You cannot manage access for any organisation, so you cannot create system users."},
	"create.org":         {"Virksomhet du handler for", "Verksemd du handlar for", "Organisation you act for"},
	"create.search":      {"Søk etter system (navn eller leverandør)", "Søk etter system (namn eller leverandør)", "Search for a system (name or vendor)"},
	"create.find":        {"Vis systemer", "Vis system", "Show systems"},
	"create.systems":     {"Systemer i systemregisteret", "System i systemregisteret", "Systems in the system register"},
	"create.noSystems":   {"Ingen systemer passer søket.", "Ingen system passar til søket.", "No system matches the search."},
	"create.choose":      {"Velg", "Vel", "Choose"},
	"create.chooseNamed": {"Velg %s", "Vel %s", "Choose %s"},
	"create.chosen":      {"Valgt", "Valt", "Chosen"},
	"create.hint":        {"Når du oppretter systembrukeren, kan systemet bruke tilgangene over på vegne av virksomheten.", "Når du opprettar systembrukaren, kan systemet bruke tilgangane over på vegner av verksemda.", "When you create the system user, the system can use the access above on behalf of the organisation."},
	"create.submit":      {"Opprett systembruker", "Opprett systembrukar", "Create system user"},
	"create.noSystem":    {"Fant ikke systemet i systemregisteret, eller det kan ikke velges her.", "Fann ikkje systemet i systemregisteret, eller det kan ikkje veljast her.", "The system was not found in the system register, or it cannot be chosen here."},
	"create.exists":      {"%s har allerede en systembruker for %s. Det kan bare være én systembruker per system og virksomhet (AUTH-00004).", "%s har allereie ein systembrukar for %s. Det kan berre vere éin systembrukar per system og verksemd (AUTH-00004).", "%s already has a system user for %s. There can be only one system user per system and organisation (AUTH-00004)."},
	"flash.created":      {"Systembrukeren er opprettet.", "Systembrukaren er oppretta.", "The system user has been created."},
	"home.create":        {"Opprett systembruker", "Opprett systembrukar", "Create a system user"},

	"su.title":       {"Systembruker: %s", "Systembrukar: %s", "System user: %s"},
	"su.clients":     {"Kunder systembrukeren kan handle for", "Kundar systembrukaren kan handle for", "Clients the system user can act for"},
	"su.noClients":   {"Ingen kunder er lagt til.", "Ingen kundar er lagde til.", "No clients have been added."},
	"su.available":   {"Kunder du kan legge til", "Kundar du kan leggje til", "Clients you can add"},
	"su.noAvailable": {"Ingen flere kunder har de tilgangspakkene systemet trenger.", "Ingen fleire kundar har tilgangspakkane systemet treng.", "No more clients hold the access packages the system needs."},
	"su.add":         {"Legg til", "Legg til", "Add"},
	"su.addNamed":    {"Legg til %s", "Legg til %s", "Add %s"},
	"su.remove":      {"Fjern", "Fjern", "Remove"},
	"su.removeNamed": {"Fjern %s", "Fjern %s", "Remove %s"},
	"su.colClient":   {"Kunde", "Kunde", "Client"},
	"su.colPackages": {"Tilgangspakker", "Tilgangspakkar", "Access packages"},
	"su.notFound":    {"Fant ikke systembrukeren.", "Fann ikkje systembrukaren.", "The system user was not found."},
	"su.back":        {"Tilbake til oversikten", "Tilbake til oversikta", "Back to the overview"},
	"su.externalRef": {"Ekstern referanse", "Ekstern referanse", "External reference"},

	"why.link":  {"Hvorfor?", "Kvifor?", "Why?"},
	"why.label": {"Hvorfor har systemet tilgang til %s?", "Kvifor har systemet tilgang til %s?", "Why does the system have access to %s?"},

	"error.title":      {"Noe gikk galt", "Noko gjekk gale", "Something went wrong"},
	"error.status":     {"Feilkode %d", "Feilkode %d", "Error code %d"},
	"error.notFound":   {"Siden finnes ikke.", "Sida finst ikkje.", "The page does not exist."},
	"error.internal":   {"En feil oppstod. Prøv igjen senere.", "Det oppstod ein feil. Prøv igjen seinare.", "An error occurred. Try again later."},
	"error.back":       {"Til forsiden", "Til framsida", "To the front page"},
	"error.badRequest": {"Skjemaet mangler noe. Gå tilbake og prøv igjen.", "Skjemaet manglar noko. Gå tilbake og prøv igjen.", "The form lacks something. Go back and try again."},
	"error.forbidden":  {"Du har ikke tilgang til dette.", "Du har ikkje tilgang til dette.", "You do not have access to this."},
}

// tr translates key into lang, formatting args into it. A missing key
// shows as the key itself, so a mistake is visible rather than blank.
func tr(lang, key string, args ...any) string { return messages.T(lang, key, args...) }

// The months are spelt alike in bokmål and nynorsk.
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
