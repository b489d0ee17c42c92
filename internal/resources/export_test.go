package resources

import (
	"strings"
	"testing"
)

// The layout is that of the registry's test data Data/Export/rdf.ttl
// (dotNetRDF's CompressingTurtleWriter): the subject, then each predicate
// on its own line under the first, several objects aligned after their
// predicate, rdf:type last as "a".
func TestExportTurtleLayout(t *testing.T) {
	nav := Resource{Identifier: "nav_tiltakAvtaleOmArbeidstrening", ResourceType: TypeGenericAccessResource,
		Title:                 map[string]string{"nb": "Avtale om arbeidstrening", "en": "Agreement on work training"},
		Description:           map[string]string{"nb": `Avtalen "skal" bidra`},
		Keywords:              []Keyword{{Word: "Dødsbo", Language: "nb"}},
		HasCompetentAuthority: &CompetentAuthority{Organization: "889640782", Orgcode: "nav"}}
	out := ExportTurtle([]Resource{
		nav,
		{Identifier: "sys", ResourceType: TypeSystemresource, Title: map[string]string{"nb": "x"}, HasCompetentAuthority: &CompetentAuthority{Organization: "1", Orgcode: "digdir"}},
		{Identifier: "mp", ResourceType: TypeMaskinportenSchema, Title: map[string]string{"nb": "x"}, HasCompetentAuthority: &CompetentAuthority{Organization: "1", Orgcode: "skd"}},
		{Identifier: "test", ResourceType: TypeGenericAccessResource, Title: map[string]string{"nb": "x"}, HasCompetentAuthority: &CompetentAuthority{Organization: "1", Orgcode: "TTD"}},
		{Identifier: "noorg", ResourceType: TypeGenericAccessResource, Title: map[string]string{"nb": "x"}, HasCompetentAuthority: &CompetentAuthority{Orgcode: "skd"}},
		{Identifier: "nocode", ResourceType: TypeGenericAccessResource, Title: map[string]string{"nb": "x"}, HasCompetentAuthority: &CompetentAuthority{Organization: "1"}},
		{Identifier: "noauthority", ResourceType: TypeGenericAccessResource, Title: map[string]string{"nb": "x"}},
	})
	subject := "<https://platform.altinn.no/resourceRegistry/nav_tiltakAvtaleOmArbeidstrening>"
	in := strings.Repeat(" ", len(subject)+1)
	want := subject + " cv:hasCompetentAuthority <https://organization-catalogue.fellesdatakatalog.digdir.no/organizations/889640782>;\n" +
		in + "dct:description \"Avtalen \\\"skal\\\" bidra\"@nb;\n" +
		in + "dct:identifier \"nav_tiltakAvtaleOmArbeidstrening\";\n" +
		in + "dct:keyword \"Dødsbo\"@nb;\n" +
		in + "dct:title \"Agreement on work training\"@en,\n" +
		in + "          \"Avtale om arbeidstrening\"@nb;\n" +
		in + "a cpsv:PublicService.\n"
	head, body, ok := strings.Cut(out, "\n\n")
	if !ok || !strings.HasPrefix(head, "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>.\n") || strings.Count(head, "@prefix") != 11 {
		t.Errorf("prefixes:\n%s", head)
	}
	if body != want {
		t.Errorf("got\n%s\nwant\n%s", body, want)
	}
}

func TestServiceOwners(t *testing.T) {
	name := map[string]string{"nb": "Skatteetaten", "en": "Norwegian Tax Administration"}
	got := ServiceOwners([]Resource{
		{Identifier: "b", HasCompetentAuthority: &CompetentAuthority{Organization: "974761076", Orgcode: "SKD", Name: map[string]string{"nb": "later"}}},
		{Identifier: "a", HasCompetentAuthority: &CompetentAuthority{Organization: "974761076", Orgcode: "skd", Name: name}},
		{Identifier: "c", HasCompetentAuthority: &CompetentAuthority{Organization: "991825827"}},
		{Identifier: "d"},
	})
	if len(got.Orgs) != 1 {
		t.Fatalf("%+v", got)
	}
	skd := got.Orgs["skd"]
	if skd.Orgnr != "974761076" || skd.Name["nb"] != "Skatteetaten" || skd.Environments == nil || skd.Logo != nil {
		t.Errorf("%+v", skd)
	}
}
