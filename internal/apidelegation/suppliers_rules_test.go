package apidelegation

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"testing"

	"github.com/altinn-sim/altinn-sim/internal/problem"
)

// TestScopeAccessRightKey: Access Management's right key of a scheme's
// one right, "01" and the SHA-256 of the lower-cased resource and action
// attributes (DelegationCheckHelper.CalculateRightKeys).
func TestScopeAccessRightKey(t *testing.T) {
	sum := sha256.Sum256([]byte("urn:altinn:resource:ske-maskinportenschema-test:urn:oasis:names:tc:xacml:1.0:action:action-id:scopeaccess"))
	if got, want := ScopeAccessRightKey("SKE-maskinportenschema-test"), "01"+hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("key %s, want %s", got, want)
	}
}

// TestBind: ASP.NET's model binding of the end-user API's query: the
// [Required] values present and not blank, cascade a bool in any casing.
func TestBind(t *testing.T) {
	for _, c := range []struct {
		query    string
		required []string
		cascade  bool
		wantErr  []string // the errors' keys
		want     bool     // cascade
	}{
		{"supplier=1", []string{"supplier"}, false, nil, false},
		{"", []string{"supplier"}, false, []string{"supplier"}, false},
		{"supplier=%20", []string{"supplier"}, false, []string{"supplier"}, false},
		{"supplier=1", []string{"supplier", "resource"}, false, []string{"resource"}, false},
		{"supplier=1&cascade=TRUE", []string{"supplier"}, true, nil, true},
		{"supplier=1&cascade=false", []string{"supplier"}, true, nil, false},
		{"supplier=1", []string{"supplier"}, true, nil, false},
		{"supplier=1&cascade=1", []string{"supplier"}, true, []string{"cascade"}, false},
		{"cascade=yes", []string{"supplier"}, true, []string{"supplier", "cascade"}, false},
		// cascade is read only where the operation takes it.
		{"supplier=1&cascade=yes", []string{"supplier"}, false, nil, false},
	} {
		b, err := bind(httptest.NewRequest("GET", "/x?"+c.query, nil), c.required, c.cascade)
		var keys map[string][]string
		if err != nil {
			keys, _ = problem.From(err).Extensions["errors"].(map[string][]string)
		}
		if len(keys) != len(c.wantErr) {
			t.Errorf("%q: errors %v, want %v", c.query, keys, c.wantErr)
			continue
		}
		for _, k := range c.wantErr {
			if len(keys[k]) != 1 {
				t.Errorf("%q: errors %v, want %v", c.query, keys, c.wantErr)
			}
		}
		if err == nil && b.cascade != c.want {
			t.Errorf("%q: cascade %v, want %v", c.query, b.cascade, c.want)
		}
	}
}
