package main

import (
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// parseExtract parses the contract of the File API in an OpenAPI document: its extract
// (extractNode, so that the selection is made in one place) without what contractOnly
// removes. It returns the warnings of the examples that do not match their schema.
func parseExtract(where string, src []byte) (*openapi3.T, []string, error) {
	node, bad, err := extractNode(src)
	if errors.Is(err, errNotOpenAPI) {
		return nil, nil, &inputError{fmt.Sprintf("%s is %v", shown(where), err)}
	}
	if err != nil {
		return nil, nil, &inputError{fmt.Sprintf("cannot take the File API from %s: %v", shown(where), err)}
	}
	contractOnly(node.Content[0])
	part, err := encode(node)
	if err != nil {
		return nil, nil, err
	}
	doc, err := parseDocument(where, part)
	return doc, warnings(bad, where), err
}

// parseDocument parses an OpenAPI document; its references must be internal.
func parseDocument(where string, src []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	doc, err := loader.LoadFromData(src)
	if err != nil {
		return nil, &inputError{fmt.Sprintf("%s is not an OpenAPI document: %v", shown(where), err)}
	}
	if doc.Paths == nil || doc.Components == nil {
		return nil, &inputError{fmt.Sprintf("%s is not an OpenAPI document: no paths or no components", shown(where))}
	}
	return doc, nil
}
