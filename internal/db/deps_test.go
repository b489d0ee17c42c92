package db_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoWebInStorage: the storage layer does not depend on the web layer
// (net/http, chi, problem); its errors live in dberr, and problem maps
// them to statuses.
func TestNoWebInStorage(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v: %s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "net/http" || strings.HasPrefix(dep, "github.com/go-chi/") || strings.HasSuffix(dep, "/internal/problem") {
			t.Errorf("internal/db depends on %s", dep)
		}
	}
}
