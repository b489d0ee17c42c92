package acceptance

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/app/apptest"
)

// openapiDir is the small Node project with the OpenAPI validators.
const openapiDir = "openapi"

// needOpenAPITools installs the validators' locked versions when
// node_modules is missing and returns the directory of their binaries.
func needOpenAPITools(t *testing.T) string {
	t.Helper()
	needNPMProject(t, openapiDir, filepath.Join("node_modules", ".bin", "redocly"), "the OpenAPI validators")
	bin, err := filepath.Abs(filepath.Join(openapiDir, "node_modules", ".bin"))
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// explainedWarnings are the Redocly warnings the document keeps, and why.
var explainedWarnings = map[string]string{
	// The platform's own paths overlap (systemregister/vendor/{systemId}
	// and systemregister/{systemId}/rights); we serve its paths as they are.
	"no-ambiguous-paths": "the platform's paths",
	// The portal's form posts answer 303 See Other (post/redirect/get), as
	// a browser form expects; there is no 2xx to document.
	"operation-2xx-response": "portal form posts redirect",
	// The repository has no licence yet; naming one is the owners' call.
	"info-license": "no licence chosen",
}

// TestOpenAPIValidators fetches /sim/openapi.json from a running server
// and runs the tools vendors point at it: swagger-cli validate must pass
// and Redocly's recommended ruleset must find no error, and only the warnings
// explained in explainedWarnings.
func TestOpenAPIValidators(t *testing.T) {
	t.Parallel()
	bin := needOpenAPITools(t)
	srv := apptest.Start(t)
	resp, err := apptest.Client().Get(srv.URL + "/sim/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/sim/openapi.json: %d %v", resp.StatusCode, err)
	}
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, body, 0o600); err != nil {
		t.Fatal(err)
	}
	// The tools run in an empty directory so that no config file of ours
	// or of the caller's changes the rules.
	run := func(name string, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(bin, name), args...)
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String() + stderr.String(), err
	}

	if out, err := run("swagger-cli", "validate", file); err != nil {
		t.Errorf("swagger-cli validate: %v\n%s", err, out)
	}

	out, _ := run("redocly", "lint", "--extends", "recommended", "--format", "json", "--max-problems", "1000", file)
	// The report is the JSON object in the output (a notice may precede it).
	var rep struct {
		Totals   struct{ Errors, Warnings int } `json:"totals"`
		Problems []struct {
			RuleID   string `json:"ruleId"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Location []struct {
				Pointer string `json:"pointer"`
			} `json:"location"`
		} `json:"problems"`
	}
	start := strings.Index(out, "{")
	if start < 0 || json.NewDecoder(strings.NewReader(out[start:])).Decode(&rep) != nil {
		t.Fatalf("redocly lint gave no JSON report:\n%s", out)
	}
	for _, p := range rep.Problems {
		where := ""
		if len(p.Location) > 0 {
			where = p.Location[0].Pointer
		}
		if p.Severity == "warn" && explainedWarnings[p.RuleID] != "" {
			continue
		}
		t.Errorf("redocly %s %s at %s: %s", p.Severity, p.RuleID, where, p.Message)
	}
	t.Logf("redocly lint --extends recommended: %d errors, %d warnings", rep.Totals.Errors, rep.Totals.Warnings)
}
