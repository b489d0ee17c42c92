package acceptance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/altinn-sim/altinn-sim/simtest"
)

// readmeJourney returns the shell blocks of the README's "The vendor
// journey with curl", split where a person approves in the portal.
func readmeJourney(t *testing.T) (before, after string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const head = "\n## The vendor journey with curl\n"
	doc := string(b)
	i := strings.Index(doc, head)
	if i < 0 {
		t.Fatalf("README has no section %q", strings.TrimSpace(head))
	}
	doc = doc[i+len(head):]
	if j := strings.Index(doc, "\n## "); j >= 0 {
		doc = doc[:j]
	}
	const approve = "<!-- journey: the person approves here"
	k := strings.Index(doc, approve)
	if k < 0 {
		t.Fatalf("the README's journey has no %q marker", approve)
	}
	return shellBlocks(doc[:k]), shellBlocks(doc[k:])
}

// shellBlocks joins the ```sh fenced blocks of md, in order.
func shellBlocks(md string) string {
	var out strings.Builder
	in := false
	for _, line := range strings.Split(md, "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "```sh":
			in = true
		case in && strings.TrimSpace(line) == "```":
			in = false
			out.WriteString("\n")
		case in:
			out.WriteString(line + "\n")
		}
	}
	return out.String()
}

// TestReadmeVendorJourney runs the README's curl journey, block by block
// as a user pastes it, against a fresh emulator: the commands, bodies and
// answers it shows must work. Where the README says a person approves in
// the browser, the test approves through the portal's forms.
func TestReadmeVendorJourney(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the README's commands are for a POSIX shell")
	}
	for _, tool := range []string{"bash", "curl", "jq", "base64"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the README's journey needs %s on PATH: %v", tool, err)
		}
	}
	before, after := readmeJourney(t)
	if !strings.Contains(before, "REQUEST_ID=") || !strings.Contains(after, "authorize") {
		t.Fatalf("the README's journey lost its steps:\n--- before the approval\n%s\n--- after\n%s", before, after)
	}

	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "altinn-sim"), "../cmd/altinn-sim")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := simtest.Start(t)
	work := t.TempDir()
	env := append(os.Environ(), "ALTINN_SIM_PUBLIC_URL="+s.URL, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	run := func(step, script string) string {
		t.Helper()
		cmd := exec.Command("bash", "-c", "set -euo pipefail\n"+script)
		cmd.Dir, cmd.Env = work, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n--- script\n%s\n--- output\n%s", step, err, script, out)
		}
		return string(out)
	}

	// The first part leaves its variables for the second, as one shell
	// session would keep them.
	run("steps 1-3", before+"\ndeclare -p SIM CLIENT_ID REQUEST_ID TOKEN > journey.vars\n")
	raw, err := os.ReadFile(filepath.Join(work, "request.json"))
	if err != nil {
		t.Fatalf("step 3 should tee the request to request.json: %v", err)
	}
	var req simtest.Request
	if err := json.Unmarshal(raw, &req); err != nil || req.ID == "" || req.ConfirmURL == "" {
		t.Fatalf("step 3's answer is not a request with id and confirmUrl (%v): %s", err, raw)
	}
	if req.Status != "New" {
		t.Fatalf("step 3: status %q, the README says New", req.Status)
	}
	s.Approve(t, req, simtest.CustomerManagerPID)

	out := run("steps 4-6", "source journey.vars\n"+after)
	// Step 4 polls the status; step 6 prints the PDP's decision last.
	if !strings.Contains(out, `"Accepted"`) {
		t.Errorf("step 4 should show the request Accepted; output:\n%s", out)
	}
	lines := strings.Fields(strings.TrimSpace(out))
	if len(lines) == 0 || lines[len(lines)-1] != `"Permit"` {
		t.Errorf("step 6 should end in \"Permit\", as the README says; output:\n%s", out)
	}
}
