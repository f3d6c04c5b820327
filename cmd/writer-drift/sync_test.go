package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// upstream is a small stand-in for Writer's whole document: File API paths among others, a
// look-alike path, schemas reached only through other schemas, unused schemas, two security
// schemes of which the File API uses one.
const upstream = `openapi: 3.0.3
info:
  title: API
  version: '1.0'
servers:
  - url: https://api.writer.com
security:
  - bearerAuth: []
paths:
  /v1/graphs:
    get:
      operationId: listGraphs
      security:
        - apiKey: []
      responses:
        '200':
          description: ''
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/graphs_response'
  /v1/files/{file_id}:
    get:
      operationId: gatewayGetFile
      security:
        - bearerAuth: []
      parameters:
        - name: file_id
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: ''
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/file_response'
  /v1/filesystem:
    get:
      operationId: getFilesystem
      responses:
        '200':
          description: ''
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/filesystem_response'
  /v1/files:
    get:
      operationId: gatewayGetFiles
      responses:
        '200':
          description: ''
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/files_response'
  /v1/files/retry:
    post:
      operationId: gatewayRetryFailedFiles
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/retry_files_request'
      responses:
        '200':
          description: ''
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/retry_files_response'
components:
  securitySchemes:
    apiKey:
      type: apiKey
      in: header
      name: X-Key
    bearerAuth:
      type: http
      scheme: bearer
  schemas:
    graphs_response:
      type: object
      properties:
        data:
          type: array
          items:
            $ref: '#/components/schemas/graph'
    graph:
      type: object
    file_status:
      type: string
      description: reached only through files_response -> file_response
    file_response:
      type: object
      required: [id, status]
      properties:
        id:
          type: string
        status:
          $ref: '#/components/schemas/file_status'
    filesystem_response:
      type: object
    files_response:
      type: object
      properties:
        data:
          type: array
          items:
            $ref: '#/components/schemas/file_response'
    fail_response:
      type: object
      properties:
        tpe:
          type: string
    retry_files_request:
      type: object
      required: [file_ids]
      properties:
        file_ids:
          type: array
          items:
            type: string
            format: uuid
    retry_files_response:
      type: object
      properties:
        success:
          type: boolean
    unused:
      type: object
`

func TestExtractKeepsExactlyTheFileAPIPaths(t *testing.T) {
	doc := decode(t, mustExtract(t, upstream))
	got := mappingKeys(t, doc, "paths")
	want := []string{"/v1/files/{file_id}", "/v1/files", "/v1/files/retry"} // upstream order
	if !slices.Equal(got, want) {
		t.Errorf("paths = %v, want %v", got, want)
	}
}

// TestExtractTakesTheGraphOperationsFilesNeed: from Writer's document, every operation under
// /v1/files and the four graph operations by operationId, not the other operations of their
// paths (createGraph on /v1/graphs, updateGraph and deleteGraph on /v1/graphs/{graph_id}).
func TestExtractTakesTheGraphOperationsFilesNeed(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testdata, "upstream-openapi-2026-04-14.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, mustExtract(t, string(src)))
	var got []string
	paths := get(doc, "paths")
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if id := get(item.Content[j+1], "operationId"); id != nil {
				got = append(got, item.Content[j].Value+" "+paths.Content[i].Value+" "+id.Value)
			}
		}
	}
	want := []string{
		"get /v1/graphs findGraphsWithFileStatus",
		"get /v1/graphs/{graph_id} findGraphWithFileStatus",
		"post /v1/graphs/{graph_id}/file addFileToGraph",
		"delete /v1/graphs/{graph_id}/file/{file_id} removeFileFromGraph",
		"get /v1/files/{file_id} gatewayGetFile",
		"delete /v1/files/{file_id} gatewayDeleteFile",
		"get /v1/files gatewayGetFiles",
		"post /v1/files gatewayUploadFile",
		"get /v1/files/{file_id}/download gatewayDownloadFile",
		"post /v1/files/retry gatewayRetryFailedFiles",
	}
	if !slices.Equal(got, want) {
		t.Errorf("operations =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestExtractKeepsReferencedSchemasAndFailResponse(t *testing.T) {
	doc := decode(t, mustExtract(t, upstream))
	got := mappingKeys(t, doc, "components", "schemas")
	// file_status is reached only through files_response -> file_response; fail_response is
	// referenced by no operation and kept by name; graph, graphs_response,
	// filesystem_response and unused belong to other paths or to none.
	want := []string{"file_status", "file_response", "files_response", "fail_response", "retry_files_request", "retry_files_response"}
	if !slices.Equal(got, want) {
		t.Errorf("schemas = %v, want %v", got, want)
	}
}

func TestExtractKeepsOnlyUsedSecuritySchemes(t *testing.T) {
	doc := decode(t, mustExtract(t, upstream))
	got := mappingKeys(t, doc, "components", "securitySchemes")
	if want := []string{"bearerAuth"}; !slices.Equal(got, want) {
		t.Errorf("securitySchemes = %v, want %v", got, want)
	}
}

func TestExtractCopiesNodesUnchanged(t *testing.T) {
	in := decodeString(t, upstream)
	out := decode(t, mustExtract(t, upstream))
	for _, path := range [][]string{
		{"openapi"}, {"info"}, {"servers"}, {"security"},
		{"paths", "/v1/files/retry"}, {"paths", "/v1/files/{file_id}"},
		{"components", "schemas", "file_response"}, {"components", "securitySchemes", "bearerAuth"},
	} {
		if got, want := lookup(t, out, path...), lookup(t, in, path...); !reflect.DeepEqual(got, want) {
			t.Errorf("%v = %v, want upstream's %v", path, got, want)
		}
	}
}

func TestExtractIsDeterministic(t *testing.T) {
	first := mustExtract(t, upstream)
	for range 5 {
		if got := mustExtract(t, upstream); !bytes.Equal(got, first) {
			t.Fatalf("second extraction differs:\n%s\nfirst:\n%s", got, first)
		}
	}
	if again := mustExtract(t, string(first)); !bytes.Equal(again, first) {
		t.Errorf("extracting the extraction changes it:\n%s\nwant:\n%s", again, first)
	}
}

// TestExtractWriterDocuments checks the acceptance of `make spec-sync`: each of Writer's
// published copies in testdata/ gives openapi.yaml byte for byte.
func TestExtractWriterDocuments(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(repoRoot, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"upstream-openapi-2026-03-20.yaml", "upstream-openapi-2026-04-14.yaml"} {
		src, err := os.ReadFile(filepath.Join(testdata, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := mustExtract(t, string(src)); !bytes.Equal(got, want) {
			t.Errorf("extract(%s) differs from openapi.yaml: run make spec-sync UPSTREAM=testdata/%s", name, name)
		}
	}
}

func TestExtractErrors(t *testing.T) {
	// upstream up to its top-level components key: a document with paths only.
	pathsOnly, _, found := strings.Cut(upstream, "\ncomponents:")
	if !found {
		t.Fatal("upstream has no top-level components key")
	}
	tests := []struct {
		name string
		src  string
		want string // the part of the message that names the problem
	}{
		{
			name: "no File API path",
			src:  strings.Replace(strings.ReplaceAll(upstream, "/v1/files", "/v2/files"), "/v2/filesystem", "/v1/filesystem", 1),
			want: "has none of the File API",
		},
		{
			name: "referenced schema not defined",
			src:  strings.Replace(upstream, "    file_status:\n", "    file_state:\n", 1),
			want: "file_status",
		},
		{
			name: "fail_response not defined",
			src:  strings.Replace(upstream, "    fail_response:\n", "    failure:\n", 1),
			want: "fail_response",
		},
		{name: "no components", src: pathsOnly, want: "no paths or no components"},
		{name: "not a mapping", src: "- openapi\n", want: "not a YAML mapping"},
		{name: "not YAML", src: "paths: [\n", want: "parse upstream document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := extract([]byte(tt.src))
			if err == nil {
				t.Fatalf("extract succeeded, want an error naming %q; output:\n%s", tt.want, out)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %q", err, tt.want)
			}
		})
	}
}

func mustExtract(t *testing.T, src string) []byte {
	t.Helper()
	out, err := extract([]byte(src))
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	return out
}

func decode(t *testing.T, src []byte) *yaml.Node {
	t.Helper()
	return decodeString(t, string(src))
}

func decodeString(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc.Content[0]
}

// lookup decodes the value under path into plain Go values, for comparison.
func lookup(t *testing.T, n *yaml.Node, path ...string) any {
	t.Helper()
	for _, k := range path {
		if n = get(n, k); n == nil {
			t.Fatalf("no %v", path)
		}
	}
	var v any
	if err := n.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// mappingKeys returns the keys of the mapping under path, in document order.
func mappingKeys(t *testing.T, n *yaml.Node, path ...string) []string {
	t.Helper()
	for _, k := range path {
		if n = get(n, k); n == nil {
			t.Fatalf("no %v", path)
		}
	}
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// TestSyncCommand: writer-drift -sync writes openapi.yaml as extract gives it, and refuses
// what it cannot read or take the File API from, writing nothing.
func TestSyncCommand(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(repoRoot, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "openapi.yaml")
	if status, msg := runDrift("-sync", "-in", filepath.Join(testdata, baseDoc), "-out", out); status != exitOK {
		t.Fatalf("exit status %d, want 0; output:\n%s", status, msg)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, want) {
		t.Errorf("writer-drift -sync wrote something other than openapi.yaml (err %v)", err)
	}
	noFiles := filepath.Join(dir, "no-files.yaml")
	if err := os.WriteFile(noFiles, []byte("openapi: 3.0.3\npaths: {}\ncomponents: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "nowhere.yaml")
	for _, c := range []struct {
		args []string
		line string
	}{
		{[]string{"-sync", "-in", missing, "-out", filepath.Join(dir, "a.yaml")}, "writer-drift: BAD INPUT: cannot read " + missing},
		{[]string{"-sync", "-in", noFiles, "-out", filepath.Join(dir, "b.yaml")}, "writer-drift: BAD INPUT: cannot take the File API from " + noFiles + ": upstream document has none of " + scope + ""},
		{[]string{"-sync", "-in", noFiles}, "usage: writer-drift"},
		{[]string{"-sync", "-in", noFiles, "-out", out, noFiles}, "usage: writer-drift"},
	} {
		status, msg := runDrift(c.args...)
		if status != exitUsage {
			t.Errorf("writer-drift %q: exit status %d, want 2; output:\n%s", c.args, status, msg)
		}
		wantLastLine(t, msg, c.line)
	}
	for _, name := range []string{"a.yaml", "b.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("a refused -sync wrote %s", name)
		}
	}
}
