package main

import (
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// parseExtract parses the extract of scope from an OpenAPI document (extract): what both
// sides of a comparison hold, so that the selection is made in one place.
func parseExtract(where string, src []byte) (*openapi3.T, error) {
	part, err := extract(src)
	if errors.Is(err, errNotOpenAPI) {
		return nil, &inputError{fmt.Sprintf("%s is %v", where, err)}
	}
	if err != nil {
		return nil, &inputError{fmt.Sprintf("cannot take the File API from %s: %v", where, err)}
	}
	return parseDocument(where, part)
}

// parseDocument parses an OpenAPI document; its references must be internal.
func parseDocument(where string, src []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	doc, err := loader.LoadFromData(src)
	if err != nil {
		return nil, &inputError{fmt.Sprintf("%s is not an OpenAPI document: %v", where, err)}
	}
	if doc.Paths == nil || doc.Components == nil {
		return nil, &inputError{fmt.Sprintf("%s is not an OpenAPI document: no paths or no components", where)}
	}
	return doc, nil
}
