package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxDocument bounds a fetched document; Writer's whole document is about 160 KB.
const maxDocument = 32 << 20

// readDocument reads a file, or fetches an http(s) URL.
func readDocument(where string) ([]byte, error) {
	if !strings.HasPrefix(where, "http://") && !strings.HasPrefix(where, "https://") {
		src, err := os.ReadFile(where)
		if err != nil {
			return nil, &inputError{fmt.Sprintf("cannot read %s: %v", where, err)}
		}
		return src, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return nil, &inputError{fmt.Sprintf("cannot fetch %s: %v", where, err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, &inputError{fmt.Sprintf("cannot fetch %s: %v", where, err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &inputError{fmt.Sprintf("cannot fetch %s: status %d", where, resp.StatusCode)}
	}
	src, err := io.ReadAll(io.LimitReader(resp.Body, maxDocument))
	if err != nil {
		return nil, &inputError{fmt.Sprintf("cannot fetch %s: %v", where, err)}
	}
	return src, nil
}

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
