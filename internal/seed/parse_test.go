package seed

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProblemsInTheFilesOwnTerms: a bad file is described with its own
// key names and line numbers, never Go types.
func TestProblemsInTheFilesOwnTerms(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"top-level typo", "# x\norganisations:\n  - {orgNo: \"315555019\", name: X}\n",
			`line 2: unknown key "organisations" (did you mean "organizations"?)`},
		{"case only", "systemusers: []\n", `line 1: unknown key "systemusers" (did you mean "systemUsers"?)`},
		{"nothing close", "frobnicate: 1\n", `line 1: unknown key "frobnicate" (known keys: accessLists, agentSystemUsers, apiDelegationSchemes, apiDelegations, clients, organizations, personAgents, persons, resources, roles, scopes, systemUsers, systems)`},
		{"nested typo", "systems:\n  - id: 315555000_x\n    vendr: \"315555000\"\n", `line 3: unknown key "vendr" in systems[0] (did you mean "vendor"?)`},
		{"in a right", "systems:\n  - id: 315555000_x\n    rights:\n      - {resource: r, acton: read}\n", `line 4: unknown key "acton" in systems[0].rights[0] (did you mean "action"?)`},
		{"in a policy", "resources:\n  - identifier: r\n    policy:\n      minAuthlevel: 2\n", `line 4: unknown key "minAuthlevel" in resources[0].policy (did you mean "minAuthLevel"?)`},
		{"in a rule", "resources:\n  - identifier: r\n    policy:\n      rules:\n        - {subject: [x]}\n", `line 5: unknown key "subject" in resources[0].policy.rules[0] (did you mean "subjects"?)`},
		{"list where text goes", "organizations:\n  - orgNo: [1]\n", "line 2: want text here, got a list"},
		{"mapping where a list goes", "persons: {pid: x}\n", "line 1: want a list here, got a mapping (key: value)"},
		{"text where a mapping goes", "organizations:\n  - 315555019\n", `line 2: want a mapping (key: value) here, got "315555019"`},
		{"text where a boolean goes", "systems:\n  - id: 315555000_x\n    isVisible: maybe\n", `line 3: want true or false here, got "maybe"`},
		{"not a mapping at all", "- a\n", "line 1: want a mapping (key: value) here, got a list"},
		{"syntax", "organizations: [\n", "line 1: did not find expected node content"},
		{"empty", "# nothing\n", "the file is empty"},
		{"shape problem gets its line", "organizations:\n  - {orgNo: \"315555019\", name: X}\n  - {orgNo: \"123\", name: Y}\n",
			`line 3: organizations[1].orgNo: "123" is not a valid organisation number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.body), ".")
			if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("err %v\nwant one line starting %s", err, c.want)
			}
			if strings.Contains(err.Error(), "seed.") || strings.Contains(err.Error(), "not found in type") {
				t.Errorf("Go names in %q", err)
			}
		})
	}
}

// TestReadFileNamesTheFile: "path:line: ..." for problems on a line,
// "path: ..." for the others.
func TestReadFileNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(path, []byte("\n\norganisations: []\nsystemz: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path)
	want := path + `:3: unknown key "organisations" (did you mean "organizations"?) (and 1 more problem(s))`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	var p Problems
	if !errors.As(err, &p) || len(p) != 2 || p[1] != path+`:4: unknown key "systemz" (did you mean "systems"?)` {
		t.Fatalf("problems %q", p)
	}
	_, err = ReadFile(filepath.Join(dir, "missing.yaml"))
	if err == nil || err.Error() != filepath.Join(dir, "missing.yaml")+": cannot read it: no such file or directory" {
		t.Fatalf("missing file: %v", err)
	}
	if got := InFile(Problems{"systems[0]: no such resource"}, "s.yaml").Error(); got != "s.yaml: systems[0]: no such resource" {
		t.Fatalf("InFile %q", got)
	}
}
