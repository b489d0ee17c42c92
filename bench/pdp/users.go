package pdpbench

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
)

// User is one system user of the scale benches: a standard system user
// holding the access package ttd-accesspackage-resource's policy names,
// for its own organisation.
type User struct {
	ID  uuid.UUID
	Org string
}

// Package is the access package every User holds; Resource is the
// resource whose policy gives it "read" (and "write").
const (
	Package  = "urn:altinn:accesspackage:ansettelsesforhold"
	Resource = "ttd-accesspackage-resource"
)

// Execer is what MakeUsers needs of a pool.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// MakeUsers inserts n organisations and a standard system user for each,
// holding Package, with a few large statements (the approval path would
// take minutes), on a migrated database; the server (in process or not)
// is told to drop its parties cache afterwards.
func MakeUsers(ctx context.Context, q Execer, n int) ([]User, error) {
	users := make([]User, 0, n)
	for base := 40_000_000; len(users) < n; base++ {
		if org, ok := WithCheckDigit(base); ok {
			users = append(users, User{ID: uuid.New(), Org: org})
		}
	}
	orgs := make([]string, n)
	uids := make([]uuid.UUID, n)
	for i, u := range users {
		orgs[i], uids[i] = u.Org, u.ID
	}
	// In batches: each system user row takes a lock for its stream
	// sequence number (migration 0120), too many for one transaction.
	for lo := 0; lo < n; lo += 5000 {
		hi := min(n, lo+5000)
		if _, err := q.Exec(ctx, `INSERT INTO organizations (org_no, name, party_id, party_uuid)
			SELECT o, 'Scale ' || o, 90000000 + $2 + ord, gen_random_uuid() FROM unnest($1::text[]) WITH ORDINALITY AS t(o, ord)`, orgs[lo:hi], lo); err != nil {
			return nil, fmt.Errorf("insert organisations: %w", err)
		}
		if _, err := q.Exec(ctx, `INSERT INTO system_users (id, system_id, integration_title, reportee_org_no, reportee_party_id,
			reportee_party_uuid, external_ref, supplier_org_no, access_packages, created, last_changed)
			SELECT u, '991825827_bench', 'scale', o.org_no, o.party_id, o.party_uuid, o.org_no, '991825827',
				'[{"urn": "`+Package+`"}]', now(), now()
			FROM unnest($1::uuid[], $2::text[]) AS t(u, org) JOIN organizations o ON o.org_no = t.org`, uids[lo:hi], orgs[lo:hi]); err != nil {
			return nil, fmt.Errorf("insert system users: %w", err)
		}
	}
	// The rows were written behind the caches' back; nothing was cached
	// for them yet, and the parties cache is dropped to be sure.
	if _, err := q.Exec(ctx, `SELECT pg_notify('altinn_sim_invalidate', 'parties')`); err != nil {
		return nil, fmt.Errorf("notify: %w", err)
	}
	return users, nil
}

// AuthorizeBody is the XACML JSON request of the scale benches: may u
// read Resource for its own organisation (Permit).
func AuthorizeBody(u User) []byte {
	return fmt.Appendf(nil, `{"Request":{"AccessSubject":[{"Attribute":[{"AttributeId":"urn:altinn:systemuser:uuid","Value":%q}]}],`+
		`"Action":[{"Attribute":[{"AttributeId":"urn:oasis:names:tc:xacml:1.0:action:action-id","Value":"read"}]}],`+
		`"Resource":[{"Attribute":[{"AttributeId":"urn:altinn:resource","Value":%q},{"AttributeId":"urn:altinn:organization:identifier-no","Value":%q}]}]}}`,
		u.ID, Resource, u.Org)
}

// WithCheckDigit makes a 9-digit organisation number from 8 digits (MOD11).
func WithCheckDigit(base int) (string, bool) {
	s := fmt.Sprintf("%08d", base)
	w := []int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, c := range s {
		sum += int(c-'0') * w[i]
	}
	d := 11 - sum%11
	if d == 11 {
		d = 0
	}
	if d == 10 {
		return "", false
	}
	return s + strconv.Itoa(d), true
}

// Rego is the OPA peer's policy (pdp.rego): the decision the PDP makes for
// AuthorizeBody, over data OPAData gives.
//
//go:embed pdp.rego
var Rego string

// OPAData is the document the Rego policy reads under data.altinn: each
// user's organisation and access package, and Resource's rule.
func OPAData(users []User) ([]byte, error) {
	type su struct {
		Org      string   `json:"org"`
		Packages []string `json:"packages"`
	}
	type rule struct {
		Package string   `json:"package"`
		Actions []string `json:"actions"`
	}
	sus := make(map[string]su, len(users))
	for _, u := range users {
		sus[u.ID.String()] = su{Org: u.Org, Packages: []string{Package}}
	}
	return json.Marshal(map[string]any{
		"systemusers": sus,
		"resources":   map[string][]rule{Resource: {{Package: Package, Actions: []string{"read", "write"}}}},
	})
}
