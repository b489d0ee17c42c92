package acceptance

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// needNPMProject finds node and npm, runs npm ci in dir (one of the small
// Node projects beside these tests) when installed, a file below dir, is
// missing (a fresh clone), and returns node's path. what names the check
// for the failure message. Missing tools fail the test unless
// ALTINN_SIM_SKIP_NODE=1.
func needNPMProject(t *testing.T, dir, installed, what string) string {
	t.Helper()
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		if os.Getenv("ALTINN_SIM_SKIP_NODE") == "1" {
			t.Skip("node/npm not installed and ALTINN_SIM_SKIP_NODE=1")
		}
		t.Fatalf("%s needs Node.js 20+ and npm on PATH (node: %v, npm: %v); set ALTINN_SIM_SKIP_NODE=1 to skip it", what, errNode, errNpm)
	}
	if _, err := os.Stat(filepath.Join(dir, installed)); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in acceptance/%s: %v\n%s", dir, err, out)
		}
	}
	return node
}
