package writertest_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// A test seeds files, runs the code under test with srv.Client() and checks what the fake
// saw. In a test function, writertest.NewServer(t) replaces Start and Close.
func Example() {
	srv := writertest.Start(
		writertest.WithProcessingDelay(50*time.Millisecond),
		writertest.WithRetryOutcome(func(string) writer.Status { return writer.StatusFailed }),
	)
	defer srv.Close()
	const id = "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f"
	srv.AddFiles(writertest.File{ID: id, Name: "handbook.pdf", Status: writer.StatusFailed})
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable}) // retried by the client

	client := srv.Client()
	ctx := context.Background()
	if err := client.Files.Retry(ctx, []string{id}); err != nil {
		fmt.Println(err)
		return
	}
	f, _ := srv.File(id)
	fmt.Println("after retry:", f.Status)
	files, err := client.Files.WaitProcessed(ctx, []string{id}, &writer.WaitOptions{Interval: 10 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("processed:", files[0].Status)
	for _, r := range srv.Requests()[:2] {
		fmt.Println(r.Method, r.Path)
	}
	// Output:
	// after retry: in_progress
	// processed: failed
	// POST /v1/files/retry
	// POST /v1/files/retry
}
