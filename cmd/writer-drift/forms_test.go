package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// The tests of Writer's document in each of its forms: the SDKs' copy, the reference site's
// copy (longer descriptions, x-mint extensions, an example that breaks its schema), YAML or JSON.

// badUploadExample is the reference site's example of the upload response that says graph_id.
const badUploadExample = "writer-drift: WARNING: the example at #/paths/~1v1~1files/post/responses/200/content/application~1json/example of "

var forms = []string{baseDoc, referenceYAML, referenceJSON}

// TestEveryFormOneVerdict: writer-drift and make drift give every form the same verdict, and
// name the reference site's invalid example as a warning.
func TestEveryFormOneVerdict(t *testing.T) {
	t.Parallel()
	for _, form := range forms {
		doc, err := filepath.Abs(filepath.Join(testdata, form))
		if err != nil {
			t.Fatal(err)
		}
		warns := form != baseDoc
		t.Run("writer-drift "+form, func(t *testing.T) {
			t.Parallel()
			status, out := runDrift("-spec", ourSpec, doc)
			if status != exitOK || strings.Contains(out, badUploadExample) != warns {
				t.Errorf("exit status %d, want 0, with the warning %v; output:\n%s", status, warns, out)
			}
			wantLastLine(t, out, verdictNothing)
		})
		t.Run("make drift "+form, func(t *testing.T) {
			t.Parallel()
			status, out := makeDrift(t, doc)
			if status != exitOK || strings.Contains(out, badUploadExample) != warns {
				t.Errorf("exit status %d, want 0, with the warning %v; output:\n%s", status, warns, out)
			}
			wantLastLine(t, out, "drift: NOTHING CHANGED: ")
		})
	}
}

// TestSyncOfEveryFormIsValid: what spec-sync writes from each form is valid OpenAPI with its
// examples validated (as writer_test validates openapi.yaml), keeps the valid examples, and
// has the contract of openapi.yaml.
func TestSyncOfEveryFormIsValid(t *testing.T) {
	t.Parallel()
	for _, form := range forms {
		t.Run(form, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(t.TempDir(), "openapi.yaml")
			status, report := runDrift("-sync", "-in", filepath.Join(testdata, form), "-out", out)
			if status != exitOK || strings.Contains(report, badUploadExample) != (form != baseDoc) {
				t.Fatalf("-sync: exit status %d; output:\n%s", status, report)
			}
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(loader.Context); err != nil {
				t.Errorf("the extract is not valid OpenAPI: %v", err)
			}
			get := doc.Paths.Value("/v1/files/{file_id}").Get.Responses.Status(200).Value.Content.Get("application/json")
			if form != baseDoc && get.Example == nil {
				t.Error("the valid example of GET /v1/files/{file_id} was left out")
			}
			if status, out := runDrift("-spec", out, filepath.Join(testdata, baseDoc)); status != exitOK || !strings.HasPrefix(lastLine(out), verdictNothing) {
				t.Errorf("the extract's contract differs from the SDKs' copy: exit status %d; output:\n%s", status, out)
			}
		})
	}
}

// TestMakeDriftRunsTestsOnTheReferenceForm: a compatible change in the reference site's form
// is regenerated and tested in a copy, and its invalid example fails no test.
func TestMakeDriftRunsTestsOnTheReferenceForm(t *testing.T) {
	t.Parallel()
	v := variants[indexOf(t, "list-limit-default-changed")]
	status, out := makeDrift(t, writeVariantOf(t, v, referenceYAML))
	if status != exitOK || !strings.Contains(out, badUploadExample) {
		t.Errorf("exit status %d, want 0 with the warning; output:\n%s", status, out)
	}
	wantLastLine(t, out, v.fork)
}

// TestContractOnly: descriptions, summaries, examples and x- extensions go; names that look
// like them (a property called description) stay, and so do values (an enum, a default).
func TestContractOnly(t *testing.T) {
	t.Parallel()
	var doc yaml.Node
	src := `
openapi: 3.0.3
x-top: 1
info: {title: t, version: '1', description: d}
paths:
  /v1/files:
    summary: s
    get:
      summary: s
      description: d
      x-mint: {href: /x}
      parameters:
        - {name: order, in: query, description: d, example: asc, schema: {type: string, enum: [description], default: summary}}
      responses:
        '200':
          description: d
          content:
            application/json:
              example: {a: 1}
              examples: {one: {value: 1}}
              schema:
                type: object
                description: d
                properties:
                  description: {type: string, description: d, x-order: 1}
                  example: {type: string, example: e}
`
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	contractOnly(doc.Content[0])
	got, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	want := `openapi: 3.0.3
info: {title: t, version: '1'}
paths:
    /v1/files:
        get:
            parameters:
                - {name: order, in: query, schema: {type: string, enum: [description], default: summary}}
            responses:
                '200':
                    content:
                        application/json:
                            schema:
                                type: object
                                properties:
                                    description: {type: string}
                                    example: {type: string}
`
	if string(got) != want {
		t.Errorf("contractOnly gave\n%s\nwant\n%s", got, want)
	}
}

// writeVariantOf applies v's edit to testdata/<form>, writes the result into a temporary
// directory of t and returns its path.
func writeVariantOf(t *testing.T, v variant, form string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(testdata, form))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("parse %s: %v", form, err)
	}
	v.edit(t, &doc)
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), v.name+".yaml")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
