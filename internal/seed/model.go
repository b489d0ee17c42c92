// Package seed preloads altinn-sim from one YAML file: organisations,
// persons, roles, Maskinporten clients, resources and their policies,
// registered systems, approved system users and agent system users with
// their client delegations, Access Management's person agents — so a
// docker-compose stack
// or a training room starts in a known state (`altinn-sim seed --file`).
//
// It writes only through the services (parties, tokens, resources,
// registry, requests), never their tables. Seeding is idempotent: what is
// already there as the file says is left alone, what differs is updated
// the way the platform's own APIs would. The whole file is checked — its
// shape first, then against the database — before anything is written, so
// a bad file leaves the database as it was.
package seed

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	"go.yaml.in/yaml/v3"

	"github.com/altinn-sim/altinn-sim/internal/resources"
)

// File is a seed file.
type File struct {
	Organizations []Org        `yaml:"organizations"`
	Persons       []Person     `yaml:"persons"`
	Roles         []Role       `yaml:"roles"`
	Clients       []Client     `yaml:"clients"`
	Resources     []Resource   `yaml:"resources"`
	Systems       []System     `yaml:"systems"`
	SystemUsers   []SystemUser `yaml:"systemUsers"`
	AgentUsers    []AgentUser  `yaml:"agentSystemUsers"`
	// PersonAgents are persons made agents through Access Management
	// (personagents.go).
	PersonAgents []PersonAgent `yaml:"personAgents"`
	// Scopes, API delegation schemes and delegations: delegated API access
	// (apidelegation.go).
	Scopes         []Scope                    `yaml:"scopes"`
	APISchemes     []APIScheme                `yaml:"apiDelegationSchemes"`
	APIDelegations []APIDelegation            `yaml:"apiDelegations"`
	AccessLists    []AccessList               `yaml:"accessLists"`
	dir            string                     // the file's folder, for jwksFile
	keys           map[int][]byte             // Clients[i]'s public key set as JSON, after Parse
	res            map[int]resources.Resource // Resources[i] as the registry stores it, after Parse
	policies       map[int]resources.Policy   // Resources[i]'s policy, when it has one, after Parse
	root           *yaml.Node                 // the parsed document, for line numbers
}

// Org is an organisation in the Central Coordinating Register.
type Org struct {
	OrgNo   string `yaml:"orgNo"`
	Name    string `yaml:"name"`
	OrgForm string `yaml:"orgForm"` // default AS
}

// Person is a test person who can log in to the portal.
type Person struct {
	PID  string `yaml:"pid"`
	Name string `yaml:"name"`
}

// Role is a role on Org held by a person or by another organisation.
type Role struct {
	Org       string `yaml:"org"`
	Role      string `yaml:"role"`      // DAGL, LEDE, INNH, REGN, REVI, ACCESS_MANAGER, ...
	Person    string `yaml:"person"`    // holder's pid, or
	HolderOrg string `yaml:"holderOrg"` // holder's org number (e.g. REGN held by an accounting firm)
}

// Client is a Maskinporten client with its public keys, or without keys
// when it authenticates with an enterprise certificate.
type Client struct {
	ClientID string   `yaml:"clientId"`
	OrgNo    string   `yaml:"orgNo"`
	Name     string   `yaml:"name"`
	Scopes   []string `yaml:"scopes"`
	// JWKS is the key set {"keys": [...]} inline, or JWKSFile a file (path
	// relative to the seed file) holding a key set or one JWK. Private
	// members are dropped: only the public key is registered.
	JWKS     map[string]any `yaml:"jwks"`
	JWKSFile string         `yaml:"jwksFile"`
	// EnterpriseCertificate registers the client without keys: its grants
	// carry an enterprise certificate (x5c) naming its organisation, as
	// for a client the control API registers without jwks.
	EnterpriseCertificate bool `yaml:"enterpriseCertificate"`
}

// Resource is a resource registry entry: any field of the registry's
// resource JSON (identifier, title, description, resourceType,
// hasCompetentAuthority, resourceReferences, ...), plus its policy.
type Resource struct {
	Body   map[string]any
	Policy *Policy
}

// Policy is a resource's XACML policy in the emulator's rule form.
type Policy struct {
	MinAuthLevel int    `yaml:"minAuthLevel"`
	Rules        []Rule `yaml:"rules"`
}

// Rule is one rule; Resources defaults to the resource itself.
type Rule struct {
	RuleID      string            `yaml:"ruleId"`
	Effect      string            `yaml:"effect"` // default Permit
	Description string            `yaml:"description"`
	Subjects    []string          `yaml:"subjects"` // urn:altinn:rolecode:dagl, urn:altinn:accesspackage:..., ...
	Actions     []string          `yaml:"actions"`
	Resources   [][]AttributeSpec `yaml:"resources"`
}

// AttributeSpec is an XACML attribute match {id, value}.
type AttributeSpec struct {
	ID    string `yaml:"id"`
	Value string `yaml:"value"`
}

// System is a system in the system register.
type System struct {
	ID                  string   `yaml:"id"`
	Vendor              string   `yaml:"vendor"` // org number
	Name                Texts    `yaml:"name"`
	Description         Texts    `yaml:"description"`
	Rights              []Right  `yaml:"rights"`
	AccessPackages      []string `yaml:"accessPackages"`
	ClientIDs           []string `yaml:"clientIds"`
	AllowedRedirectURLs []string `yaml:"allowedRedirectUrls"`
	IsVisible           *bool    `yaml:"isVisible"` // default true
}

// SystemUser is a standard system user, created by a request the
// approver (default: someone who may manage the org's access) approves.
type SystemUser struct {
	System           string   `yaml:"system"`
	Org              string   `yaml:"org"`
	ExternalRef      string   `yaml:"externalRef"`
	IntegrationTitle string   `yaml:"integrationTitle"`
	Rights           []Right  `yaml:"rights"` // default: the system's rights (when no accessPackages either)
	AccessPackages   []string `yaml:"accessPackages"`
	ApprovedBy       string   `yaml:"approvedBy"` // pid
}

// AgentUser is an agent system user ("system user for client
// relations"): owned by a facilitator such as an accounting firm, created
// by an agent request its approver (default: someone who may manage the
// facilitator's access) approves, and delegated to the facilitator's
// clients. Clients is the whole list: clients delegated before but no
// longer listed are removed.
type AgentUser struct {
	System           string   `yaml:"system"`
	Facilitator      string   `yaml:"facilitator"` // org number of the owner, e.g. the accounting firm
	ExternalRef      string   `yaml:"externalRef"` // default: the facilitator's org number
	IntegrationTitle string   `yaml:"integrationTitle"`
	AccessPackages   []string `yaml:"accessPackages"` // default: all the system's packages
	ApprovedBy       string   `yaml:"approvedBy"`     // pid
	Clients          []string `yaml:"clients"`        // org numbers the facilitator holds an ER role on (e.g. REGN)
	// Self: the facilitator also delegates the packages to the system
	// user itself (self-delegation), so it acts for the facilitator too;
	// they must be packages a standard system user may hold (skatt-naering,
	// not the client-only regnskapsforer-*). false takes them back.
	Self bool `yaml:"self"`
}

// Scope is a Maskinporten scope its owner registers (the self-service
// API's POST /scopes), with the consumers it grants access to. A
// delegationSource makes it delegable in Altinn (consumer_org).
type Scope struct {
	Name             string   `yaml:"name"`  // prefix:subscope
	Owner            string   `yaml:"owner"` // org number; owns (or claims) the prefix
	Description      string   `yaml:"description"`
	DelegationSource string   `yaml:"delegationSource"`
	Consumers        []string `yaml:"consumers"` // org numbers granted access
}

// APIScheme is an API provider's delegation scheme: its scopes a consumer
// may delegate to a supplier.
type APIScheme struct {
	Identifier  string   `yaml:"identifier"`
	Owner       string   `yaml:"owner"` // org number of the API provider
	Scopes      []string `yaml:"scopes"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
}

// APIDelegation is a consumer's delegation of a scheme to a supplier, as
// its person gives it in the portal.
type APIDelegation struct {
	Scheme   string `yaml:"scheme"`
	Consumer string `yaml:"consumer"` // org number
	Supplier string `yaml:"supplier"` // org number
}

// AccessList is a service owner's access list in the resource registry:
// the whole truth for that list (members and resources not listed are
// removed from it).
type AccessList struct {
	Owner       string         `yaml:"owner"` // the service owner's org code, e.g. skd
	Identifier  string         `yaml:"identifier"`
	Name        string         `yaml:"name"`
	Description string         `yaml:"description"`
	Members     []string       `yaml:"members"`   // organisation numbers, or party URNs (urn:altinn:party:uuid:…)
	Resources   []ListResource `yaml:"resources"` // resources the list opens, with the actions it allows
}

// ListResource is a resource connected to an access list: its id alone
// (every action), or {resource, actions}.
type ListResource struct {
	Resource string   `yaml:"resource"`
	Actions  []string `yaml:"actions"`
}

// UnmarshalYAML accepts "resource-id" or {resource: id, actions: [read]}.
func (r *ListResource) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*r = ListResource{Resource: n.Value}
		return nil
	}
	type plain ListResource
	var p plain
	if err := strictDecode(n, &p); err != nil {
		return err
	}
	*r = ListResource(p)
	return nil
}

// Texts is a text per language (nb, nn, en). A plain string means the
// same text in all three.
type Texts map[string]string

// UnmarshalYAML accepts a string or a mapping.
func (t *Texts) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*t = Texts{"nb": n.Value, "nn": n.Value, "en": n.Value}
		return nil
	}
	var m map[string]string
	if err := strictDecode(n, &m); err != nil {
		return err
	}
	*t = m
	return nil
}

// Right is a right on a registry resource: the resource id alone, or
// {resource, action}.
type Right struct {
	Resource string `yaml:"resource"`
	Action   string `yaml:"action"`
}

// UnmarshalYAML accepts "resource-id" or {resource: id, action: read}.
func (r *Right) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*r = Right{Resource: n.Value}
		return nil
	}
	type plain Right
	var p plain
	if err := strictDecode(n, &p); err != nil {
		return err
	}
	*r = Right(p)
	return nil
}

// UnmarshalYAML splits the policy off the resource's own fields.
func (r *Resource) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a resource must be a mapping", n.Line)
	}
	rest := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "policy" {
			r.Policy = &Policy{}
			if err := strictDecode(v, r.Policy); err != nil {
				return err
			}
			continue
		}
		rest.Content = append(rest.Content, k, v)
	}
	return rest.Decode(&r.Body)
}

// strictDecode decodes a node of a custom unmarshaler. Unknown keys were
// refused by checkKeys on the whole document before decoding, so the
// node's own Decode (which keeps the file's line numbers) is enough.
func strictDecode(n *yaml.Node, v any) error {
	return n.Decode(v)
}

// ReadFile reads and parses a seed file (see Parse). Its problems name
// the file and, where they have one, the line: "seed.yaml:12: ...".
func ReadFile(path string) (File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is said once, in front
		}
		return File{}, invalid("%s: cannot read it: %v", path, err)
	}
	f, err := Parse(b, filepath.Dir(path))
	var p Problems
	if errors.As(err, &p) {
		return f, p.In(path)
	}
	return f, err
}

// Parse reads a seed file's YAML, refusing unknown keys, and checks its
// shape (everything that does not need the database). dir is where
// relative jwksFile paths start. Problems found in the YAML itself start
// with "line N: ".
func Parse(b []byte, dir string) (File, error) {
	var f File
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return f, Problems(yamlErrors(err))
	}
	if root.Kind == 0 || (root.Kind == yaml.DocumentNode && len(root.Content) == 0) {
		return f, invalid("the file is empty")
	}
	if p := checkKeys(&root, reflect.TypeFor[File](), ""); len(p) > 0 {
		return f, p
	}
	if err := root.Decode(&f); err != nil {
		return f, Problems(yamlErrors(err))
	}
	f.dir = dir
	f.root = &root
	if err := f.check(); err != nil {
		return f, f.withLines(err)
	}
	return f, nil
}

// ErrInvalid marks a bad seed file (the command exits 2).
var ErrInvalid = errors.New("invalid seed file")

// Problems is every problem found in a seed file. Error is one line: the
// first problem and how many more there are.
type Problems []string

func (p Problems) Error() string {
	switch len(p) {
	case 0:
		return "no problems"
	case 1:
		return p[0]
	}
	return fmt.Sprintf("%s (and %d more problem(s))", p[0], len(p)-1)
}

// Is makes errors.Is(p, ErrInvalid) true.
func (p Problems) Is(target error) bool { return target == ErrInvalid }

func invalid(format string, args ...any) error {
	return Problems{fmt.Sprintf(format, args...)}
}
