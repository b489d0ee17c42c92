package db_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// looksLikeSQL matches a statement or a fragment of one: a placeholder or
// an upper-case SQL keyword.
var looksLikeSQL = regexp.MustCompile(`\$[0-9]|\b(SELECT|INSERT|UPDATE|DELETE|WHERE|AND|OR|NOT|ORDER BY|LIMIT|FOR UPDATE|IS NULL)\b`)

// driverCalls are the calls SQL text may be handed to: the driver's own.
var driverCalls = map[string]bool{"Exec": true, "Query": true, "QueryRow": true, "Queue": true, "Sprintf": true}

// TestStoresTakeNoSQL: SQL text goes only to the driver, in the store
// function that owns the statement; no service hands a store a WHERE
// clause (and no store splices one in).
func TestStoresTakeNoSQL(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			case *ast.IndexExpr, *ast.IndexListExpr:
				return true
			}
			if driverCalls[name] {
				return true
			}
			for _, arg := range call.Args {
				lit, ok := arg.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING || !strings.HasPrefix(lit.Value, "`") && !strings.Contains(lit.Value, "$") {
					continue
				}
				if looksLikeSQL.MatchString(lit.Value) {
					t.Errorf("%s: SQL text %s passed to %s: give the store a named function with the whole statement", fset.Position(lit.Pos()), lit.Value, name)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
