package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// runVersion is `altinn-sim version`: the module version the binary was
// built as (v1.2.3 from go install ...@v1.2.3, "(devel)" from a checkout)
// and, when the build recorded it, the source revision.
func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && isHelp(args[0]) {
		fmt.Fprint(stdout, "Usage: altinn-sim version\n\nPrints the module version and, when the build recorded it, the source revision.\n")
		return 0
	}
	if len(args) > 0 {
		fmt.Fprintf(stderr, "altinn-sim version: unexpected argument %q\n", args[0])
		return 2
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stdout, "altinn-sim (no build information)")
		return 0
	}
	fmt.Fprintln(stdout, versionLine(bi))
	return 0
}

// versionLine is "altinn-sim v1.2.3 (revision abc..., 2026-01-02T03:04:05Z,
// modified) go1.26.0".
func versionLine(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(unknown)" // a test binary records no module version
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var b strings.Builder
	b.WriteString("altinn-sim " + v)
	if rev != "" {
		parts := []string{"revision " + rev}
		if at != "" {
			parts = append(parts, at)
		}
		if modified {
			parts = append(parts, "modified")
		}
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	if bi.GoVersion != "" {
		b.WriteString(" " + bi.GoVersion)
	}
	return b.String()
}
