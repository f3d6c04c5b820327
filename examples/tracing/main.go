// Command tracing reads one file's metadata from Writer with OpenTelemetry tracing and prints
// the spans to standard output as JSON: a span "writer.Files.Get" for the call and, under it,
// a client span "HTTP GET" for each HTTP attempt the client sent, retries included.
//
// Usage, with WRITER_API_KEY set (and WRITER_BASE_URL for another server):
//
//	go run . FILE_ID
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/writerfiles/writer-go/writer"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: tracing FILE_ID")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1]); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, id string) error {
	exporter, err := stdouttrace.New(stdouttrace.WithPrettyPrint())
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	client, err := writer.NewClient(writer.WithHTTPClient(tracedHTTPClient(tp)))
	if err != nil {
		return err
	}
	f, err := getFile(ctx, tp.Tracer("example/tracing"), client, id)
	if err != nil {
		return err
	}
	fmt.Printf("%s %s\n", f.Name, f.Status)
	return nil
}
