package writer_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The contract test must produce every error answer the fake can give. So that a new one
// cannot go unchecked, the sites are read from writertest's source: each call of writeFail,
// or of badParam (a 400), with its status and the literal start of its description, mapped
// to the operations whose requests reach it.

// failSite is a call in writertest's source that answers an error.
type failSite struct {
	pos         string   // file:line
	ops         []string // operationIds whose requests reach it; "" is a request that is no operation
	status      int
	description string // the literal start of the description
}

// everyOperation are the functions that run for every request before the router.
var everyOperation = map[string]bool{"routes": true, "rateLimit": true}

// unreachableFailSites are functions whose writeFail no request can reach, with the reason.
var unreachableFailSites = map[string]string{
	"writeJSON": "json.Marshal of the fake's own response types cannot fail",
}

// readFailSites parses writertest's source. It also checks that writertest serves exactly
// the operations of doc.
func readFailSites(t *testing.T, doc *openapi3.T) []failSite {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("../writertest/*.go")
	if err != nil || len(names) == 0 {
		t.Fatalf("writertest source: %v (%d files)", err, len(names))
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}

	// The router: mux.HandleFunc("METHOD PATH", s.handler), or a func literal.
	byRoute := map[string]string{} // "METHOD PATH" -> operationId
	var all []string
	for _, op := range specOperations(doc) {
		byRoute[op.Method+" "+op.Path] = op.ID
		all = append(all, op.ID)
	}
	served := map[string]bool{}
	handlerOps := map[string][]string{}       // handler method name -> its operation
	literalOps := map[*ast.FuncLit][]string{} // handler literal -> its operation
	opsOf := func(n ast.Node, pattern string) []string {
		if pattern == "/" {
			return []string{""} // the fallback: requests that are no operation
		}
		id, ok := byRoute[pattern]
		if !ok {
			t.Errorf("%s: writertest serves %q, which openapi.yaml does not declare", fset.Position(n.Pos()), pattern)
		}
		served[id] = true
		return []string{id}
	}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "HandleFunc" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: HandleFunc pattern is not a literal", fset.Position(call.Pos()))
				return true
			}
			pattern, _ := strconv.Unquote(lit.Value)
			switch h := call.Args[1].(type) {
			case *ast.SelectorExpr:
				handlerOps[h.Sel.Name] = opsOf(call, pattern)
			case *ast.FuncLit:
				literalOps[h] = opsOf(call, pattern)
			}
			return true
		})
	}
	for _, id := range all {
		if !served[id] {
			t.Errorf("openapi.yaml declares %s, which writertest does not serve: add its route and handler in writertest/handlers.go", id)
		}
	}

	var sites []failSite
	unreachableSeen := map[string]bool{}
	for _, f := range files {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || fn.Name.Name == "badParam" {
				continue // badParam's callers are its sites
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				id, ok := call.Fun.(*ast.Ident)
				if !ok || (id.Name != "writeFail" && id.Name != "badParam") {
					return true
				}
				pos := fset.Position(call.Pos())
				site := failSite{pos: "writertest/" + filepath.Base(pos.Filename) + ":" + strconv.Itoa(pos.Line), status: http.StatusBadRequest}
				descArg := call.Args[len(call.Args)-1]
				if id.Name == "writeFail" {
					site.status = statusOf(call.Args[1])
					if site.status == 0 {
						t.Errorf("%s: cannot read the status of writeFail", site.pos)
					}
				}
				site.description = literalStart(descArg)
				switch {
				case unreachableFailSites[fn.Name.Name] != "":
					unreachableSeen[fn.Name.Name] = true
					return true
				case handlerOps[fn.Name.Name] != nil:
					site.ops = handlerOps[fn.Name.Name]
				case everyOperation[fn.Name.Name]:
					site.ops = all
				}
				for lit, ops := range literalOps {
					if lit.Pos() <= call.Pos() && call.End() <= lit.End() {
						site.ops = ops
					}
				}
				if site.ops == nil {
					t.Errorf("%s: %s in %s is reached from no handler this test knows: map %s in failsites_test.go", site.pos, id.Name, fn.Name.Name, fn.Name.Name)
				}
				sites = append(sites, site)
				return true
			})
		}
	}
	for name := range unreachableFailSites {
		if !unreachableSeen[name] {
			t.Errorf("unreachableFailSites names %s, which has no writeFail any more: remove it", name)
		}
	}
	return sites
}

// statusOf reads http.StatusXxx or an integer literal.
func statusOf(e ast.Expr) int {
	switch e := e.(type) {
	case *ast.BasicLit:
		n, _ := strconv.Atoi(e.Value)
		return n
	case *ast.SelectorExpr:
		for code := 100; code < 600; code++ {
			if text := http.StatusText(code); text != "" && "Status"+strings.NewReplacer(" ", "", "-", "").Replace(text) == e.Sel.Name {
				return code
			}
		}
	}
	return 0
}

// literalStart returns the string literal a description starts with ("" if none).
func literalStart(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		s, _ := strconv.Unquote(e.Value)
		return s
	case *ast.BinaryExpr:
		return literalStart(e.X)
	}
	return ""
}

// uncovered lists the operations no answer shows succeeding and the fail sites no answer
// shows: the same operation, status and description.
func uncovered(ops []specOp, sites []failSite, answers []answer) []string {
	var problems []string
	for _, op := range ops {
		if !slices.ContainsFunc(answers, func(a answer) bool { return a.op == op.ID && a.status >= 200 && a.status <= 299 }) {
			problems = append(problems, fmt.Sprintf("operation %s: no contract case answers it with success: add one to contractSuccesses in writer_test/contract_test.go", op))
		}
	}
	for _, s := range sites {
		for _, op := range s.ops {
			if slices.ContainsFunc(answers, func(a answer) bool {
				return a.op == op && a.status == s.status && strings.HasPrefix(a.description, s.description)
			}) {
				continue
			}
			name := op
			if op == "" {
				name = "a request that is no operation"
			}
			problems = append(problems, fmt.Sprintf("%s: no contract case produces its %d %q for %s: add one to writer_test/contract_test.go", s.pos, s.status, s.description, name))
		}
	}
	return problems
}

func TestUncoveredNamesWhatNoCaseProduces(t *testing.T) {
	ops := []specOp{{ID: "gatewayGetFile", Method: "GET", Path: "/v1/files/{file_id}"}}
	sites := []failSite{
		{pos: "writertest/handlers.go:10", ops: []string{"gatewayGetFile"}, status: 404, description: "file not found"},
		{pos: "writertest/handlers.go:20", ops: []string{""}, status: 404, description: "no operation at "},
	}
	answers := []answer{{"gatewayGetFile", 200, ""}, {"gatewayGetFile", 404, "file not found"}, {"", 404, "no operation at GET /"}}
	if got := uncovered(ops, sites, answers); len(got) != 0 {
		t.Errorf("all produced: problems %q", got)
	}
	// A 404 with another description, or from another operation, does not cover the site.
	answers = []answer{{"gatewayGetFile", 404, "no operation at GET /v1"}, {"gatewayDeleteFile", 200, ""}}
	got := uncovered(ops, sites, answers)
	want := []string{
		"operation gatewayGetFile (GET /v1/files/{file_id}): no contract case answers it with success: add one to contractSuccesses in writer_test/contract_test.go",
		`writertest/handlers.go:10: no contract case produces its 404 "file not found" for gatewayGetFile: add one to writer_test/contract_test.go`,
		`writertest/handlers.go:20: no contract case produces its 404 "no operation at " for a request that is no operation: add one to writer_test/contract_test.go`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q\nwant %q", got, want)
	}
}
