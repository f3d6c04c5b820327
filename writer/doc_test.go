package writer

import (
	"bytes"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestGoDocShowsOnlyTheContract renders every declaration that go doc shows for this
// package (go/doc's exported view, as `go doc -all` prints it) and fails on any unexported
// identifier in one: a type, value or package-level name that a reader cannot look up.
// Names of parameters, results and fields, predeclared identifiers and package qualifiers
// are fine.
func TestGoDocShowsOnlyTheContract(t *testing.T) {
	fset, files := parsePackage(t, false)
	// The package's own unexported names, which may appear as the X of a selector.
	own := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					own[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch spec := spec.(type) {
					case *ast.TypeSpec:
						own[spec.Name.Name] = true
					case *ast.ValueSpec:
						for _, id := range spec.Names {
							own[id.Name] = true
						}
					}
				}
			}
		}
	}
	p, err := doc.NewFromFiles(fset, files, "github.com/writerfiles/writer-go/writer")
	if err != nil {
		t.Fatal(err)
	}

	var decls []ast.Decl
	addValues := func(vs []*doc.Value) {
		for _, v := range vs {
			decls = append(decls, v.Decl)
		}
	}
	addFuncs := func(fs []*doc.Func) {
		for _, f := range fs {
			decls = append(decls, f.Decl)
		}
	}
	addValues(p.Consts)
	addValues(p.Vars)
	addFuncs(p.Funcs)
	for _, typ := range p.Types {
		decls = append(decls, typ.Decl)
		addValues(typ.Consts)
		addValues(typ.Vars)
		addFuncs(typ.Funcs)
		addFuncs(typ.Methods)
	}
	if len(decls) < 50 {
		t.Fatalf("go/doc found %d declarations; the package has more: is the parse right?", len(decls))
	}
	for _, d := range decls {
		if bad := unexportedIn(d, own); len(bad) > 0 {
			var b bytes.Buffer
			_ = printer.Fprint(&b, fset, d)
			t.Errorf("go doc shows %v in\n%s", bad, b.String())
		}
	}
}

// TestEveryServiceMethodHasAnExample: go doc shows a runnable Example for each method of
// FilesService and GraphsService (example_test.go, example_graphs_test.go; `go test -run
// Example` checks their output).
func TestEveryServiceMethodHasAnExample(t *testing.T) {
	fset, files := parsePackage(t, true)
	p, err := doc.NewFromFiles(fset, files, "github.com/writerfiles/writer-go/writer")
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]int{}
	for _, typ := range p.Types {
		if typ.Name != "FilesService" && typ.Name != "GraphsService" {
			continue
		}
		for _, m := range typ.Methods {
			methods[typ.Name]++
			if !slices.ContainsFunc(m.Examples, func(ex *doc.Example) bool { return ex.Output != "" || ex.Unordered }) {
				t.Errorf("%s.%s has no Example with checked output", typ.Name, m.Name)
			}
		}
	}
	if methods["FilesService"] < 10 || methods["GraphsService"] < 5 {
		t.Errorf("found methods %v, want at least 10 of FilesService and 5 of GraphsService", methods)
	}
}

// unexportedIn returns the unexported identifiers that decl refers to, other than names it
// declares (of parameters, results, fields, methods, values and types), predeclared ones
// and package qualifiers.
func unexportedIn(decl ast.Decl, own map[string]bool) []string {
	names := map[*ast.Ident]bool{} // identifiers that name what they declare
	var bad []string
	ast.Inspect(decl, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			for _, id := range n.Names {
				names[id] = true
			}
		case *ast.FuncDecl:
			names[n.Name] = true
		case *ast.TypeSpec:
			names[n.Name] = true
		case *ast.ValueSpec:
			for _, id := range n.Names {
				names[id] = true
			}
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && !own[x.Name] {
				names[x] = true // an imported package's name
			}
			names[n.Sel] = true // judged by its package: exported, or it would not compile
		case *ast.Ident:
			if !names[n] && !n.IsExported() && n.Name != "_" && types.Universe.Lookup(n.Name) == nil {
				bad = append(bad, n.Name)
			}
		}
		return true
	})
	return bad
}

// parsePackage parses the package's files in the current directory, its _test.go files too
// when withTests.
func parsePackage(t *testing.T, withTests bool) (*token.FileSet, []*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || (!withTests && strings.HasSuffix(name, "_test.go")) {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}
