package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/writerfiles/writer-go/writer"
)

// tracedHTTPClient returns an *http.Client for writer.WithHTTPClient whose RoundTripper
// starts a client span for each attempt the writer client sends, retries included, as a child
// of the span in the request's context, and sends the attempt's span to Writer in a W3C
// traceparent header. The spans record the method, URL, status code and peer, never a
// header, so the API key stays out of them.
//
// The transport under it has the settings of writer.NewClient's own: Go's defaults, with at
// most 32 connections per host, all kept idle between calls.
func tracedHTTPClient(tp trace.TracerProvider) *http.Client {
	base := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxConnsPerHost:       32,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{Transport: otelhttp.NewTransport(base,
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagation.TraceContext{}),
	)}
}

// traced runs call in a span named name, a child of the span in ctx, so that the attempts
// call makes are its children. When call fails the span records the error and, for a
// *writer.Error, the operationId, the attempts sent and the last status code.
func traced[T any](ctx context.Context, tracer trace.Tracer, name string, call func(context.Context) (T, error)) (T, error) {
	ctx, span := tracer.Start(ctx, name)
	defer span.End()
	v, err := call(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
		var werr *writer.Error
		if errors.As(err, &werr) {
			span.SetAttributes(
				attribute.String("writer.operation", werr.Operation),
				attribute.Int("writer.attempts", werr.Attempts),
				attribute.Int("http.response.status_code", werr.StatusCode),
			)
		}
	}
	return v, err
}

// getFile reads one file's metadata in a span "writer.Files.Get".
func getFile(ctx context.Context, tracer trace.Tracer, client *writer.Client, id string) (writer.File, error) {
	return traced(ctx, tracer, "writer.Files.Get", func(ctx context.Context) (writer.File, error) {
		trace.SpanFromContext(ctx).SetAttributes(attribute.String("writer.file_id", id))
		return client.Files.Get(ctx, id)
	})
}
