// Package pdp is the emulator's Policy Decision Point: the XACML 3.0 JSON
// profile endpoints of Altinn Authorization (/authorization/api/v1/authorize
// and /decision) and the evaluator behind them, deciding as the real PDP
// does: the resource's policy rules, then the
// rights and access packages a system user holds for the resource party, or
// a person's ER roles and the packages those roles carry; the resource
// party an organisation or a person (party.go).
//
// Policies and system users are cached in memory and dropped on
// pg_notify('altinn_sim_invalidate', ...) from the writers, so a decision
// needs no database round trip in the common case.
package pdp

import (
	"github.com/google/uuid"

	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// Attribute ids and category ids of the Altinn XACML subset.
const (
	AttrSystemUserUUID = "urn:altinn:systemuser:uuid"
	AttrUserID         = "urn:altinn:userid"
	AttrPersonID       = "urn:altinn:person:identifier-no"
	AttrOrgID          = "urn:altinn:organization:identifier-no"
	AttrOrgNumber      = "urn:altinn:organizationnumber" // legacy form of AttrOrgID
	AttrPartyID        = "urn:altinn:partyid"
	AttrPartyUUID      = "urn:altinn:party:uuid"
	AttrSessionID      = "urn:altinn:sessionid"
	AttrResource       = "urn:altinn:resource"
	AttrAction         = "urn:oasis:names:tc:xacml:1.0:action:action-id"
	AttrAccessPackage  = "urn:altinn:accesspackage"
	AttrRoleCode       = "urn:altinn:rolecode"
	AttrCCRRole        = "urn:altinn:external-role:ccr"

	CategorySubject  = "urn:oasis:names:tc:xacml:1.0:subject-category:access-subject"
	CategoryAction   = "urn:oasis:names:tc:xacml:3.0:attribute-category:action"
	CategoryResource = "urn:oasis:names:tc:xacml:3.0:attribute-category:resource"

	DataTypeString  = "http://www.w3.org/2001/XMLSchema#string"
	DataTypeInteger = "http://www.w3.org/2001/XMLSchema#integer"
)

// Decisions.
const (
	Permit        = "Permit"
	Deny          = "Deny"
	NotApplicable = "NotApplicable"
	Indeterminate = "Indeterminate"
)

// XACML status codes.
const (
	StatusOK                = "urn:oasis:names:tc:xacml:1.0:status:ok"
	StatusMissingAttribute  = "urn:oasis:names:tc:xacml:1.0:status:missing-attribute"
	StatusProcessingError   = "urn:oasis:names:tc:xacml:1.0:status:processing-error"
	StatusSyntaxError       = "urn:oasis:names:tc:xacml:1.0:status:syntax-error"
	msgIncompleteDelegation = "Request not complete for authorization based on delegations."
	msgAccessList           = "Access list authorization of resource party required. Access list authorization is controlled by the service owner of the resource/service of the authorization request."
)

// Obligation constants.
const (
	ObligationAuthLevelID      = "urn:altinn:obligation:authenticationLevel1"
	ObligationAssignmentID     = "urn:altinn:obligation-assignment:1"
	CategoryMinAuthLevel       = "urn:altinn:minimum-authenticationlevel"
	accessPackagePrefix        = AttrAccessPackage + ":"
	roleCodePrefix             = AttrRoleCode + ":"
	ccrRolePrefix              = AttrCCRRole + ":"
	systemUserSubjectURNPrefix = AttrSystemUserUUID + ":"
)

// ---- wire model: XACML 3.0 JSON profile (Altinn subset) ----

// XRoot is the request body: {"Request": {...}}. encoding/json matches
// field names case-insensitively, as the real service does.
type XRoot struct {
	Request *XRequest `json:"Request"`
}

// XRequest is the XACML request. Only AccessSubject, Action, Resource and
// MultiRequests are used; the rest are accepted and ignored like upstream.
type XRequest struct {
	ReturnPolicyIDList  bool           `json:"ReturnPolicyIdList"`
	CombinedDecision    bool           `json:"CombinedDecision"`
	XPathVersion        string         `json:"XPathVersion"`
	AccessSubject       []XCategory    `json:"AccessSubject"`
	Action              []XCategory    `json:"Action"`
	Resource            []XCategory    `json:"Resource"`
	Category            []XCategory    `json:"Category"`
	RecipientSubject    []XCategory    `json:"RecipientSubject"`
	IntermediarySubject []XCategory    `json:"IntermediarySubject"`
	RequestingMachine   []XCategory    `json:"RequestingMachine"`
	MultiRequests       *XMultiRequest `json:"MultiRequests"`
}

// XMultiRequest lists the combinations to decide separately.
type XMultiRequest struct {
	RequestReference []XRequestReference `json:"RequestReference"`
}

// XRequestReference names one category of each kind by Id.
type XRequestReference struct {
	ReferenceID []string `json:"ReferenceId"`
}

// XCategory is one attribute category.
type XCategory struct {
	CategoryID string       `json:"CategoryId"`
	ID         string       `json:"Id"`
	Content    any          `json:"Content"`
	Attribute  []XAttribute `json:"Attribute"`
}

// XAttribute is one attribute with one value (Altinn's external model has
// a string Value).
type XAttribute struct {
	AttributeID     string `json:"AttributeId"`
	Value           string `json:"Value"`
	DataType        string `json:"DataType"`
	Issuer          string `json:"Issuer"`
	IncludeInResult bool   `json:"IncludeInResult"`
}

// Response is the answer body. The live service serialises camelCase and
// writes nulls (ASP.NET defaults), so do we.
type Response struct {
	Response []Result `json:"response"`
}

// Result is one decision.
type Result struct {
	Decision             string            `json:"decision"`
	Status               *Status           `json:"status"`
	Obligations          []Obligation      `json:"obligations"`
	AssociateAdvice      []Obligation      `json:"associateAdvice"`
	Category             []ResultCategory  `json:"category"`
	PolicyIdentifierList *PolicyIdentifier `json:"policyIdentifierList"`
	// Trace is the emulator's explanation, only when asked for
	// (?explain=true or the /sim explain endpoint).
	Trace *Trace `json:"trace,omitempty"`

	// fatal: the request could not be decided at all (see statusErr.fatal).
	fatal bool
}

// Status carries the XACML status code.
type Status struct {
	StatusMessage *string     `json:"statusMessage"`
	StatusDetails []string    `json:"statusDetails"`
	StatusCode    *StatusCode `json:"statusCode"`
}

// StatusCode is a (possibly nested) status URN.
type StatusCode struct {
	Value      string      `json:"value"`
	StatusCode *StatusCode `json:"statusCode"`
}

// Obligation is returned with a Permit (minimum authentication level).
type Obligation struct {
	ID                  string                `json:"id"`
	AttributeAssignment []AttributeAssignment `json:"attributeAssignment"`
}

// AttributeAssignment is one value of an obligation.
type AttributeAssignment struct {
	AttributeID string  `json:"attributeId"`
	Value       string  `json:"value"`
	Category    string  `json:"category"`
	DataType    string  `json:"dataType"`
	Issuer      *string `json:"issuer"`
}

// ResultCategory echoes attributes flagged IncludeInResult.
type ResultCategory struct {
	CategoryID string            `json:"categoryId"`
	Content    *string           `json:"content"`
	Attribute  []ResultAttribute `json:"attribute"`

	// xmlID and xmlContent are the category's xml:id and <Content>, which
	// an XML answer echoes with its attributes (the JSON one does not).
	xmlID, xmlContent string
}

// ResultAttribute is an echoed attribute.
type ResultAttribute struct {
	AttributeID     string  `json:"attributeId"`
	Value           string  `json:"value"`
	Issuer          *string `json:"issuer"`
	DataType        string  `json:"dataType"`
	IncludeInResult bool    `json:"includeInResult"`
}

// PolicyIdentifier is never filled (upstream leaves it null too).
type PolicyIdentifier struct{}

// ---- domain model ----

// Subject is who asks: exactly one kind is set after parsing. A system
// user is always alone (the real PDP refuses anything next to it).
type Subject struct {
	SystemUserID uuid.UUID `json:"systemUserId,omitempty"`
	PID          string    `json:"pid,omitempty"`
	UserID       int64     `json:"userId,omitempty"`
	OrgNo        string    `json:"orgNo,omitempty"`
	PartyID      int64     `json:"partyId,omitempty"`
	PartyUUID    uuid.UUID `json:"partyUuid,omitempty"`
	// Attrs are the request's subject attributes as URNs ("<attribute
	// id>:<value>"), e.g. urn:altinn:organization:identifier-no:991825827
	// or urn:altinn:org:ttd. A policy rule naming one of them matches, as
	// XACML matches the request's attributes themselves.
	Attrs []string `json:"attrs,omitempty"`
}

// IsZero says no identifying attribute was given.
func (s Subject) IsZero() bool {
	return s.SystemUserID == uuid.Nil && s.PID == "" && s.UserID == 0 && s.OrgNo == "" && s.PartyID == 0 && s.PartyUUID == uuid.Nil
}

// PartyRef is the resource party as the request named it.
type PartyRef struct {
	OrgNo     string
	PartyID   int64
	PartyUUID uuid.UUID
	PID       string
}

// IsZero says no resource party was given.
func (p PartyRef) IsZero() bool {
	return p.OrgNo == "" && p.PartyID == 0 && p.PartyUUID == uuid.Nil && p.PID == ""
}

// Request is one decision request, parsed and validated.
type Request struct {
	Subject    Subject
	Action     string
	ResourceID string
	Party      PartyRef
	// Explain asks for the Trace in the result.
	Explain bool
	// Endpoint decides how errors are reported (zero: Internal).
	Endpoint Endpoint

	echo []ResultCategory
}

// Policy is a resource's policy as the evaluator needs it.
type Policy struct {
	ResourceID string
	Rules      []Rule
	// MinAuthLevel is the level the Permit obligation carries (0: the
	// policy has no obligation).
	MinAuthLevel int
	// AccessListEnabled is the resource's accessListMode == Enabled: a
	// Permit also needs the party on one of the resource's access lists.
	AccessListEnabled bool
	// Obligations are the policy's obligation expressions that apply on
	// Permit, as written; when empty, MinAuthLevel stands for the one.
	Obligations []Obligation
}

// Rule is one policy rule: it applies when one of Subjects matches the
// subject, the action is one of Actions and the resource matches.
type Rule struct {
	ID     string
	Effect string // Permit or Deny
	// Subjects are alternatives, as URNs: urn:altinn:rolecode:<code>,
	// urn:altinn:external-role:ccr:<name>, urn:altinn:accesspackage:<code>,
	// urn:altinn:systemuser:uuid:<uuid>.
	Subjects []string
	Actions  []string
	// Resources are the resource ids the rule matches (alternatives; an
	// app is app_{org}_{app}). Empty means the policy's own resource.
	Resources []string
	// Target, when set, is the rule's exact XACML target, which decides
	// instead of the lists above (they then only name what it names):
	// see matchTarget.
	Target []resources.AnyOf
}

// SystemUser is what the PDP needs to know about a system user.
type SystemUser struct {
	ID         uuid.UUID
	Agent      bool
	OwnerOrgNo string
	SystemID   string
	Deleted    bool
	// Rights are the resource rights granted at approval (standard only).
	Rights []ResourceRight
	// Packages are access-package URNs granted at approval (standard only).
	Packages []string
	// Clients maps a client org number to the package URNs delegated to
	// the agent system user for that client.
	Clients map[string][]string
	// Self are the package URNs the owner delegated to its own agent
	// system user (self-delegation): held for the owner itself.
	Self []string
}

// ResourceRight is a right on one resource, for one action or (Action
// empty) for every action the resource's policy grants.
type ResourceRight struct {
	ResourceID string
	Action     string
}

// Held is something the subject holds for the party, and where from.
type Held struct {
	Value  string `json:"value"`
	Action string `json:"action,omitempty"` // resource rights limited to one action
	Source string `json:"source"`
}

// Facts are the subject's rights for the resource party, as the PIP
// enrichment and the delegation lookup (step 5) find them.
type Facts struct {
	SystemUserID uuid.UUID
	// Attrs are the subject's own attributes as URNs (the request's, and
	// those the PDP adds, e.g. the organization:identifier-no for a legacy
	// organizationnumber).
	Attrs    []Held
	Roles    []Held // ER role codes
	Packages []Held // access-package codes (bare, lower-case)
	Rights   []Held // resource ids delegated directly
}

// Trace explains a decision ("Why?").
type Trace struct {
	Subject     string   `json:"subject,omitempty"`
	Resource    string   `json:"resource,omitempty"`
	Action      string   `json:"action,omitempty"`
	Party       string   `json:"party,omitempty"`
	Steps       []string `json:"steps"`
	MatchedRule *RuleRef `json:"matchedRule,omitempty"`
	// AccessList names the access list that decided a Permit of a
	// resource with accessListMode Enabled (urn:altinn:access-list:…).
	AccessList        string   `json:"accessList,omitempty"`
	Grant             *Grant   `json:"grant,omitempty"`
	MissingAttributes []string `json:"missingAttributes,omitempty"`
	Roles             []Held   `json:"roles,omitempty"`
	Packages          []Held   `json:"packages,omitempty"`
	Rights            []Held   `json:"rights,omitempty"`
}

// RuleRef names the rule that decided.
type RuleRef struct {
	ID      string   `json:"id"`
	Effect  string   `json:"effect"`
	Subject string   `json:"subject,omitempty"`
	Actions []string `json:"actions,omitempty"`
}

// Grant names the right that made a rule match: a package, a role or a
// direct resource delegation, and where the subject got it.
type Grant struct {
	Kind   string `json:"kind"` // accessPackage, role, resourceRight
	Value  string `json:"value"`
	Source string `json:"source"`
}
