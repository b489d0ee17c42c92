// Package migrations holds the SQL migrations, embedded into the binary.
// Files are NNNN_name.up.sql / .down.sql; a landed migration is never edited.
package migrations

import "embed"

// FS holds every migration file.
//
//go:embed *.sql
var FS embed.FS
