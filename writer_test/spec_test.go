package writer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	writergo "github.com/writerfiles/writer-go"
)

// uuidFormat is JSON Schema's "uuid" format: 8-4-4-4-12 hexadecimal digits, any version.
const uuidFormat = `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`

var defineFormats sync.Once

// loadSpec parses and validates openapi.yaml, with its servers replaced by serverURL so that
// requests to a test server are routed.
func loadSpec(t testing.TB, serverURL string) *openapi3.T {
	t.Helper()
	defineFormats.Do(func() {
		openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(uuidFormat))
	})
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(writergo.OpenAPI())
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: serverURL}}
	return doc
}

// specTransport is a RoundTripper that validates every request and response against
// openapi.yaml with kin-openapi's openapi3filter, reporting mismatches as test errors.
// JSON bodies are validated; binary bodies (uploads, downloads) are not read. Error
// responses, which the spec does not declare per operation, are validated against the
// spec's fail_response when they are JSON.
type specTransport struct {
	t      testing.TB
	doc    *openapi3.T
	router routers.Router
	base   http.RoundTripper
}

func newSpecTransport(t testing.TB, serverURL string, base http.RoundTripper) *specTransport {
	t.Helper()
	doc := loadSpec(t, serverURL)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("route openapi.yaml: %v", err)
	}
	return &specTransport{t: t, doc: doc, router: router, base: base}
}

func isJSON(h http.Header) bool {
	return strings.HasPrefix(h.Get("Content-Type"), "application/json")
}

func (s *specTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := context.Background()
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		s.t.Errorf("spec: %s %s matches no operation: %v", req.Method, req.URL.Path, err)
		return s.base.RoundTrip(req)
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			ExcludeRequestBody: !isJSON(req.Header),
			AuthenticationFunc: bearerAuth,
			// Validation must not change the request: by default it writes the spec's
			// defaults (limit=50, order=desc) into the query of the request being sent.
			SkipSettingDefaults: true,
		},
	}
	switch {
	case isJSON(req.Header) && req.Body != nil:
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		check := req.Clone(req.Context())
		check.Body = io.NopCloser(bytes.NewReader(body))
		in.Request = check
	case req.Body != nil && req.Body != http.NoBody:
		// A binary body (an upload) is streamed, not validated. kin-openapi reads the
		// request body into memory while checking security even when told to exclude it,
		// so the copy it checks gets none.
		check := req.Clone(req.Context())
		check.Body = http.NoBody
		in.Request = check
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		s.t.Errorf("spec: request %s %s: %v", req.Method, req.URL.Path, err)
	}
	resp, err := s.base.RoundTrip(req)
	if err != nil || !isJSON(resp.Header) {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		out := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in,
			Status:                 resp.StatusCode,
			Header:                 resp.Header,
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true},
		}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			s.t.Errorf("spec: response %d to %s %s: %v", resp.StatusCode, req.Method, req.URL.Path, err)
		}
		return resp, nil
	}
	if err := validateFailResponse(s.doc, body); err != nil {
		s.t.Errorf("spec: error response %d to %s %s is not a fail_response: %v", resp.StatusCode, req.Method, req.URL.Path, err)
	}
	return resp, nil
}

// validateFailResponse checks body against components.schemas.fail_response.
func validateFailResponse(doc *openapi3.T, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return doc.Components.Schemas["fail_response"].Value.VisitJSON(v)
}

// bearerAuth accepts requests that carry a bearer token (bearerAuth in the spec). Whether
// the token is right is the server's business.
func bearerAuth(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "bearerAuth" {
		return in.NewError(nil)
	}
	h := in.RequestValidationInput.Request.Header.Get("Authorization")
	if !strings.HasPrefix(h, "Bearer ") || len(h) == len("Bearer ") {
		return in.NewError(nil)
	}
	return nil
}
