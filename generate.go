// Package writergo holds the contract of Writer's File API: openapi.yaml, extracted from Writer's
// published OpenAPI document, and the go:generate line that turns it into package api.
//
// Users import package writer (github.com/writerfiles/writer-go/writer); this package exists for
// code generation and for tests that check requests and responses against the spec.
package writergo

import (
	"bytes"
	_ "embed"
)

// oapi-codegen is pinned here, by version, so that `go generate ./...` works in the module as
// published too (it holds no tools/ folder).
//
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2 -config oapi-codegen.yaml openapi.yaml

//go:embed openapi.yaml
var spec []byte

// OpenAPI returns a copy of openapi.yaml: the File API's OpenAPI 3.0.3 document.
func OpenAPI() []byte { return bytes.Clone(spec) }
