package main

import (
	"bytes"
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/formatters"
	"github.com/oasdiff/oasdiff/load"
)

// severityLevels raises to error every change that alters the generated Go API of something
// that already exists (one oasdiff check id per line): a renamed operationId renames a Go
// method; a removed schema, operation, parameter or field removes Go code even when it was
// optional or deprecated first; a type or format change in either direction changes a Go
// type (format uuid dropped turns uuid.UUID into string); required becoming optional or the
// reverse turns T into *T. Additions stay info: regenerating adds code and breaks nothing.
//
//go:embed severity-levels.txt
var severityLevels []byte

// drift is what changed in the File API between base and revision.
type drift struct {
	changes checker.Changes // oasdiff's changelog of the File API, info and above
	added   []addition      // what Writer added that the client does not wrap
}

// An addition is a new operation, parameter or schema property of the File API.
type addition struct {
	what  string // "operation gatewayArchiveFile (POST /v1/files/{file_id}/archive)"
	where string // the files a fork changes to wrap it
}

// compare diffs base and rev, two extracts of the File API (parseExtract): what is outside
// scope is not in them.
func compare(base, rev *openapi3.T) (*drift, error) {
	levels, err := checker.GetSeverityLevels(bytes.NewReader(severityLevels))
	if err != nil {
		return nil, fmt.Errorf("severity levels: %w", err)
	}
	config := diff.NewConfig()
	s1 := &load.SpecInfo{Url: "base", Spec: base}
	s2 := &load.SpecInfo{Url: "revision", Spec: rev}
	report, sources, err := diff.GetWithOperationsSourcesMap(config, s1, s2)
	if err != nil {
		return nil, fmt.Errorf("oasdiff: %w", err)
	}
	checks := checker.NewConfig(checker.GetAllChecks(), checker.WithSeverityLevels(levels))
	d := &drift{changes: checker.CheckBackwardCompatibilityUntilLevel(checks, report, sources, checker.INFO)}
	d.added = additions(base, rev)
	return d, nil
}

// additions lists the operations, the parameters of existing operations and
// the properties of base's schemas that rev has and base lacks.
func additions(base, rev *openapi3.T) []addition {
	var out []addition
	for _, path := range slices.Sorted(maps.Keys(rev.Paths.Map())) {
		revItem := rev.Paths.Value(path)
		baseItem := base.Paths.Value(path)
		for _, method := range slices.Sorted(maps.Keys(revItem.Operations())) {
			op := revItem.Operations()[method]
			var baseOp *openapi3.Operation
			if baseItem != nil {
				baseOp = baseItem.GetOperation(method)
			}
			if baseOp == nil {
				out = append(out, addition{
					what:  fmt.Sprintf("operation %s (%s %s)", op.OperationID, method, path),
					where: "a " + service(path) + " method in writer/ and a row in writer_test/coverage_test.go",
				})
				continue
			}
			for _, p := range op.Parameters {
				if p.Value != nil && baseOp.Parameters.GetByInAndName(p.Value.In, p.Value.Name) == nil {
					out = append(out, addition{
						what:  fmt.Sprintf("%s parameter %s of %s", p.Value.In, p.Value.Name, op.OperationID),
						where: "the options of the writer method that wraps " + op.OperationID,
					})
				}
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(base.Components.Schemas)) {
		b, r := base.Components.Schemas[name], rev.Components.Schemas[name]
		if b == nil || b.Value == nil || r == nil || r.Value == nil {
			continue // a removed schema is breaking: oasdiff reports it
		}
		for _, prop := range slices.Sorted(maps.Keys(r.Value.Properties)) {
			if _, ok := b.Value.Properties[prop]; !ok {
				out = append(out, addition{what: "property " + name + "." + prop, where: schemaFiles(name)})
			}
		}
	}
	return out
}

// schemaFiles names the files that convert a schema of openapi.yaml.
func schemaFiles(schema string) string {
	switch schema {
	case "file_response":
		return "writer/files.go (File, fileFrom), writertest/server.go (File), writertest/handlers.go (fileResponse) and cmd/writerfiles/files.go (fileResponse)"
	case "files_response":
		return "writer/list.go (Page, listPage) and writertest/list.go"
	case "delete_file_response":
		return "writer/files.go (Delete), writertest/handlers.go (deleteFile) and cmd/writerfiles/files.go (cmdDelete)"
	case "retry_files_request", "retry_files_response":
		return "writer/files.go (Retry, retry) and writertest/handlers.go (retry)"
	case "fail_response", "fail_message":
		return "writer/errors.go (Error, parseErrorBody) and writertest/handlers.go (writeFail)"
	case "graph":
		return "writer/graphs.go (Graph, graphFrom) and writertest/graphs.go (Graph, graphResponse)"
	case "graph_file_status":
		return "writer/graphs.go (GraphFileStatus, graphFrom) and writertest/graphs.go (fileCounts)"
	case "graphs_response":
		return "writer/graphs_list.go (GraphPage, listPage) and writertest/graphs_list.go (listGraphs)"
	case "graph_file_request":
		return "writer/graphs.go (AddFile) and writertest/graphs.go (addFileToGraph)"
	}
	return "the writer code that converts " + schema
}

// service names the writer service that wraps the operations of path.
func service(path string) string {
	if underFiles(path) {
		return "FilesService"
	}
	return "GraphsService"
}

// breaking reports whether a change is a warning or an error.
func (d *drift) breaking() bool { return d.changes.HasLevelOrHigher(checker.WARN) }

// report is oasdiff's changelog as text, or "" when there is none.
func (d *drift) report() string {
	if len(d.changes) == 0 {
		return ""
	}
	f, err := formatters.Lookup(string(formatters.FormatText), formatters.FormatterOpts{Language: "en"})
	if err != nil {
		return err.Error()
	}
	out, err := f.RenderChangelog(d.changes, formatters.RenderOpts{ColorMode: checker.ColorNever})
	if err != nil {
		return err.Error()
	}
	return strings.TrimRight(string(out), "\n")
}
