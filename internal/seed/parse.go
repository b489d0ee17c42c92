package seed

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// This file turns YAML and shape problems into the file's own terms: the
// key names as written in the file, and line numbers ("line 12: unknown
// key "organisations" (did you mean "organizations"?)"), never Go types.

var (
	unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()
	resourceType    = reflect.TypeFor[Resource]()
	rightType       = reflect.TypeFor[Right]()
	listResType     = reflect.TypeFor[ListResource]()
)

// checkKeys walks a node against the type it will be decoded into and
// reports every mapping key that type has no field for, with the line of
// the key and the nearest known key. at is the path so far
// ("systems[0]"), empty at the top.
func checkKeys(n *yaml.Node, t reflect.Type, at string) Problems {
	for n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == resourceType:
		// Any key of the registry's resource JSON, plus the policy.
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var p Problems
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "policy" {
				p = append(p, checkKeys(n.Content[i+1], reflect.TypeFor[Policy](), join(at, "policy"))...)
			}
		}
		return p
	case t == rightType || t == listResType:
		if n.Kind != yaml.MappingNode {
			return nil // the resource id alone
		}
		return checkStruct(n, t, at)
	case reflect.PointerTo(t).Implements(unmarshalerType):
		return nil // decodes itself (Texts: any language key)
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // Decode reports the wrong kind
		}
		return checkStruct(n, t, at)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		var p Problems
		for i, c := range n.Content {
			p = append(p, checkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", at, i))...)
		}
		return p
	}
	return nil // maps and free-form values take any key
}

func checkStruct(n *yaml.Node, t reflect.Type, at string) Problems {
	fields := map[string]reflect.Type{}
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		fields[name] = f.Type
		names = append(names, name)
	}
	var p Problems
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			p = append(p, fmt.Sprintf("line %d: %s", k.Line, unknownKey(k.Value, at, names)))
			continue
		}
		p = append(p, checkKeys(v, ft, join(at, k.Value))...)
	}
	return p
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

// unknownKey says which key is unknown where, and which was probably
// meant (or, when none is close, which keys there are).
func unknownKey(key, at string, known []string) string {
	msg := fmt.Sprintf("unknown key %q", key)
	if at != "" {
		msg += " in " + at
	}
	if s := nearest(key, known); s != "" {
		return msg + fmt.Sprintf(" (did you mean %q?)", s)
	}
	sorted := slices.Clone(known)
	slices.Sort(sorted)
	return msg + " (known keys: " + strings.Join(sorted, ", ") + ")"
}

// nearest is the known key closest to key when it is close enough to be a
// typo: the same but for case, or a few edits away.
func nearest(key string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return k
		}
		if d := editDistance(strings.ToLower(key), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if bestD <= max(2, len(key)/4) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var (
	lineRE      = regexp.MustCompile(`^line (\d+): (.*)$`)
	unmarshalRE = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+) (?:`(.*)` )?into (.+)$")
)

// yamlErrors turns a YAML error into problems in the file's terms: a
// syntax error, or one line per value of the wrong kind.
func yamlErrors(err error) []string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var out []string
		for _, e := range te.Errors {
			out = append(out, typeProblem(strings.TrimSpace(e)))
		}
		return out
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return []string{strings.Join(strings.Fields(msg), " ")}
}

func typeProblem(e string) string {
	m := unmarshalRE.FindStringSubmatch(e)
	if m == nil {
		return e
	}
	got := map[string]string{"seq": "a list", "map": "a mapping (key: value)", "null": "nothing"}[m[2]]
	if got == "" {
		got = strconv.Quote(m[3])
	}
	return fmt.Sprintf("line %s: want %s here, got %s", m[1], wantKind(m[4]), got)
}

// wantKind describes a Go type as the YAML that decodes into it.
func wantKind(goType string) string {
	goType = strings.TrimPrefix(goType, "*")
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["), strings.HasPrefix(goType, "seed."):
		return "a mapping (key: value)"
	case goType == "string":
		return "text"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	}
	return goType
}

// In names the file in each problem: "line 12: x" becomes "path:12: x",
// anything else "path: x".
func (p Problems) In(path string) Problems {
	out := make(Problems, len(p))
	for i, s := range p {
		if m := lineRE.FindStringSubmatch(s); m != nil {
			out[i] = path + ":" + m[1] + ": " + m[2]
		} else {
			out[i] = path + ": " + s
		}
	}
	return out
}

// InFile is Problems.In for any error Apply or Parse returned: other
// errors come back as they are.
func InFile(err error, path string) error {
	var p Problems
	if errors.As(err, &p) {
		return p.In(path)
	}
	return err
}

var pathRE = regexp.MustCompile(`^([A-Za-z]+(?:\[\d+\])*(?:\.[A-Za-z]+(?:\[\d+\])*)*): `)

// withLines puts in front of each problem that starts with a path in the
// file ("systems[0].rights[1]: ...") the line that path is on.
func (f *File) withLines(err error) error {
	var p Problems
	if f.root == nil || !errors.As(err, &p) {
		return err
	}
	out := make(Problems, len(p))
	for i, s := range p {
		out[i] = s
		if m := pathRE.FindStringSubmatch(s); m != nil {
			if line := lineOf(f.root, m[1]); line > 0 {
				out[i] = fmt.Sprintf("line %d: %s", line, s)
			}
		}
	}
	return out
}

var segRE = regexp.MustCompile(`([A-Za-z]+)|\[(\d+)\]`)

// lineOf finds the line of a path such as "systems[0].rights[1]" in the
// document: of the deepest node the path reaches.
func lineOf(n *yaml.Node, path string) int {
	for n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	line := n.Line
	for _, m := range segRE.FindAllStringSubmatch(path, -1) {
		var next *yaml.Node
		switch {
		case m[1] != "" && n.Kind == yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == m[1] {
					next = n.Content[i+1]
					line = n.Content[i].Line
				}
			}
		case m[2] != "" && n.Kind == yaml.SequenceNode:
			if i, _ := strconv.Atoi(m[2]); i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return line
}
