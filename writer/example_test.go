package writer_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// Ids of the files the examples seed into their fake.
const (
	handbookID = "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f"
	pricingID  = "1b2e8c4d-6a0f-4d3b-9e7c-2f3a4b5c6d7e"
	notesID    = "2c3d9e5f-7b1a-4e4c-8d8b-3a4b5c6d7e8f"
	missingID  = "9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60"
)

// fakeWriter starts a fake File API holding two failed files and a completed one, in the
// order they were created. The examples use it in place of https://api.writer.com.
func fakeWriter() *writertest.Server {
	srv := writertest.Start()
	srv.AddFiles(
		writertest.File{ID: handbookID, Name: "handbook.pdf", Status: writer.StatusFailed},
		writertest.File{ID: pricingID, Name: "pricing.csv", Status: writer.StatusCompleted},
		writertest.File{ID: notesID, Name: "notes.txt", Status: writer.StatusFailed},
	)
	return srv
}

func ExampleNewClient() {
	srv := fakeWriter()
	defer srv.Close()

	// Without options, NewClient reads WRITER_API_KEY and talks to https://api.writer.com.
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey))
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := client.Files.Get(context.Background(), handbookID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Name, f.Status)
	// Output: handbook.pdf failed
}

func ExampleFilesService_Retry() {
	srv := fakeWriter()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	if err := client.Files.Retry(ctx, []string{handbookID, notesID}); err != nil {
		fmt.Println(err)
		return
	}
	// The fake processes a retried file at once; Writer takes a while (see WaitProcessed).
	f, err := client.Files.Get(ctx, handbookID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Name, f.Status)
	// Output: handbook.pdf completed
}

func ExampleFilesService_List() {
	srv := fakeWriter()
	defer srv.Close()
	client := srv.Client()

	// Every page is requested in turn; the loop ends after the last file or the first error.
	for f, err := range client.Files.List(context.Background(), &writer.ListOptions{Status: writer.StatusFailed}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(f.Name, f.Status)
	}
	// Unordered output:
	// handbook.pdf failed
	// notes.txt failed
}

func ExampleFilesService_RetryFailed() {
	srv := fakeWriter()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	var retried []string // the ids Writer accepted, to wait for them
	rep, err := client.Files.RetryFailed(ctx, &writer.RetryFailedOptions{
		Progress: func(p writer.RetryFailedProgress) {
			if p.BatchErr == nil {
				retried = append(retried, p.Batch...)
			}
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("found %d failed files, retried %d in %d request(s)\n", rep.Found, rep.Retried, rep.Batches)

	files, err := client.Files.WaitProcessed(ctx, retried, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		fmt.Println(f.Name, f.Status)
	}
	// Output:
	// found 2 failed files, retried 2 in 1 request(s)
	// handbook.pdf completed
	// notes.txt completed
}

func ExampleFilesService_RetryFailedAndWait() {
	srv := writertest.Start(writertest.WithRetryOutcome(func(id string) writer.Status {
		if id == notesID {
			return writer.StatusFailed // as some files do
		}
		return writer.StatusCompleted
	}))
	defer srv.Close()
	srv.AddFiles(
		writertest.File{ID: handbookID, Name: "handbook.pdf", Status: writer.StatusFailed},
		writertest.File{ID: notesID, Name: "notes.txt", Status: writer.StatusFailed},
	)
	client := srv.Client()

	// Retry every failed file, then wait until Writer has processed them all.
	rep, err := client.Files.RetryFailedAndWait(context.Background(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("retried %d: %d completed, %d failed again %v\n", rep.Retried, rep.Completed, rep.FailedAgain, rep.FailedAgainIDs)
	// Output: retried 2: 1 completed, 1 failed again [2c3d9e5f-7b1a-4e4c-8d8b-3a4b5c6d7e8f]
}

func ExampleError() {
	srv := fakeWriter()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	_, err := client.Files.Get(ctx, missingID)
	var apiErr *writer.Error
	if errors.Is(err, writer.ErrNotFound) && errors.As(err, &apiErr) {
		fmt.Println("not found:", apiErr.Operation, apiErr.StatusCode, apiErr.Key)
	}

	// Bad input is refused before any request, naming the field and its position.
	err = client.Files.Retry(ctx, []string{handbookID, "handbook.pdf"})
	var inErr *writer.InputError
	if errors.Is(err, writer.ErrInvalidInput) && errors.As(err, &inErr) {
		fmt.Println("refused:", inErr.Field, inErr.Index, inErr.Value)
	}
	// Output:
	// not found: gatewayGetFile 404 fail.notFound.resource
	// refused: file_ids 1 handbook.pdf
}

// countFailed is code under test: it counts the failed files of the account.
func countFailed(ctx context.Context, client *writer.Client) (int, error) {
	n := 0
	for _, err := range client.Files.List(ctx, &writer.ListOptions{Status: writer.StatusFailed}) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// A test of your own code runs it against writertest. In a test function, call
// writertest.NewServer(t), which closes the server when the test ends, in place of Start.
func Example_testWithWritertest() {
	srv := writertest.Start()
	defer srv.Close()
	srv.AddFiles(
		writertest.File{ID: handbookID, Name: "handbook.pdf", Status: writer.StatusFailed},
		writertest.File{ID: pricingID, Name: "pricing.csv", Status: writer.StatusCompleted},
	)

	n, err := countFailed(context.Background(), srv.Client())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("failed files:", n) // in a test: if n != 1 { t.Errorf(...) }
	// Output: failed files: 1
}
