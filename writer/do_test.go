package writer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// ExampleClient_Do calls an operation that package writer does not wrap, Writer's
// POST /v1/graphs (createGraph), here against a stand-in server. Creating a graph twice
// makes two, so the request is not marked Idempotent: it is retried only when it cannot
// have been processed.
func ExampleClient_Do() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/v1/graphs" || r.Header.Get("Authorization") != "Bearer my-key" || string(body) != `{"name":"Handbooks"}` {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d","name":"Handbooks","created_at":"2026-01-02T03:04:05Z"}`)
	}))
	defer srv.Close()
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey("my-key"))
	if err != nil {
		fmt.Println(err)
		return
	}

	var graph struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	err = client.Do(context.Background(), writer.Request{
		Operation: "createGraph",
		Method:    http.MethodPost,
		Path:      "/v1/graphs",
		Body:      map[string]string{"name": "Handbooks"},
	}, &graph)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(graph.Name, graph.ID)
	// Output: Handbooks 6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d
}

const doKey = "sk-do-SECRET-42"

// doClient returns a client of srv with millisecond retries.
func doClient(t *testing.T, srv *httptest.Server, opts ...writer.Option) *writer.Client {
	t.Helper()
	c, err := writer.NewClient(append([]writer.Option{
		writer.WithBaseURL(srv.URL), writer.WithAPIKey(doKey),
		writer.WithRetryPolicy(writer.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDoRetriesAsTheLoopDoes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		req      writer.Request
		requests int64
	}{
		{"GET is retried", writer.Request{Method: http.MethodGet, Path: "/v1/graphs"}, 3},
		{"PUT is retried", writer.Request{Method: http.MethodPut, Path: "/v1/graphs/g", Body: map[string]string{"name": "n"}}, 3},
		{"POST is not retried after a 503", writer.Request{Method: http.MethodPost, Path: "/v1/graphs", Body: []byte(`{}`)}, 1},
		{"idempotent POST is retried", writer.Request{Method: http.MethodPost, Path: "/v1/graphs", Body: []byte(`{}`), Idempotent: true}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var requests atomic.Int64
			var bodies []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				if requests.Add(1) < 3 {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				_, _ = io.WriteString(w, `{}`)
			}))
			defer srv.Close()
			err := doClient(t, srv).Do(t.Context(), tc.req, nil)
			if got := requests.Load(); got != tc.requests {
				t.Errorf("server got %d requests, want %d", got, tc.requests)
			}
			if (tc.requests == 3) != (err == nil) {
				t.Errorf("Do = %v after %d requests", err, requests.Load())
			}
			if tc.requests == 1 && !errors.Is(err, writer.ErrServer) {
				t.Errorf("Do = %v, want ErrServer", err)
			}
			for _, b := range bodies[1:] {
				if b != bodies[0] {
					t.Errorf("bodies %q: a retry sent another body", bodies)
				}
			}
		})
	}
}

func TestDoSendsTheRequestAndDecodes(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		_, _ = io.WriteString(w, `{"id":"g1","name":"n"}`)
	}))
	defer srv.Close()
	c := doClient(t, srv, writer.WithBaseURL(srv.URL+"/proxy"))
	var out struct{ ID, Name string }
	err := c.Do(t.Context(), writer.Request{Method: http.MethodPatch, Path: "/v1/graphs/" + url.PathEscape("a/b"),
		Query: url.Values{"x": {"1 2"}}, Body: map[string]string{"name": "n"}}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodPatch || got.URL.EscapedPath() != "/proxy/v1/graphs/a%2Fb" || got.URL.RawQuery != "x=1+2" {
		t.Errorf("request = %s %s?%s, want PATCH /proxy/v1/graphs/a%%2Fb?x=1+2", got.Method, got.URL.EscapedPath(), got.URL.RawQuery)
	}
	if got.Header.Get("Authorization") != "Bearer "+doKey || got.Header.Get("Content-Type") != "application/json" || body != `{"name":"n"}` {
		t.Errorf("headers %v body %q, want the key, JSON and the body", got.Header, body)
	}
	if out.ID != "g1" || out.Name != "n" {
		t.Errorf("out = %+v, want the decoded body", out)
	}
}

func TestDoKeepsTheKeyOnTheAPIHost(t *testing.T) {
	var otherAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization"))
		_, _ = io.WriteString(w, `{}`)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer srv.Close()
	if err := doClient(t, srv).Do(t.Context(), writer.Request{Method: http.MethodGet, Path: "/v1/graphs"}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := otherAuth.Load().(string); got != "" {
		t.Errorf("the other host got Authorization %q, want none", got)
	}
	for _, path := range []string{"//" + strings.TrimPrefix(other.URL, "http://") + "/v1", "v1/graphs", "/v1/../x", "/v1/./x", "/v1?x=1", "/v1#f", "https://evil.example/v1"} {
		err := doClient(t, srv).Do(t.Context(), writer.Request{Method: http.MethodGet, Path: path}, nil)
		var ie *writer.InputError
		if !errors.As(err, &ie) || ie.Field != "Request.Path" {
			t.Errorf("Do with Path %q = %v, want an *InputError for Request.Path", path, err)
		}
	}
	var ie *writer.InputError
	if err := doClient(t, srv).Do(t.Context(), writer.Request{Method: "GE T", Path: "/v1"}, nil); !errors.As(err, &ie) || ie.Field != "Request.Method" {
		t.Errorf("Do with Method %q = %v, want an *InputError for Request.Method", "GE T", err)
	}
	var notPointer struct{}
	if err := doClient(t, srv).Do(t.Context(), writer.Request{Method: http.MethodGet, Path: "/v1"}, notPointer); !errors.As(err, &ie) || ie.Field != "out" {
		t.Errorf("Do with a struct for out = %v, want an *InputError for out", err)
	}
}

func TestDoErrorsAreTypedAndWithoutTheKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/graphs/missing":
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"tpe":"fail.notFound","errors":[{"description":"no graph for `+r.Header.Get("Authorization")+`","key":"fail.notFound.resource","extras":{}}],"extras":{}}`)
		default:
			_, _ = io.WriteString(w, `{"total":"`+doKey+`"}`)
		}
	}))
	defer srv.Close()
	c := doClient(t, srv)
	err := c.Do(t.Context(), writer.Request{Operation: "findGraphWithFileStatus", Method: http.MethodGet, Path: "/v1/graphs/missing"}, nil)
	var apiErr *writer.Error
	if !errors.Is(err, writer.ErrNotFound) || !errors.As(err, &apiErr) || apiErr.Operation != "findGraphWithFileStatus" || apiErr.Key != "fail.notFound.resource" {
		t.Fatalf("Do = %v, want an *Error matching ErrNotFound with Writer's key", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "writer: GET /v1/graphs/missing (findGraphWithFileStatus): status 404") {
		t.Errorf("Error() = %q, want the method, path and operation first", msg)
	}
	var out struct{ Total int }
	err2 := c.Do(t.Context(), writer.Request{Method: http.MethodGet, Path: "/v1/graphs/g"}, &out)
	if !errors.Is(err2, writer.ErrInvalidResponse) {
		t.Errorf("Do with a body that does not decode = %v, want ErrInvalidResponse", err2)
	}
	for _, e := range []error{err, err2} {
		for _, s := range []string{fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), string(mustError(t, e).Body), mustError(t, e).RequestID, mustError(t, e).Description} {
			if strings.Contains(s, doKey) {
				t.Errorf("the error shows the key: %q", s)
			}
		}
	}
}

func mustError(t *testing.T, err error) *writer.Error {
	t.Helper()
	var e *writer.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v is not an *Error", err)
	}
	return e
}

func TestDoTakesRawJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if string(b) != `{"a":1}` {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	var out json.RawMessage
	if err := doClient(t, srv).Do(t.Context(), writer.Request{Method: http.MethodPost, Path: "/v1/x", Body: json.RawMessage(`{"a":1}`)}, &out); err != nil || out != nil {
		t.Errorf("Do with a raw body answered 204 = %v, out %q; want nil and out untouched", err, out)
	}
}
