package onboarding

import (
	"fmt"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/i18n"
)

// messages holds every text the pages show, in bokmål, nynorsk and
// English. A test checks that every key a template uses is here.
var messages = i18n.Catalog{
	"site.name":        {"Maskinporten – selvbetjening", "Maskinporten – sjølvbetening", "Maskinporten – self-service"},
	"site.skip":        {"Hopp til hovedinnhold", "Hopp til hovudinnhaldet", "Skip to main content"},
	"site.lang":        {"Språk", "Språk", "Language"},
	"site.orgs":        {"Velg virksomhet", "Vel verksemd", "Choose organisation"},
	"site.loggedInAs":  {"Logget inn som %s", "Logga inn som %s", "Logged in as %s"},
	"site.logout":      {"Logg ut", "Logg ut", "Log out"},
	"site.testWarning": {"Dette er et testmiljø. Ingen ekte data.", "Dette er eit testmiljø. Ingen ekte data.", "This is a test environment. No real data."},
	"orgNo":            {"org.nr.", "org.nr.", "org. no."},

	"orgs.title": {"Hvilken virksomhet vil du representere?", "Kva verksemd vil du representere?", "Which organisation do you act for?"},
	"orgs.intro": {"Du kan administrere Maskinporten-integrasjoner for virksomheter der du er daglig leder eller har en annen rolle som gir rett til å gi tilganger.",
		"Du kan administrere Maskinporten-integrasjonar for verksemder der du er dagleg leiar eller har ei anna rolle som gir rett til å gi tilgangar.",
		"You can manage Maskinporten integrations for organisations where you are managing director or hold another role that may give access."},
	"orgs.none": {"Du har ingen rolle som gir rett til å administrere integrasjoner for en virksomhet. Logg inn som en annen testperson.",
		"Du har inga rolle som gir rett til å administrere integrasjonar for ei verksemd. Logg inn som ein annan testperson.",
		"You hold no role that lets you manage integrations for an organisation. Log in as another test person."},

	"integrations.title":    {"Integrasjoner for %s", "Integrasjonar for %s", "Integrations of %s"},
	"integrations.new":      {"Ny integrasjon", "Ny integrasjon", "New integration"},
	"integrations.none":     {"Virksomheten har ingen Maskinporten-integrasjoner ennå.", "Verksemda har ingen Maskinporten-integrasjonar enno.", "The organisation has no Maskinporten integrations yet."},
	"integrations.name":     {"Navn", "Namn", "Name"},
	"integrations.clientID": {"Klient-ID", "Klient-ID", "Client ID"},
	"integrations.scopes":   {"Scopes", "Scopes", "Scopes"},
	"integrations.keys":     {"Nøkler", "Nøklar", "Keys"},
	"integrations.created":  {"Opprettet", "Oppretta", "Created"},

	"new.title":       {"Ny Maskinporten-integrasjon", "Ny Maskinporten-integrasjon", "New Maskinporten integration"},
	"new.intro":       {"Søk opp scopene integrasjonen trenger, legg dem til, og beskriv integrasjonen. Du kan bare velge scopes virksomheten har tilgang til.", "Søk opp scopa integrasjonen treng, legg dei til, og skildre integrasjonen. Du kan berre velje scopes verksemda har tilgang til.", "Search for the scopes the integration needs, add them, and describe the integration. You can only choose scopes the organisation has access to."},
	"new.search":      {"Søk etter scope", "Søk etter scope", "Search for a scope"},
	"new.find":        {"Søk", "Søk", "Search"},
	"new.found":       {"Scopes virksomheten kan bruke", "Scopes verksemda kan bruke", "Scopes the organisation may use"},
	"new.noneFound":   {"Ingen scopes passer søket.", "Ingen scopes passar søket.", "No scope matches the search."},
	"new.add":         {"Legg til", "Legg til", "Add"},
	"new.addNamed":    {"Legg til %s", "Legg til %s", "Add %s"},
	"new.added":       {"Lagt til", "Lagt til", "Added"},
	"new.chosen":      {"Valgte scopes", "Valde scopes", "Chosen scopes"},
	"new.noneChosen":  {"Ingen scopes er valgt ennå.", "Ingen scopes er valde enno.", "No scopes chosen yet."},
	"new.remove":      {"Fjern", "Fjern", "Remove"},
	"new.removeNamed": {"Fjern %s", "Fjern %s", "Remove %s"},
	"new.describe":    {"Beskriv integrasjonen", "Skildre integrasjonen", "Describe the integration"},
	"new.name":        {"Navn", "Namn", "Name"},
	"new.description": {"Beskrivelse", "Skildring", "Description"},
	"new.keysHint":    {"Når du oppretter integrasjonen, lager vi et nøkkelpar. Den private nøkkelen vises bare én gang.", "Når du opprettar integrasjonen, lagar vi eit nøkkelpar. Den private nøkkelen blir vist berre éin gong.", "When you create the integration, a key pair is made. The private key is shown only once."},
	"new.submit":      {"Opprett integrasjon", "Opprett integrasjon", "Create integration"},
	"new.errors":      {"Integrasjonen ble ikke opprettet:", "Integrasjonen vart ikkje oppretta:", "The integration was not created:"},

	"keys.titleCreated": {"Integrasjonen er opprettet", "Integrasjonen er oppretta", "The integration has been created"},
	"keys.titleNew":     {"Ny nøkkel er laget", "Ny nøkkel er laga", "A new key has been made"},
	"keys.once":         {"Last ned den private nøkkelen nå. Den vises bare her, og vi har ikke tatt vare på den: lukker du siden, må du lage en ny nøkkel.", "Last ned den private nøkkelen no. Han blir berre vist her, og vi har ikkje teke vare på han: lukkar du sida, må du lage ein ny nøkkel.", "Download the private key now. It is shown only here, and we have not kept it: if you close this page you must make a new key."},
	"keys.downloadPEM":  {"Last ned privat nøkkel (PEM)", "Last ned privat nøkkel (PEM)", "Download private key (PEM)"},
	"keys.downloadJWK":  {"Last ned privat nøkkel (JWK)", "Last ned privat nøkkel (JWK)", "Download private key (JWK)"},
	"keys.kid":          {"Nøkkel-ID (kid)", "Nøkkel-ID (kid)", "Key ID (kid)"},
	"keys.pem":          {"Privat nøkkel (PEM)", "Privat nøkkel (PEM)", "Private key (PEM)"},
	"keys.config":       {"Slik bruker du den", "Slik bruker du han", "How to use it"},
	"keys.configText":   {"Sett klient-ID, scope og nøkkelfilen i konfigurasjonen til systemet ditt, for eksempel:", "Set klient-ID, scope og nøkkelfila i konfigurasjonen til systemet ditt, til dømes:", "Put the client ID, a scope and the key file in your system's configuration, for example:"},
	"keys.continue":     {"Til integrasjonen", "Til integrasjonen", "To the integration"},
	"keys.none":         {"Lim inn en offentlig nøkkel eller velg en fil.", "Lim inn ein offentleg nøkkel eller vel ei fil.", "Paste a public key or choose a file."},
	"keys.private":      {"Dette er en privat nøkkel. Last opp bare den offentlige nøkkelen.", "Dette er ein privat nøkkel. Last opp berre den offentlege nøkkelen.", "This is a private key. Upload only the public key."},
	"keys.unreadable":   {"Nøkkelen kunne ikke leses: %s", "Nøkkelen kunne ikkje lesast: %s", "The key could not be read: %s"},

	"integration.clientID":        {"Klient-ID", "Klient-ID", "Client ID"},
	"integration.description":     {"Beskrivelse", "Skildring", "Description"},
	"integration.scopes":          {"Scopes", "Scopes", "Scopes"},
	"integration.created":         {"Opprettet", "Oppretta", "Created"},
	"integration.keys":            {"Nøkler", "Nøklar", "Keys"},
	"integration.keysUpdated":     {"Nøklene ble sist endret %s og gjelder ett år fra da.", "Nøklane vart sist endra %s og gjeld eitt år frå då.", "The keys were last changed %s and are valid for a year from then."},
	"integration.noKeys":          {"Integrasjonen har ingen nøkler.", "Integrasjonen har ingen nøklar.", "The integration has no keys."},
	"integration.errors":          {"Endringen ble ikke gjort:", "Endringa vart ikkje gjord:", "Nothing was changed:"},
	"integration.upload":          {"Last opp en offentlig nøkkel", "Last opp ein offentleg nøkkel", "Upload a public key"},
	"integration.paste":           {"Offentlig nøkkel (JWK eller PEM)", "Offentleg nøkkel (JWK eller PEM)", "Public key (JWK or PEM)"},
	"integration.file":            {"eller en fil", "eller ei fil", "or a file"},
	"integration.add":             {"Legg til nøkkel", "Legg til nøkkel", "Add key"},
	"integration.replace":         {"Erstatt alle nøkler", "Erstatt alle nøklar", "Replace all keys"},
	"integration.generate":        {"Lag et nytt nøkkelpar", "Lag eit nytt nøkkelpar", "Make a new key pair"},
	"integration.generateText":    {"Vi lager et nøkkelpar og viser den private nøkkelen én gang.", "Vi lagar eit nøkkelpar og viser den private nøkkelen éin gong.", "A key pair is made and the private key shown once."},
	"integration.generateAdd":     {"Lag og legg til", "Lag og legg til", "Make and add"},
	"integration.generateReplace": {"Lag og erstatt alle", "Lag og erstatt alle", "Make and replace all"},
	"integration.delete":          {"Slett integrasjonen", "Slett integrasjonen", "Delete the integration"},
	"integration.deleteConfirm":   {"Ja, slett integrasjonen. Systemer som bruker den, får ikke lenger token.", "Ja, slett integrasjonen. System som brukar han, får ikkje lenger token.", "Yes, delete the integration. Systems using it will get no more tokens."},
	"integration.back":            {"Alle integrasjoner", "Alle integrasjonar", "All integrations"},
	"delete.unconfirmed":          {"Kryss av for at du vil slette integrasjonen.", "Kryss av for at du vil slette integrasjonen.", "Tick the box to confirm the deletion."},

	"flash.deleted":      {"Integrasjonen er slettet.", "Integrasjonen er sletta.", "The integration has been deleted."},
	"flash.keyAdded":     {"Nøkkelen er lagt til.", "Nøkkelen er lagd til.", "The key has been added."},
	"flash.keysReplaced": {"Nøklene er erstattet.", "Nøklane er erstatta.", "The keys have been replaced."},

	"refused.org": {"%s kan ikke administrere integrasjoner for %s (org.nr. %s). Bare daglig leder eller en annen med rett til å gi tilganger kan det.",
		"%s kan ikkje administrere integrasjonar for %s (org.nr. %s). Berre dagleg leiar eller ein annan med rett til å gi tilgangar kan det.",
		"%s cannot manage integrations for %s (org. no. %s). Only the managing director or someone else who may give access can."},
	"csrf.invalid":        {"Skjemaet er utløpt eller ugyldig. Last siden på nytt og prøv igjen.", "Skjemaet er gått ut eller er ugyldig. Last sida på nytt og prøv igjen.", "The form has expired or is invalid. Reload the page and try again."},
	"error.title":         {"Noe gikk galt", "Noko gjekk gale", "Something went wrong"},
	"error.status":        {"Feilkode %d", "Feilkode %d", "Error code %d"},
	"error.notFound":      {"Siden finnes ikke.", "Sida finst ikkje.", "The page does not exist."},
	"error.noOrg":         {"Virksomheten finnes ikke.", "Verksemda finst ikkje.", "The organisation does not exist."},
	"error.noIntegration": {"Integrasjonen finnes ikke.", "Integrasjonen finst ikkje.", "The integration does not exist."},
	"error.badForm":       {"Skjemaet kunne ikke leses. Gå tilbake og prøv igjen.", "Skjemaet kunne ikkje lesast. Gå tilbake og prøv igjen.", "The form could not be read. Go back and try again."},
	"error.internal":      {"En feil oppstod. Prøv igjen senere.", "Det oppstod ein feil. Prøv igjen seinare.", "An error occurred. Try again later."},
	"error.back":          {"Til start", "Til start", "To the start"},
}

// tr translates key into lang; a missing key shows as itself.
func tr(lang, key string, args ...any) string { return messages.T(lang, key, args...) }

// The months are spelt alike in bokmål and nynorsk.
var monthsNB = [...]string{"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"}

// formatDate writes a date the way each language expects it.
func formatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.Local()
	if lang == i18n.EN {
		return t.Format("2 January 2006 15:04")
	}
	return fmt.Sprintf("%d. %s %d %s", t.Day(), monthsNB[t.Month()-1], t.Year(), t.Format("15:04"))
}
