// Package web holds the portal's templates and static files, embedded in
// the binary so the server needs no files beside it and no build step.
// Go cannot embed files from a parent directory, so the embed lives here
// and internal/portal takes the FS as an argument.
package web

import "embed"

// FS holds templates/*.tmpl (the portal: base layout, _*.tmpl partials,
// one file per page), templates/sim/*.tmpl (the emulator's own /sim/
// pages, laid out the same way), templates/idporten/*.tmpl (ID-porten's
// login pages), templates/onboarding/*.tmpl (Maskinporten's onboarding
// pages under /selvbetjening/) and static/ (stylesheets).
//
//go:embed templates/*.tmpl templates/sim/*.tmpl templates/idporten/*.tmpl templates/onboarding/*.tmpl static
var FS embed.FS
