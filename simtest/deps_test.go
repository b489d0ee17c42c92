package simtest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoTestOnlyDeps: simtest builds on no package that needs the
// caller's TestMain (dbtest, apptest) or exists only for this repository's
// tests, so a vendor's test can use it as it is.
func TestNoTestOnlyDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v: %s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasSuffix(dep, "/dbtest") || strings.HasSuffix(dep, "/apptest") || strings.Contains(dep, "chromedp") {
			t.Errorf("simtest depends on %s", dep)
		}
	}
}
