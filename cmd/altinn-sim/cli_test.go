package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestHelpEverywhere: help and --help/-h on every command exit 0 and
// print to stdout only that command's usage.
func TestHelpEverywhere(t *testing.T) {
	cases := []struct {
		args    []string
		want    []string
		notWant []string
	}{
		{[]string{"--help"}, []string{"altinn-sim version", "altinn-sim help [command]", "altinn-sim migrate"}, []string{"ALTINN_SIM_"}},
		{[]string{"-h"}, []string{"altinn-sim healthcheck"}, nil},
		{[]string{"help"}, []string{"altinn-sim keys new"}, nil},
		{[]string{"help", "help"}, []string{"altinn-sim keys new"}, nil},
		{[]string{"serve", "--help"}, []string{"--listen", "--public-url", "--also-public-url", "--seed-file", "--dev[=false]", "ALTINN_SIM_DATABASE_URL"}, []string{"--file "}},
		{[]string{"help", "serve"}, []string{"--listen", "ALTINN_SIM_ADMIN_TOKEN"}, nil},
		{[]string{"migrate", "--help"}, []string{"--database-url", "--data-dir", "--log-level"}, []string{"--listen", "--public-url", "--admin-token", "--signing-alg", "--dev"}},
		{[]string{"help", "migrate"}, []string{"--database-url"}, []string{"--listen"}},
		{[]string{"seed", "--help"}, []string{"--file", "--database-url", "--data-dir", "Safe to run again"}, []string{"--listen", "--public-url", "--admin-token", "--token-lifetime"}},
		{[]string{"seed", "-h", "--file", "x.yaml"}, []string{"--file"}, nil},
		{[]string{"keys", "--help"}, []string{"keys new", "keys public", "--out"}, []string{"--client-id"}},
		{[]string{"keys", "new", "-h"}, []string{"keys new"}, nil},
		{[]string{"help", "keys"}, []string{"keys public"}, nil},
		{[]string{"grant", "--help"}, []string{"--client-id", "--audience"}, []string{"--raw", "--listen"}},
		{[]string{"token", "-h"}, []string{"--client-id", "--raw", "--url"}, []string{"--listen"}},
		{[]string{"healthcheck", "--help"}, []string{"--url"}, []string{"--listen"}},
		{[]string{"help", "healthcheck"}, []string{"--url"}, nil},
		{[]string{"version", "--help"}, []string{"altinn-sim version"}, nil},
		{[]string{"help", "version"}, []string{"altinn-sim version"}, nil},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, errs := runCLI(t, nil, c.args...)
			if code != 0 || errs != "" {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range c.notWant {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestBadUsageExitsTwoWithOneLine: every bad command, flag or setting is
// refused with exit 2 and one line on stderr naming it, before anything
// is started or made (the data folder stays untouched).
func TestBadUsageExitsTwoWithOneLine(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data") // must never be created
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	badSeed := filepath.Join(dir, "seed.yaml")
	if err := os.WriteFile(badSeed, []byte("# a seed file\norganisations:\n  - {orgNo: \"315555019\", name: X}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	noDB := map[string]string{"ALTINN_SIM_DATA_DIR": data}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string // stderr starts with it
	}{
		{"unknown command", nil, []string{"frobnicate"}, `altinn-sim: unknown command "frobnicate"`},
		{"help on an unknown command", nil, []string{"help", "frobnicate"}, `altinn-sim help: unknown command "frobnicate"`},
		{"help on two commands", nil, []string{"help", "seed", "serve"}, "altinn-sim help: want at most one command"},
		{"version with an argument", nil, []string{"version", "x"}, `altinn-sim version: unexpected argument "x"`},
		{"unknown flag", noDB, []string{"--no-such-flag"}, "altinn-sim: flag provided but not defined: -no-such-flag"},
		{"port out of range", noDB, []string{"serve", "--listen", "127.0.0.1:99999"}, "altinn-sim: ALTINN_SIM_LISTEN / --listen"},
		{"listen without port", noDB, []string{"--listen", "nowhere"}, "altinn-sim: ALTINN_SIM_LISTEN / --listen"},
		{"--dev does not eat --listen", noDB, []string{"--dev", "--listen", "127.0.0.1:99999"}, "altinn-sim: ALTINN_SIM_LISTEN / --listen"},
		{"--dev followed by a word", noDB, []string{"--dev", "maybe"}, `altinn-sim: unexpected argument "maybe"`},
		{"public url not absolute", noDB, []string{"--public-url", "localhost:8080"}, "altinn-sim: ALTINN_SIM_PUBLIC_URL / --public-url"},
		{"also public url not absolute", noDB, []string{"--also-public-url", "altinn-sim:8080"}, "altinn-sim: ALTINN_SIM_ALSO_PUBLIC_URL / --also-public-url"},
		{"signing alg", noDB, []string{"serve", "--signing-alg", "none"}, "altinn-sim: ALTINN_SIM_SIGNING_ALG / --signing-alg"},
		{"lifetime", noDB, []string{"--token-lifetime", "forever"}, "altinn-sim: ALTINN_SIM_TOKEN_LIFETIME / --token-lifetime"},
		{"log level from the environment", map[string]string{"ALTINN_SIM_DATA_DIR": data, "ALTINN_SIM_LOG_LEVEL": "loud"}, nil, "altinn-sim: ALTINN_SIM_LOG_LEVEL / --log-level"},
		{"log format", noDB, []string{"migrate", "--log-format", "xml"}, "altinn-sim: ALTINN_SIM_LOG_FORMAT / --log-format"},
		{"database url", noDB, []string{"migrate", "--database-url", "mysql://x"}, "altinn-sim: ALTINN_SIM_DATABASE_URL / --database-url"},
		{"data dir is a file", nil, []string{"serve", "--data-dir", file}, "altinn-sim: ALTINN_SIM_DATA_DIR / --data-dir: " + file + " is a file"},
		{"data dir cannot be made", nil, []string{"migrate", "--data-dir", filepath.Join(file, "x")}, "altinn-sim: ALTINN_SIM_DATA_DIR / --data-dir: cannot create"},
		{"seed data dir cannot be made", nil, []string{"seed", "--file", badSeed, "--data-dir", filepath.Join(file, "x")}, "altinn-sim seed: ALTINN_SIM_DATA_DIR / --data-dir: cannot create"},
		{"migrate has no server flags", noDB, []string{"migrate", "--listen", "127.0.0.1:8080"}, "altinn-sim: flag provided but not defined: -listen"},
		{"seed has no server flags", noDB, []string{"seed", "--file", badSeed, "--public-url", "http://x"}, "altinn-sim seed: flag provided but not defined: -public-url"},
		{"seed without a file", noDB, []string{"seed"}, "altinn-sim seed: --file is required"},
		{"seed file in its own terms", noDB, []string{"seed", "--file", badSeed}, "altinn-sim seed: " + badSeed + `:2: unknown key "organisations" (did you mean "organizations"?)`},
		{"serve --seed-file in its own terms", noDB, []string{"serve", "--seed-file", badSeed}, "altinn-sim: ALTINN_SIM_SEED_FILE / --seed-file: " + badSeed + `:2: unknown key "organisations" (did you mean "organizations"?)`},
		{"serve --seed-file missing", noDB, []string{"serve", "--seed-file", filepath.Join(dir, "nope.yaml")}, "altinn-sim: ALTINN_SIM_SEED_FILE / --seed-file: " + filepath.Join(dir, "nope.yaml") + ": cannot read it: no such file or directory"},
		{"bare keys", nil, []string{"keys"}, "altinn-sim keys: want keys new or keys public"},
		{"unknown keys command", nil, []string{"keys", "frob"}, `altinn-sim keys: unknown keys command "frob"`},
		{"grant without client id", nil, []string{"grant", "--key", "k.json", "--scope", "a:b"}, "altinn-sim grant: --client-id is required"},
		{"healthcheck unknown flag", nil, []string{"healthcheck", "--nope"}, "altinn-sim healthcheck: flag provided but not defined: -nope"},
		{"healthcheck argument", nil, []string{"healthcheck", "extra"}, `altinn-sim healthcheck: unexpected argument "extra"`},
		{"healthcheck bad listen", map[string]string{"ALTINN_SIM_LISTEN": "nowhere"}, []string{"healthcheck"}, "altinn-sim healthcheck: ALTINN_SIM_LISTEN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, c.env, c.args...)
			if code != 2 || strings.Count(errs, "\n") != 1 || !strings.HasSuffix(errs, "\n") || !strings.HasPrefix(errs, c.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and one line starting %q", code, errs, c.want)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			if _, err := os.Stat(data); err == nil {
				t.Fatalf("%s was created", data)
			}
		})
	}
}

// TestRootDataDirRefusedNotChmodded: as root the embedded cluster runs as
// the postgres user; a data folder it cannot reach is refused with exit 2
// naming the setting, and no folder's mode or owner is changed.
func TestRootDataDirRefusedNotChmodded(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root runs the cluster as another user")
	}
	private := t.TempDir() // 0700, root's
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(private, "data")
	for _, args := range [][]string{
		{"serve", "--listen", freeAddr(t), "--data-dir", data},
		{"migrate", "--data-dir", data},
	} {
		code, out, errs := runCLI(t, map[string]string{"ALTINN_SIM_DATABASE_URL": ""}, args...)
		if code != 2 || strings.Count(errs, "\n") != 1 ||
			!strings.HasPrefix(errs, "altinn-sim: ALTINN_SIM_DATA_DIR / --data-dir: running as root, the embedded PostgreSQL runs as the postgres user, which cannot enter "+private) ||
			!strings.Contains(errs, "chmod o+x "+private) {
			t.Errorf("%v: exit %d, stderr %q, stdout %q", args, code, errs, out)
		}
		st, err := os.Stat(private)
		if err != nil || st.Mode().Perm() != 0o700 {
			t.Fatalf("%s mode changed: %v %v", private, st.Mode(), err)
		}
		if _, err := os.Stat(data); err == nil {
			t.Fatalf("%s was created", data)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		code, out, errs := runCLI(t, nil, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "altinn-sim ") || strings.Count(out, "\n") != 1 {
			t.Errorf("%v: exit %d %q %q", args, code, out, errs)
		}
	}
	bi := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/altinn-sim/altinn-sim", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abc"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	if got := versionLine(bi); got != "altinn-sim v1.2.3 (revision 0123abc, 2026-12-01T10:00:00Z, modified) go1.26.0" {
		t.Errorf("versionLine %q", got)
	}
	bi.Settings = nil
	if got := versionLine(bi); got != "altinn-sim v1.2.3 go1.26.0" {
		t.Errorf("without VCS %q", got)
	}
}

// TestVersionOfBuiltBinary: a binary built from this checkout names the
// source revision it was built from.
func TestVersionOfBuiltBinary(t *testing.T) {
	if st, err := os.Stat("../../.git"); err != nil || !st.IsDir() {
		// The go command stamps VCS information only when .git is a
		// folder, not in a git worktree (where .git is a file).
		t.Skip("not a plain git checkout: the go command records no revision")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("no git here: %v", err)
	}
	if want := "(revision " + strings.TrimSpace(string(head)); !strings.Contains(string(out), want) {
		t.Errorf("version %q lacks %q", out, want)
	}
}
