package drift

import (
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

// base is the upstream copy every variant is derived from.
const base = "upstream-openapi-2026-04-14.yaml"

// A variant is Writer's 2026-04-14 document with one hand-made edit, and the verdict
// scripts/drift.sh must give for it.
//
// Variants are made here, at test time, rather than committed: each edit is a few readable
// lines next to the verdict it must produce, the same input gives the same bytes, and the
// repository does not hold a dozen near-identical 160 KB copies that would go stale when the
// upstream fixtures are refreshed.
type variant struct {
	name   string
	edit   func(t *testing.T, doc *yaml.Node)
	status int      // exit status of scripts/drift.sh: 0 non-breaking, 1 breaking
	report []string // what the report must name: the oasdiff check id and the changed element
}

var variants = []variant{
	{
		name: "retry-response-loses-success",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			del(t, at(t, doc, "components", "schemas", "retry_files_response", "properties"), "success")
		},
		status: 1,
		report: []string{"[response-optional-property-removed]", "POST /v1/files/retry", "`success`"},
	},
	{
		name: "file-ids-lose-uuid-format",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			del(t, at(t, doc, "components", "schemas", "retry_files_request", "properties", "file_ids", "items"), "format")
		},
		status: 1,
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
		status: 1,
		report: []string{"[new-required-request-parameter]", "GET /v1/files", "`project_id`"},
	},
	{
		name: "retry-operation-renamed",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			at(t, doc, "paths", "/v1/files/retry", "post", "operationId").Value = "gatewayRetryFiles"
		},
		status: 1,
		report: []string{"[api-operation-id-removed]", "POST /v1/files/retry", "gatewayRetryFailedFiles", "gatewayRetryFiles"},
	},
	{
		name: "delete-response-field-changes-type",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			at(t, doc, "components", "schemas", "delete_file_response", "properties", "deleted", "type").Value = "string"
		},
		status: 1,
		report: []string{"[response-property-type-changed]", "DELETE /v1/files/{file_id}", "`deleted`"},
	},
	{
		name: "retry-response-schema-renamed",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			schemas := at(t, doc, "components", "schemas")
			for i := 0; i < len(schemas.Content); i += 2 {
				if schemas.Content[i].Value == "retry_files_response" {
					schemas.Content[i].Value = "retry_response"
				}
			}
			ref := at(t, doc, "paths", "/v1/files/retry", "post", "responses", "200", "content", "application/json", "schema", "$ref")
			ref.Value = "#/components/schemas/retry_response"
		},
		status: 1,
		report: []string{"[api-schema-removed]", "`retry_files_response`"},
	},
	{
		name: "file-response-gains-optional-field",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			props := at(t, doc, "components", "schemas", "file_response", "properties")
			props.Content = append(props.Content, node(t, "size_bytes"), node(t, `
type: integer
format: int64
description: The size of the file in bytes.`))
		},
		status: 0,
		report: []string{"[response-optional-property-added]", "GET /v1/files/{file_id}", "`size_bytes`", "regeneration is due (make spec-sync UPSTREAM="},
	},
	{
		name: "new-operation-under-files",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			paths := at(t, doc, "paths")
			paths.Content = append(paths.Content, node(t, "/v1/files/{file_id}/graphs"), node(t, `
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
              format: uuid`))
		},
		status: 0,
		report: []string{"[endpoint-added]", "GET /v1/files/{file_id}/graphs", "regeneration is due (make spec-sync UPSTREAM="},
	},
	{
		// A breaking edit outside /v1/files must not count: drift looks at the File API only.
		name: "graphs-operation-renamed-outside-files",
		edit: func(t *testing.T, doc *yaml.Node) {
			t.Helper()
			at(t, doc, "paths", "/v1/graphs", "get", "operationId").Value = "gatewayListGraphs"
		},
		status: 0,
		report: []string{"no change to its operations or schemas"},
	},
	{
		// Control: re-encoding the document, the way every variant is written, changes nothing.
		name:   "unedited",
		edit:   func(*testing.T, *yaml.Node) {},
		status: 0,
		report: []string{"no change to its operations or schemas"},
	},
}

// writeVariant applies v's edit to testdata/<base>, writes the result into a temporary
// directory of t and returns its path.
func writeVariant(t *testing.T, v variant) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(testdata, base))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	v.edit(t, &doc)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatalf("%s: write: %v", v.name, err)
	}
	path := filepath.Join(t.TempDir(), v.name+".yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
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
