package resources

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/altinn-sim/altinn-sim/internal/respond"
)

// rdfPrefixes are the prefixes the registry's Turtle export declares, in
// its order (dotNetRDF's defaults, then RdfUtil's).
var rdfPrefixes = [][2]string{
	{"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
	{"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
	{"xsd", "http://www.w3.org/2001/XMLSchema#"},
	{"cpsv", "http://purl.org/vocab/cpsv#"},
	{"dct", "http://purl.org/dc/terms/"},
	{"cv", "http://data.europa.eu/m8g/"},
	{"skos", "http://www.w3.org/2004/02/skos/core#"},
	{"dcat", "http://www.w3.org/ns/dcat#"},
	{"schema", "http://schema.org/"},
	{"eli", "http://data.europa.eu/eli/ontology#"},
	{"foaf", "http://xmlns.com/foaf/0.1/"},
}

// inExport is the registry's RdfUtil.IncludeInExport: public services only
// (no Maskinporten schemas or system resources), owned by a service owner
// with both an org code and an organisation number, and not the test
// department (ttd).
func inExport(r Resource) bool {
	if r.ResourceType == TypeMaskinportenSchema || r.ResourceType == TypeSystemresource {
		return false
	}
	ca := r.HasCompetentAuthority
	return ca != nil && strings.TrimSpace(ca.Orgcode) != "" && !strings.EqualFold(ca.Orgcode, "ttd") &&
		strings.TrimSpace(ca.Organization) != ""
}

// ExportTurtle renders the resources as the registry's GET /resource/export
// does: each public service a cpsv:PublicService with its identifier,
// titles, descriptions, keywords and competent authority, laid out as
// dotNetRDF's CompressingTurtleWriter lays it out (subjects in IRI order,
// predicates sorted, rdf:type as "a" last). Texts of one predicate come in
// language-code order.
func ExportTurtle(all []Resource) string {
	var b strings.Builder
	for _, p := range rdfPrefixes {
		b.WriteString("@prefix " + p[0] + ": <" + p[1] + ">.\n")
	}
	b.WriteString("\n")
	rs := slices.Clone(all)
	slices.SortFunc(rs, func(a, b Resource) int { return strings.Compare(a.Identifier, b.Identifier) })
	for _, r := range rs {
		if !inExport(r) {
			continue
		}
		subject := "<https://platform.altinn.no/resourceRegistry/" + iriEscape(r.Identifier) + ">"
		type predicate struct {
			name    string
			objects []string
		}
		preds := []predicate{
			{"cv:hasCompetentAuthority", []string{"<https://organization-catalogue.fellesdatakatalog.digdir.no/organizations/" + iriEscape(r.HasCompetentAuthority.Organization) + ">"}},
			{"dct:description", langLiterals(r.Description)},
			{"dct:identifier", []string{turtleString(r.Identifier)}},
			{"dct:keyword", keywordLiterals(r.Keywords)},
			{"dct:title", langLiterals(r.Title)},
			{"a", []string{"cpsv:PublicService"}},
		}
		indent := strings.Repeat(" ", len(subject)+1)
		first := true
		for i, p := range preds {
			if len(p.objects) == 0 {
				continue
			}
			if first {
				b.WriteString(subject + " ")
				first = false
			} else {
				b.WriteString(indent)
			}
			b.WriteString(p.name + " ")
			objIndent := indent + strings.Repeat(" ", len(p.name)+1)
			for j, o := range p.objects {
				if j > 0 {
					b.WriteString(",\n" + objIndent)
				}
				b.WriteString(o)
			}
			if i == len(preds)-1 {
				b.WriteString(".\n")
			} else {
				b.WriteString(";\n")
			}
		}
	}
	return b.String()
}

func langLiterals(m map[string]string) []string {
	langs := make([]string, 0, len(m))
	for l := range m {
		langs = append(langs, l)
	}
	slices.Sort(langs)
	out := make([]string, 0, len(langs))
	for _, l := range langs {
		out = append(out, langLiteral(m[l], l))
	}
	return out
}

func keywordLiterals(ks []Keyword) []string {
	out := make([]string, 0, len(ks))
	for _, k := range ks {
		out = append(out, langLiteral(k.Word, k.Language))
	}
	return out
}

func langLiteral(v, lang string) string {
	if lang == "" {
		return turtleString(v)
	}
	return turtleString(v) + "@" + lang
}

// turtleString quotes a Turtle string literal.
func turtleString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

// iriEscape escapes what an IRI reference cannot hold as is.
func iriEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c <= ' ' || strings.ContainsRune(`<>"{}|^`+"`"+`\`, c) {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// rdfContentType is what the registry's RdfOutputFormatter answers with.
const rdfContentType = "application/xml+rdf; charset=utf-8"

func (s *Service) handleExportRDF(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Resources(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", rdfContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(ExportTurtle(all)))
	return nil
}

// OrgEntry is one service owner of GET /resource/orgs, in the shape of
// Altinn's org list (altinn-orgs.json) as the registry passes it on.
type OrgEntry struct {
	Name         map[string]string `json:"name"`
	Logo         *string           `json:"logo"`
	Orgnr        string            `json:"orgnr"`
	Homepage     *string           `json:"homepage"`
	Environments []string          `json:"environments"`
}

// OrgList is the body of GET /resource/orgs.
type OrgList struct {
	Orgs map[string]OrgEntry `json:"orgs"`
}

// ServiceOwners builds the org list from the registry's own resources:
// every competent authority with an org code, named as its first resource
// (in id order) names it. The platform serves Altinn's CDN list of every
// service owner; the emulator knows only those that own a resource, and no
// logos, homepages or environments.
func ServiceOwners(all []Resource) OrgList {
	out := OrgList{Orgs: map[string]OrgEntry{}}
	rs := slices.Clone(all)
	slices.SortFunc(rs, func(a, b Resource) int { return strings.Compare(a.Identifier, b.Identifier) })
	for _, r := range rs {
		ca := r.HasCompetentAuthority
		if ca == nil || strings.TrimSpace(ca.Orgcode) == "" {
			continue
		}
		code := strings.ToLower(ca.Orgcode)
		if _, ok := out.Orgs[code]; ok {
			continue
		}
		name := ca.Name
		if name == nil {
			name = map[string]string{}
		}
		out.Orgs[code] = OrgEntry{Name: name, Orgnr: ca.Organization, Environments: []string{}}
	}
	return out
}

func (s *Service) handleOrgs(w http.ResponseWriter, r *http.Request) error {
	all, err := s.Resources(r.Context())
	if err != nil {
		return err
	}
	respond.JSON(w, http.StatusOK, ServiceOwners(all))
	return nil
}
