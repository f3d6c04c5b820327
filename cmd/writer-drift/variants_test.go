package main

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// baseDoc is the upstream copy every variant is derived from.
const baseDoc = "upstream-openapi-2026-04-14.yaml"

// A variant is Writer's 2026-04-14 document with one hand-made edit, and the verdicts
// writer-drift and `make drift` (scripts/drift.sh) must give for it.
//
// Variants are made here, at test time, rather than committed: each edit is a few readable
// lines next to the verdict it must produce, the same input gives the same bytes, and the
// repository does not hold a dozen near-identical 160 KB copies that would go stale when the
// upstream fixtures are refreshed.
type variant struct {
	name    string
	edit    func(t *testing.T, doc *yaml.Node)
	status  int      // exit status of writer-drift: 0 compatible, 1 breaking, 2 refused, 3 failed
	verdict string   // how writer-drift's last line starts
	report  []string // what writer-drift's output must name: the oasdiff check id and the changed element
	fork    string   // how the last line of `make drift` starts
}

var variants = []variant{
	{
		name: "retry-response-loses-success",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			del(t, at(t, doc, "components", "schemas", "retry_files_response", "properties"), "success")
		},
		status: 1, verdict: verdictBreaking, fork: "drift: BREAKING: ",
		report: []string{"[response-optional-property-removed]", "POST /v1/files/retry", "`success`"},
	},
	{
		name: "file-ids-lose-uuid-format",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			del(t, at(t, doc, "components", "schemas", "retry_files_request", "properties", "file_ids", "items"), "format")
		},
		status: 1, verdict: verdictBreaking, fork: "drift: BREAKING: ",
		report: []string{"POST /v1/files/retry", "file_ids", "uuid"},
	},
	{
		name: "list-gains-required-parameter",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			params := at(t, doc, "paths", "/v1/files", "get", "parameters")
			params.Content = append(params.Content, node(t, `
name: project_id
in: query
required: true
schema:
  type: string
  format: uuid
description: The project whose files to list.`))
		},
		status: 1, verdict: verdictBreaking, fork: "drift: BREAKING: ",
		report: []string{"[new-required-request-parameter]", "GET /v1/files", "`project_id`"},
	},
	{
		name: "retry-operation-renamed",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			at(t, doc, "paths", "/v1/files/retry", "post", "operationId").Value = "gatewayRetryFiles"
		},
		status: 1, verdict: verdictBreaking, fork: "drift: BREAKING: ",
		report: []string{"[api-operation-id-removed]", "POST /v1/files/retry", "gatewayRetryFailedFiles", "gatewayRetryFiles"},
	},
	{
		name: "delete-response-field-changes-type",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			at(t, doc, "components", "schemas", "delete_file_response", "properties", "deleted", "type").Value = "string"
		},
		status: 1, verdict: verdictBreaking, fork: "drift: BREAKING: ",
		report: []string{"[response-property-type-changed]", "DELETE /v1/files/{file_id}", "`deleted`"},
	},
	{
		name: "retry-response-schema-renamed",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			rename(t, doc, "retry_files_response", "retry_response")
			ref := at(t, doc, "paths", "/v1/files/retry", "post", "responses", "200", "content", "application/json", "schema", "$ref")
			ref.Value = "#/components/schemas/retry_response"
		},
		status: 1, verdict: verdictBreaking, fork: "drift: BREAKING: ",
		report: []string{"[api-schema-removed]", "`retry_files_response`"},
	},
	{
		name: "file-response-gains-optional-field",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			addProperty(t, doc, "file_response", "size_bytes", `
type: integer
format: int64
description: The size of the file in bytes.`)
		},
		status: 0, verdict: verdictAdded, fork: "drift: COMPATIBLE, WRAP: ",
		report: []string{"[response-optional-property-added]", "GET /v1/files/{file_id}", "`size_bytes`", "property file_response.size_bytes"},
	},
	{
		name: "list-gains-optional-parameter",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			params := at(t, doc, "paths", "/v1/files", "get", "parameters")
			params.Content = append(params.Content, node(t, `
name: uploaded_after
in: query
required: false
schema:
  type: string
  format: date-time
description: Only files uploaded after this time.`))
		},
		status: 0, verdict: verdictAdded, fork: "drift: COMPATIBLE, WRAP: ",
		report: []string{"[new-optional-request-parameter]", "query parameter uploaded_after of gatewayGetFiles"},
	},
	{
		// The case of the 2026 report: a new optional property and a new operation.
		name: "source-url-and-archive",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			addSourceURLAndArchive(t, doc)
		},
		status: 0, verdict: verdictAdded, fork: "drift: COMPATIBLE, WRAP: ",
		report: []string{"[endpoint-added]", "operation gatewayArchiveFile (POST /v1/files/{file_id}/archive)", "property file_response.source_url"},
	},
	{
		name: "new-operation-under-files",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			addPath(t, doc, "/v1/files/{file_id}/graphs", `
get:
  operationId: gatewayGetFileGraphs
  tags: [File API]
  parameters:
    - name: file_id
      in: path
      required: true
      schema:
        type: string
  responses:
    '200':
      description: The graphs the file belongs to.
      content:
        application/json:
          schema:
            type: array
            items:
              type: string
              format: uuid`)
		},
		status: 0, verdict: verdictAdded, fork: "drift: COMPATIBLE, WRAP: ",
		report: []string{"[endpoint-added]", "operation gatewayGetFileGraphs (GET /v1/files/{file_id}/graphs)"},
	},
	{
		// oapi-codegen names the response wrapper of operation retryFiles RetryFilesResponse,
		// the name of schema retry_files_response: oasdiff sees an addition, Go a clash.
		name: "operation-name-clashes",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			addPath(t, doc, "/v1/files/retry-all", `
post:
  operationId: retryFiles
  tags: [File API]
  responses:
    '200':
      description: Every failed file was queued again.
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/retry_files_response'`)
		},
		status: 0, verdict: verdictAdded, fork: "drift: WOULD NOT COMPILE: ",
		report: []string{"operation retryFiles (POST /v1/files/retry-all)"},
	},
	{
		// A new default page size: oasdiff reports it; writer passes no default of its own.
		name: "list-limit-default-changed",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			params := at(t, doc, "paths", "/v1/files", "get", "parameters")
			for _, p := range params.Content {
				if value(p, "name").Value == "limit" {
					value(value(p, "schema"), "default").Value = "20"
				}
			}
		},
		status: 0, verdict: verdictCompatible, fork: "drift: COMPATIBLE, REGENERATION ONLY: ",
		report: []string{"[request-parameter-default-value-changed]", "GET /v1/files", "`limit`"},
	},
	{
		// Only a description: no change to the contract, so no change for make drift either
		// (make spec-sync takes it in when asked).
		name: "description-reworded",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			at(t, doc, "components", "schemas", "file_response", "properties", "name", "description").Value = "The file's name."
		},
		status: 0, verdict: verdictNothing, fork: "drift: NOTHING CHANGED: ",
	},
	{
		// A header every answer of GET /v1/files/{file_id} must carry: nothing to wrap, the
		// client builds, but the fake does not send it, and the contract test says so.
		name: "get-answer-gains-required-header",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			ok := at(t, doc, "paths", "/v1/files/{file_id}", "get", "responses", "200")
			ok.Content = append(ok.Content, node(t, "headers"), node(t, `
X-Writer-Revision:
  required: true
  description: The revision of the file's metadata.
  schema:
    type: string`))
		},
		status: 0, verdict: verdictCompatible, fork: "drift: TESTS FAIL: ",
		report: []string{"GET /v1/files/{file_id}", "X-Writer-Revision"},
	},
	{
		// A breaking edit outside the File API must not count, also on a path that holds one of
		// its graph operations: createGraph shares /v1/graphs with findGraphsWithFileStatus.
		name: "graphs-operation-renamed-outside-files",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			at(t, doc, "paths", "/v1/graphs", "post", "operationId").Value = "gatewayCreateGraph"
			at(t, doc, "paths", "/v1/graphs/{graph_id}", "put", "operationId").Value = "gatewayUpdateGraph"
		},
		status: 0, verdict: verdictNothing, fork: "drift: NOTHING CHANGED: ",
	},
	{
		// A $ref cycle a -> b -> a inside file_response panics inside oasdiff's checks: the
		// check failed (exit 3), it is not the document's fault and not a verdict.
		name: "ref-cycle",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			addProperty(t, doc, "file_response", "a", `$ref: '#/components/schemas/a'`)
			schemas := at(t, doc, "components", "schemas")
			schemas.Content = append(schemas.Content,
				node(t, "a"), node(t, `$ref: '#/components/schemas/b'`),
				node(t, "b"), node(t, `$ref: '#/components/schemas/a'`))
		},
		status: 3, verdict: "writer-drift: FAILED: internal error (a panic in writer-drift or a library it calls)",
		fork: "drift: FAILED: ",
	},
	{
		// A version neither oasdiff nor oapi-codegen reads is refused, naming it.
		name: "openapi-4",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			at(t, doc, "openapi").Value = "4.0.0"
		},
		status: 2, verdict: "writer-drift: BAD INPUT: cannot take the File API from ",
		report: []string{`OpenAPI version "4.0.0" is not supported`},
		fork:   "drift: BAD INPUT: ",
	},
	{
		// Control: re-encoding the document, the way every variant is written, changes nothing.
		name:   "unedited",
		edit:   func(*testing.T, *yaml.Node) {},
		status: 0, verdict: verdictNothing, fork: "drift: NOTHING CHANGED: ",
	},
}

// addSourceURLAndArchive adds file_response.source_url (an optional string) and the
// operation gatewayArchiveFile (POST /v1/files/{file_id}/archive, answered by file_response).
func addSourceURLAndArchive(t *testing.T, doc *yaml.Node) {
	t.Helper()
	addProperty(t, doc, "file_response", "source_url", `
type: string
description: The URL the file was fetched from, if any.`)
	addPath(t, doc, "/v1/files/{file_id}/archive", `
post:
  operationId: gatewayArchiveFile
  tags: [File API]
  summary: Archive a file
  parameters:
    - name: file_id
      in: path
      required: true
      schema:
        type: string
  responses:
    '200':
      description: The archived file.
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/file_response'`)
}

// addProperty adds an optional property to a schema of components.
func addProperty(t *testing.T, doc *yaml.Node, schema, name, src string) {
	t.Helper()
	props := at(t, doc, "components", "schemas", schema, "properties")
	props.Content = append(props.Content, node(t, name), node(t, src))
}

// addPath adds a path item.
func addPath(t *testing.T, doc *yaml.Node, path, src string) {
	t.Helper()
	paths := at(t, doc, "paths")
	paths.Content = append(paths.Content, node(t, path), node(t, src))
}

// rename renames a schema of components (not the references to it).
func rename(t *testing.T, doc *yaml.Node, from, to string) {
	t.Helper()
	schemas := at(t, doc, "components", "schemas")
	for i := 0; i < len(schemas.Content); i += 2 {
		if schemas.Content[i].Value == from {
			schemas.Content[i].Value = to
			return
		}
	}
	t.Fatalf("no schema %q", from)
}

// writeVariant applies v's edit to testdata/<baseDoc>, writes the result into a temporary
// directory of t and returns its path.
func writeVariant(t *testing.T, v variant) string {
	t.Helper()
	return writeVariantOf(t, v, baseDoc)
}

// at returns the node under the mapping keys in path, failing the test when one is missing.
func at(t *testing.T, n *yaml.Node, path ...string) *yaml.Node {
	t.Helper()
	if n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	for _, key := range path {
		v := value(n, key)
		if v == nil {
			t.Fatalf("no %q in %v", key, path)
		}
		n = v
	}
	return n
}

// del removes key from mapping m, failing the test when it is missing.
func del(t *testing.T, m *yaml.Node, key string) {
	t.Helper()
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
	t.Fatalf("no %q to delete", key)
}

// node parses one YAML value.
func node(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return doc.Content[0]
}

func value(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
