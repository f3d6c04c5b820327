package docs_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// knownPackages are the packages a declaration or fragment block may use without importing
// them, by the name it uses: the block's file imports those it names.
var knownPackages = map[string]string{
	"bytes": "bytes", "context": "context", "errors": "errors", "fmt": "fmt", "io": "io",
	"iter": "iter", "json": "encoding/json", "http": "net/http", "log": "log", "os": "os",
	"filepath": "path/filepath", "slog": "log/slog", "strings": "strings", "testing": "testing",
	"time": "time", "url": "net/url",
	"writer":     "github.com/writerfiles/writer-go/writer",
	"writertest": "github.com/writerfiles/writer-go/writertest",
}

// freeVariables are the names a fragment may use without declaring them, with their types:
// they become parameters of the function the fragment is the body of.
var freeVariables = map[string]string{
	"ctx":     "context.Context",
	"client":  "*writer.Client",
	"id":      "string",
	"ids":     "[]string",
	"graphID": "string",
	"err":     "error",
}

// goFile is a Go block as the file it compiles as, in package directory dir of the blocks'
// module.
type goFile struct {
	block
	dir, name, src string
}

// content is the file as written: a first line naming the block, then the source.
func (f goFile) content() string { return "// " + f.String() + "\n\n" + f.src }

var pageDirChars = regexp.MustCompile(`[^a-z0-9]+`)

// goFileOf turns a Go block into a file, by the rule docs/testing.md states:
//   - a block that starts with a package clause is a whole file; the whole files of one page
//     with one package name form one package, those with a Test or Example function as its
//     _test.go files;
//   - a block of declarations (functions, types) is a file of a package of its own;
//   - any other block is a fragment: the body of a function returning error whose parameters
//     are the freeVariables it uses, with `_ = v` after the statement that declares each
//     variable at its top level, and `return nil` after its last statement unless that is a
//     return.
//
// Declaration and fragment files import the knownPackages they name.
func goFileOf(b block) (goFile, error) {
	pageDir := strings.Trim(pageDirChars.ReplaceAllString(strings.ToLower(b.page), "_"), "_")
	name := fmt.Sprintf("l%d", b.line)
	if testFunc.MatchString(b.text) {
		name += "_test"
	}
	name += ".go"
	fset := token.NewFileSet()
	if f, err := parser.ParseFile(fset, "", b.text, parser.PackageClauseOnly); err == nil {
		return goFile{block: b, dir: pageDir + "_" + f.Name.Name, name: name, src: b.text}, nil
	}
	dir := fmt.Sprintf("%s_l%d", pageDir, b.line)
	if f, err := parser.ParseFile(fset, "", "package doc\n"+b.text, 0); err == nil {
		return goFile{block: b, dir: dir, name: name, src: "package doc\n\n" + imports(names(f.Unresolved), nil) + b.text}, nil
	}
	const head = "package doc\n\nfunc _() error {\n"
	f, err := parser.ParseFile(fset, "", head+b.text+"}\n", 0)
	if err != nil {
		return goFile{}, fmt.Errorf("neither a Go file, nor declarations, nor statements: %w", err)
	}
	var params, paramTypes []string
	for _, name := range names(f.Unresolved) {
		if typ, ok := freeVariables[name]; ok {
			params = append(params, name+" "+typ)
			paramTypes = append(paramTypes, strings.TrimLeft(strings.Split(typ, ".")[0], "*[]"))
		}
	}
	fn, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok {
		return goFile{}, fmt.Errorf("statements that declare something before the function: %s", b.text)
	}
	body := fn.Body
	src := b.text
	for _, stmt := range slices.Backward(body.List) {
		if vars := declared(stmt); len(vars) > 0 {
			at := fset.Position(stmt.End()).Offset - len(head)
			src = src[:at] + "; _ = " + strings.Join(vars, "; _ = ") + src[at:]
		}
	}
	if n := len(body.List); n == 0 || !isReturn(body.List[n-1]) {
		src += "return nil\n"
	}
	return goFile{block: b, dir: dir, name: name, src: fmt.Sprintf("package doc\n\n%sfunc _(%s) error {\n%s}\n",
		imports(names(f.Unresolved), paramTypes), strings.Join(params, ", "), src)}, nil
}

var testFunc = regexp.MustCompile(`(?m)^func (Test|Example)`)

// names returns the distinct names of idents, sorted.
func names(idents []*ast.Ident) []string {
	var out []string
	for _, id := range idents {
		out = append(out, id.Name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// imports returns the import declaration of the knownPackages among used and extra.
func imports(used, extra []string) string {
	var paths []string
	for _, name := range append(used, extra...) {
		if path, ok := knownPackages[name]; ok {
			paths = append(paths, path)
		}
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	if len(paths) == 0 {
		return ""
	}
	return "import (\n\t\"" + strings.Join(paths, "\"\n\t\"") + "\"\n)\n\n"
}

// declared returns the names a top-level statement declares (x := ..., var x ...).
func declared(stmt ast.Stmt) []string {
	var out []string
	switch s := stmt.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			for _, e := range s.Lhs {
				if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
					out = append(out, id.Name)
				}
			}
		}
	case *ast.DeclStmt:
		if g, ok := s.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, spec := range g.Specs {
				if v, ok := spec.(*ast.ValueSpec); ok {
					for _, id := range v.Names {
						if id.Name != "_" {
							out = append(out, id.Name)
						}
					}
				}
			}
		}
	}
	return out
}

func isReturn(stmt ast.Stmt) bool {
	_, ok := stmt.(*ast.ReturnStmt)
	return ok
}

// writeModule writes the files into a module at dir that requires the library from root
// (a replace directive) and has root's go.sum.
func writeModule(t *testing.T, dir, root string, files []goFile) {
	t.Helper()
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "go.mod"), "module docs.test/blocks\n\ngo 1.26.0\n\n"+
		"require github.com/writerfiles/writer-go v0.0.0\n\nreplace github.com/writerfiles/writer-go => "+root+"\n")
	write(t, filepath.Join(dir, "go.sum"), string(sum))
	for _, f := range files {
		write(t, filepath.Join(dir, f.dir, f.name), f.content())
	}
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
