package seed_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestComposeOverride keeps examples/training/docker-compose.seed.yml in
// step with docker-compose.yml (no docker needed): the seed service uses
// the same database as altinn-sim, mounts the folder that holds the seed
// file, runs `seed --file` on a file inside the mount, and altinn-sim waits
// for it.
func TestComposeOverride(t *testing.T) {
	root := filepath.Join(trainingDir(t), "..", "..")
	type service struct {
		Build       string            `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Command     []string          `yaml:"command"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	}
	read := func(path string) map[string]service {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Services map[string]service `yaml:"services"`
		}
		if err := yaml.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		return f.Services
	}
	base := read(filepath.Join(root, "docker-compose.yml"))
	over := read(filepath.Join(trainingDir(t), "docker-compose.seed.yml"))
	seedSvc, ok := over["seed"]
	if !ok {
		t.Fatal("no seed service")
	}
	if seedSvc.Build != base["altinn-sim"].Build {
		t.Errorf("seed builds %q, altinn-sim %q", seedSvc.Build, base["altinn-sim"].Build)
	}
	if got, want := seedSvc.Environment["ALTINN_SIM_DATABASE_URL"], base["altinn-sim"].Environment["ALTINN_SIM_DATABASE_URL"]; got == "" || got != want {
		t.Errorf("seed database %q, altinn-sim's %q", got, want)
	}
	if c := seedSvc.DependsOn["postgres"].Condition; c != "service_healthy" {
		t.Errorf("seed waits for postgres with %q", c)
	}
	if c := over["altinn-sim"].DependsOn["seed"].Condition; c != "service_completed_successfully" {
		t.Errorf("altinn-sim waits for seed with %q", c)
	}
	if len(seedSvc.Command) != 3 || seedSvc.Command[0] != "seed" || seedSvc.Command[1] != "--file" {
		t.Fatalf("seed command %q", seedSvc.Command)
	}
	file := seedSvc.Command[2]
	found := false
	for _, v := range seedSvc.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || !strings.HasPrefix(file, parts[1]+"/") {
			continue
		}
		// Compose resolves the source against the project folder (the
		// first file's, i.e. the repository root).
		host := filepath.Join(root, parts[0], strings.TrimPrefix(file, parts[1]+"/"))
		if _, err := os.Stat(host); err != nil {
			t.Errorf("the seed file is not in the mounted folder: %v", err)
		}
		found = true
	}
	if !found {
		t.Errorf("no volume holds %s (%q)", file, seedSvc.Volumes)
	}
}
