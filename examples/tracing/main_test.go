package main

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

const fileID = "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f"

// setup returns a fake with one file, a client whose attempts are traced, a tracer and the
// exporter that holds every ended span.
func setup(t *testing.T, opts ...writer.Option) (*writertest.Server, *writer.Client, trace.Tracer, *tracetest.InMemoryExporter) {
	t.Helper()
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	t.Cleanup(func() { _ = tp.Shutdown(t.Context()) })
	srv := writertest.NewServer(t)
	srv.AddFiles(writertest.File{ID: fileID, Name: "handbook.pdf", Status: writer.StatusCompleted})
	client := srv.Client(append([]writer.Option{writer.WithHTTPClient(tracedHTTPClient(tp))}, opts...)...)
	return srv, client, tp.Tracer("test"), exporter
}

// split returns the span named "writer.Files.Get" and the attempts' spans, in the order
// they ended, and fails unless every attempt is a client span, child of the call's span.
func split(t *testing.T, spans tracetest.SpanStubs) (call tracetest.SpanStub, attempts []tracetest.SpanStub) {
	t.Helper()
	var calls []tracetest.SpanStub
	for _, s := range spans {
		if s.Name == "writer.Files.Get" {
			calls = append(calls, s)
		} else {
			attempts = append(attempts, s)
		}
	}
	if len(calls) != 1 {
		t.Fatalf("got %d spans named writer.Files.Get, want 1 (spans: %v)", len(calls), names(spans))
	}
	call = calls[0]
	if call.Parent.IsValid() {
		t.Errorf("the call's span has a parent %v, want a root span", call.Parent.SpanID())
	}
	for i, a := range attempts {
		if a.Name != "HTTP GET" || a.SpanKind != trace.SpanKindClient {
			t.Errorf("attempt %d: span %q of kind %v, want HTTP GET of kind client", i+1, a.Name, a.SpanKind)
		}
		if a.Parent.SpanID() != call.SpanContext.SpanID() || a.SpanContext.TraceID() != call.SpanContext.TraceID() {
			t.Errorf("attempt %d: parent %v in trace %v, want the call's span %v in trace %v", i+1,
				a.Parent.SpanID(), a.SpanContext.TraceID(), call.SpanContext.SpanID(), call.SpanContext.TraceID())
		}
	}
	return call, attempts
}

func TestRetriedCallHasASpanPerAttempt(t *testing.T) {
	srv, client, tracer, exporter := setup(t)
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})

	f, err := getFile(t.Context(), tracer, client, fileID)
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "handbook.pdf" {
		t.Errorf("got file %q, want handbook.pdf", f.Name)
	}

	call, attempts := split(t, exporter.GetSpans())
	if len(attempts) != 2 {
		t.Fatalf("got %d attempt spans, want 2 (a 503, then the retry's 200): %v", len(attempts), names(exporter.GetSpans()))
	}
	for i, want := range []int{503, 200} {
		if got := intAttr(attempts[i].Attributes, "http.response.status_code"); got != want {
			t.Errorf("attempt %d: http.response.status_code %d, want %d", i+1, got, want)
		}
	}
	if got := attempts[0].Status.Code; got != codes.Error {
		t.Errorf("the 503 attempt's span status is %v, want Error", got)
	}
	if got := attempts[1].Status.Code; got == codes.Error {
		t.Errorf("the 200 attempt's span status is %v, want not Error", got)
	}
	if got := call.Status.Code; got == codes.Error {
		t.Errorf("the call's span status is %v (%s), want not Error: the retry succeeded", got, call.Status.Description)
	}

	// Each request carried its own attempt's span to the server.
	reqs := srv.Requests()
	if len(reqs) != len(attempts) {
		t.Fatalf("the server got %d requests, want %d", len(reqs), len(attempts))
	}
	for i, r := range reqs {
		want := "00-" + attempts[i].SpanContext.TraceID().String() + "-" + attempts[i].SpanContext.SpanID().String() + "-01"
		if got := r.Header.Get("Traceparent"); got != want {
			t.Errorf("request %d: traceparent %q, want %q", i+1, got, want)
		}
	}
	assertNoKey(t, exporter.GetSpans(), srv.APIKey)
}

func TestFailedCallRecordsTheError(t *testing.T) {
	srv, client, tracer, exporter := setup(t, writer.WithMaxRetries(2))
	srv.FailNext(3, writertest.Fault{Status: http.StatusServiceUnavailable})

	_, err := getFile(t.Context(), tracer, client, fileID)
	if !errors.Is(err, writer.ErrServer) {
		t.Fatalf("got %v, want writer.ErrServer", err)
	}

	call, attempts := split(t, exporter.GetSpans())
	if len(attempts) != 3 {
		t.Fatalf("got %d attempt spans, want 3 (the first and 2 retries): %v", len(attempts), names(exporter.GetSpans()))
	}
	for i, a := range attempts {
		if got := intAttr(a.Attributes, "http.response.status_code"); got != 503 {
			t.Errorf("attempt %d: http.response.status_code %d, want 503", i+1, got)
		}
	}
	if got := call.Status.Code; got != codes.Error {
		t.Errorf("the call's span status is %v, want Error", got)
	}
	if got := intAttr(call.Attributes, "writer.attempts"); got != 3 {
		t.Errorf("the call's writer.attempts is %d, want 3", got)
	}
	if got := strAttr(call.Attributes, "writer.operation"); got != "gatewayGetFile" {
		t.Errorf("the call's writer.operation is %q, want gatewayGetFile", got)
	}
	if len(call.Events) == 0 || call.Events[0].Name != "exception" {
		t.Errorf("the call's span has events %v, want the error recorded as an exception event", call.Events)
	}
	assertNoKey(t, exporter.GetSpans(), srv.APIKey)
}

// assertNoKey fails when any attribute or event of any span holds the API key.
func assertNoKey(t *testing.T, spans tracetest.SpanStubs, key string) {
	t.Helper()
	check := func(where string, attrs []attribute.KeyValue) {
		for _, kv := range attrs {
			if strings.Contains(kv.Value.String(), key) {
				t.Errorf("span %s: attribute %s holds the API key", where, kv.Key)
			}
		}
	}
	for _, s := range spans {
		check(s.Name, s.Attributes)
		for _, e := range s.Events {
			check(s.Name+" event "+e.Name, e.Attributes)
		}
	}
}

func intAttr(attrs []attribute.KeyValue, key attribute.Key) int {
	for _, kv := range attrs {
		if kv.Key == key {
			return int(kv.Value.AsInt64())
		}
	}
	return -1
}

func strAttr(attrs []attribute.KeyValue, key attribute.Key) string {
	for _, kv := range attrs {
		if kv.Key == key {
			return kv.Value.AsString()
		}
	}
	return ""
}

func names(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return out
}
