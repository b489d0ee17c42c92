package acceptance

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSimtestFromOutsideModule runs `go test` in acceptance/simtest-outside:
// a vendor's own module (its own go.mod, requiring altinn-sim and
// replacing it with this checkout) whose test imports simtest, with no
// TestMain, and walks the system-user journey through the helpers on the
// embedded PostgreSQL. It must pass, and leave no PostgreSQL process and
// no data folder behind.
//
// The module is copied to a temp folder (so the run never edits the
// checkout), its replace pointed at this checkout and its go.sum replaced
// by this module's, so it builds offline from the module cache: GOPROXY=off.
func TestSimtestFromOutsideModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs another module's test")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(t.TempDir(), "vendor-integration")
	if err := os.CopyFS(mod, os.DirFS(filepath.Join(root, "acceptance", "simtest-outside"))); err != nil {
		t.Fatalf("copy the outside module: %v", err)
	}
	gomod, err := os.ReadFile(filepath.Join(mod, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	const replace = "github.com/altinn-sim/altinn-sim => ../.."
	if !bytes.Contains(gomod, []byte(replace)) {
		t.Fatalf("acceptance/simtest-outside/go.mod has no %q:\n%s", replace, gomod)
	}
	gomod = bytes.Replace(gomod, []byte(replace), []byte("github.com/altinn-sim/altinn-sim => "+root), 1)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"go.mod": gomod, "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(mod, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The README's simtest guide is compiled with it (and not run: it is
	// the same journey), so the guide's code stays true.
	if err := os.WriteFile(filepath.Join(mod, "readme_test.go"), readmeSimtestExample(t, root), 0o644); err != nil {
		t.Fatal(err)
	}
	// The run's temp folder is the embedded PostgreSQL's home, so what it
	// leaves behind can be found. Kept short: a unix socket path is.
	tmp, err := os.MkdirTemp("", "simtest-outside-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(tmp) })
	_ = os.Chmod(tmp, 0o711) // as root, the postgres user passes through

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-v", "-run", "^TestSystemUserJourney$", "./...")
	cmd.Dir = mod
	cmd.Env = append(withoutEnv(os.Environ(), "ALTINN_SIM_TEST_DATABASE_URL", "GOFLAGS", "GOPROXY", "GOWORK", "TMPDIR"),
		"GOFLAGS=-mod=mod -buildvcs=false", "GOPROXY=off", "GOWORK=off", "TMPDIR="+tmp)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	t.Logf("go test in the outside module (build and run) took %v:\n%s", took.Round(time.Millisecond), out)
	if err != nil {
		t.Fatalf("go test in the outside module: %v", err)
	}
	if !regexp.MustCompile(`(?m)^--- PASS: TestSystemUserJourney`).Match(out) || !bytes.Contains(out, []byte("JOURNEY: PDP Permit")) {
		t.Fatalf("the outside module's journey did not pass with a Permit")
	}

	// It ran on the embedded PostgreSQL, in the folder given to it.
	if !bytes.Contains(out, []byte("host="+url.QueryEscape(tmp+"/altinn-sim-simtest-"))) {
		t.Fatalf("the outside test did not run on an embedded PostgreSQL under %s", tmp)
	}
	if pids := processesUnder(tmp); len(pids) > 0 {
		t.Errorf("processes still running on the outside test's folder %s: %v", tmp, pids)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "altinn-sim-simtest-*"))
	if len(left) > 0 {
		t.Errorf("the outside test left PostgreSQL folders behind: %v", left)
	}
}

// readmeSimtestExample is the Go code block of the README's section
// "Testing your integration with simtest", in the outside module's
// external test package.
func readmeSimtestExample(t *testing.T, root string) []byte {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Testing your integration with simtest\n")
	if !ok {
		t.Fatalf("README.md has no section \"Testing your integration with simtest\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	_, code, ok := strings.Cut(section, "```go\n")
	if ok {
		code, _, ok = strings.Cut(code, "```")
	}
	if !ok || !strings.HasPrefix(code, "package yourpkg_test\n") {
		t.Fatalf("the README's simtest section has no Go block starting with package yourpkg_test")
	}
	return []byte("package integration_test\n" + strings.TrimPrefix(code, "package yourpkg_test\n"))
}

// withoutEnv drops the named variables from env.
func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, n := range names {
			if name == n {
				keep = false
			}
		}
		if keep {
			out = append(out, kv)
		}
	}
	return out
}

// processesUnder lists the processes whose command line names a path
// under dir (a postmaster runs with -D <dir>/.../pg).
func processesUnder(dir string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if strings.Trim(e.Name(), "0123456789") != "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(b, []byte(dir+"/")) {
			found = append(found, e.Name()+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return found
}
