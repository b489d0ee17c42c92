// Package resources is the emulator's Resource Registry and access-package
// catalogue: registry resources in the platform's JSON model, their XACML
// policies (kept as rules, served and accepted as the XACML XML the real
// registry uses), the access packages of Access Management with their areas,
// and the ER-role → package mapping.
package resources

import (
	"time"

	"github.com/google/uuid"
)

// Resource is a registry resource in the platform's JSON model
// (ServiceResource; camelCase, enums as strings).
type Resource struct {
	Identifier                string              `json:"identifier"`
	Version                   string              `json:"version,omitempty"`
	Title                     map[string]string   `json:"title"`
	Description               map[string]string   `json:"description"`
	RightDescription          map[string]string   `json:"rightDescription,omitempty"`
	Homepage                  string              `json:"homepage,omitempty"`
	Status                    string              `json:"status,omitempty"`
	IsPartOf                  string              `json:"isPartOf,omitempty"`
	Spatial                   []string            `json:"spatial,omitempty"`
	Produces                  []string            `json:"produces,omitempty"`
	ThematicAreas             []string            `json:"thematicAreas,omitempty"`
	ContactPoints             []ContactPoint      `json:"contactPoints,omitempty"`
	ResourceReferences        []ResourceReference `json:"resourceReferences,omitempty"`
	Delegable                 bool                `json:"delegable"`
	Visible                   bool                `json:"visible"`
	HasCompetentAuthority     *CompetentAuthority `json:"hasCompetentAuthority,omitempty"`
	Keywords                  []Keyword           `json:"keywords,omitempty"`
	AccessListMode            string              `json:"accessListMode"`
	SelfIdentifiedUserEnabled bool                `json:"selfIdentifiedUserEnabled"`
	EnterpriseUserEnabled     bool                `json:"enterpriseUserEnabled"`
	ResourceType              string              `json:"resourceType"`
	AvailableForType          []string            `json:"availableForType,omitempty"`
	AuthorizationReference    []AttributeMatch    `json:"authorizationReference,omitempty"`
	VersionID                 int                 `json:"versionId,omitempty"`
}

// ContactPoint is how to reach the service owner about a resource.
type ContactPoint struct {
	Category    string `json:"category"`
	Email       string `json:"email"`
	Telephone   string `json:"telephone"`
	ContactPage string `json:"contactPage"`
}

// ResourceReference ties a resource to something outside the registry,
// e.g. the Maskinporten scope that protects its API.
type ResourceReference struct {
	ReferenceSource string `json:"referenceSource"`
	Reference       string `json:"reference"`
	ReferenceType   string `json:"referenceType"`
}

// CompetentAuthority is the service owner.
type CompetentAuthority struct {
	Organization string            `json:"organization"`
	Orgcode      string            `json:"orgcode"`
	Name         map[string]string `json:"name,omitempty"`
}

// Keyword is a search keyword.
type Keyword struct {
	Word     string `json:"word"`
	Language string `json:"language"`
}

// AttributeMatch is one XACML attribute (id and value), e.g.
// {urn:altinn:resource, kravogbetaling}.
type AttributeMatch struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// Resource types (rr ResourceType enum).
const (
	TypeDefault               = "Default"
	TypeSystemresource        = "Systemresource"
	TypeMaskinportenSchema    = "MaskinportenSchema"
	TypeAltinn2Service        = "Altinn2Service"
	TypeAltinnApp             = "AltinnApp"
	TypeGenericAccessResource = "GenericAccessResource"
	TypeBrokerService         = "BrokerService"
	TypeCorrespondenceService = "CorrespondenceService"
	TypeConsent               = "Consent"
	TypeMigratedApp           = "MigratedApp"
)

// ResourceTypes lists every valid resourceType value.
var ResourceTypes = []string{TypeDefault, TypeSystemresource, TypeMaskinportenSchema, TypeAltinn2Service,
	TypeAltinnApp, TypeGenericAccessResource, TypeBrokerService, TypeCorrespondenceService, TypeConsent, TypeMigratedApp}

// XACML attribute ids the policies use.
const (
	AttrResource      = "urn:altinn:resource"
	AttrOrg           = "urn:altinn:org"
	AttrApp           = "urn:altinn:app"
	AttrTask          = "urn:altinn:task"
	AttrEndEvent      = "urn:altinn:end-event"
	AttrRoleCode      = "urn:altinn:rolecode"
	AttrAccessPackage = "urn:altinn:accesspackage"
	AttrExternalRole  = "urn:altinn:external-role:ccr"
	AttrSystemUser    = "urn:altinn:systemuser:uuid"
	AttrActionID      = "urn:oasis:names:tc:xacml:1.0:action:action-id"
)

// Policy is a resource's XACML policy as the emulator keeps it: a list of
// rules combined with deny-overrides, and the minimum authentication level
// its Permit obligation carries (0 when none).
type Policy struct {
	ResourceID   string `json:"resourceId"`
	PolicyID     string `json:"policyId"`
	MinAuthLevel int    `json:"minAuthLevel,omitempty"`
	Rules        []Rule `json:"rules"`
	// Obligations are the policy's obligation expressions as its XACML
	// lists them; the PDP returns each on Permit. Empty: the one
	// authentication-level obligation MinAuthLevel stands for.
	Obligations []Obligation `json:"obligations,omitempty"`
	Updated     time.Time    `json:"updated"`
}

// Obligation is one XACML ObligationExpression of a policy.
type Obligation struct {
	ID          string       `json:"id"`
	FulfillOn   string       `json:"fulfillOn"` // Permit or Deny
	Assignments []Assignment `json:"attributeAssignments"`
}

// Assignment is one AttributeAssignmentExpression of an obligation, e.g.
// {urn:altinn:obligation-assignment:1, urn:altinn:minimum-authenticationlevel, integer, "3"}.
type Assignment struct {
	AttributeID string `json:"attributeId"`
	Category    string `json:"category"`
	DataType    string `json:"dataType"`
	Value       string `json:"value"`
}

// Rule is one XACML rule. It applies when the subject matches any of
// Subjects, the resource matches any of Resources (each an AND of
// attributes) and the action is any of Actions.
type Rule struct {
	RuleID      string `json:"ruleId"`
	Effect      string `json:"effect"` // "Permit" or "Deny"
	Description string `json:"description,omitempty"`
	// Subjects are subject attributes as URNs: the attribute id and the
	// value joined by ':', e.g. "urn:altinn:rolecode:dagl",
	// "urn:altinn:accesspackage:regnskapsforer-lonn",
	// "urn:altinn:external-role:ccr:daglig-leder". Role codes are kept
	// lower-case; matching is case-insensitive as in the platform.
	Subjects []string `json:"subjects"`
	// Resources are alternatives; each is an AND of attribute matches,
	// e.g. [{urn:altinn:resource, kravogbetaling}] or
	// [{urn:altinn:org, skd}, {urn:altinn:app, x}, {urn:altinn:task, Task_1}].
	Resources [][]AttributeMatch `json:"resources"`
	Actions   []string           `json:"actions"`
	// Target is the rule's XACML target exactly as written, kept only
	// when the three lists above cannot say it: an AllOf that mixes
	// categories (resource and action together, both needed), a subject
	// AllOf of several matches (all needed), two AnyOfs of one category
	// (both needed). The lists then hold every value the target names,
	// for the views; decisions follow Target (see TargetMatches).
	Target []AnyOf `json:"target,omitempty"`
}

// AnyOf is one XACML AnyOf: it holds when one of its AllOfs does. A
// target holds when each of its AnyOfs does.
type AnyOf []AllOf

// AllOf is one XACML AllOf: it holds when all of its matches do.
type AllOf []TargetMatch

// TargetMatch is one XACML Match: the request's attribute AttributeID in
// Category compared with Value by the function MatchID.
type TargetMatch struct {
	Category    string `json:"category"`
	AttributeID string `json:"attributeId"`
	Value       string `json:"value"`
	MatchID     string `json:"matchId"`
}

// Effects.
const (
	EffectPermit = "Permit"
	EffectDeny   = "Deny"
)

// AccessPackage is one package of Access Management's catalogue.
type AccessPackage struct {
	ID            uuid.UUID `json:"id"`
	URN           string    `json:"urn"`
	Code          string    `json:"code"`
	Name          string    `json:"name"` // nb
	NameNN        string    `json:"nameNn"`
	NameEN        string    `json:"nameEn"`
	Description   string    `json:"description"` // nb
	DescriptionNN string    `json:"descriptionNn"`
	DescriptionEN string    `json:"descriptionEn"`
	Area          Area      `json:"area"`
	// EntityType is "Organization" or "Person": who can hold the package.
	EntityType string `json:"entityType"`
	// IsDelegable: the package can be passed on by its holder (to a
	// person, a system user, or — for client packages — an agent).
	IsDelegable bool `json:"isDelegable"`
	// IsAssignable: the package can be given directly, e.g. to a standard
	// system user. Client packages (regnskapsforer-*, revisor, ...) are
	// delegable but not assignable.
	IsAssignable bool `json:"isAssignable"`
	// IsClientDelegable: the package comes from a client relation (an ER
	// role such as REGN/REVI/FFØR the client registered) and can be
	// delegated per client to an agent system user: delegable and not
	// assignable, as in the platform's package flags.
	IsClientDelegable           bool `json:"isClientDelegable"`
	IsAvailableForServiceOwners bool `json:"isAvailableForServiceOwners"`
}

// Area is the access-package area a package belongs to.
type Area struct {
	ID            uuid.UUID `json:"id"`
	URN           string    `json:"urn"`
	Name          string    `json:"name"`
	NameNN        string    `json:"nameNn"`
	NameEN        string    `json:"nameEn"`
	Description   string    `json:"description"`
	DescriptionNN string    `json:"descriptionNn"`
	DescriptionEN string    `json:"descriptionEn"`
	IconURL       string    `json:"iconUrl"`
	Group         AreaGroup `json:"group"`
}

// AreaGroup groups areas (Allment, Bransje, Særskilt, Innbygger, Vergemål).
type AreaGroup struct {
	ID         uuid.UUID `json:"id"`
	Name       string    `json:"name"`
	NameNN     string    `json:"nameNn"`
	NameEN     string    `json:"nameEn"`
	EntityType string    `json:"entityType"`
}

// RolePackage says that holders of an ER role hold (HasAccess) or may
// pass on (CanDelegate) a package, optionally only for one organisation
// form (EntityVariant, e.g. "NUF", "ESEK", "BRL").
type RolePackage struct {
	RoleCode      string `json:"roleCode"`
	PackageURN    string `json:"packageUrn"`
	EntityVariant string `json:"entityVariant,omitempty"`
	HasAccess     bool   `json:"hasAccess"`
	CanDelegate   bool   `json:"canDelegate"`
}
