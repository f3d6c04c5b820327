package writer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

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

func ExampleFilesService_Get() {
	srv := fakeWriter()
	defer srv.Close()
	client := srv.Client()

	f, err := client.Files.Get(context.Background(), pricingID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.ID, f.Name, f.Status)
	// Output: 1b2e8c4d-6a0f-4d3b-9e7c-2f3a4b5c6d7e pricing.csv completed
}

func ExampleFilesService_ListPage() {
	srv := fakeWriter()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// Pages of two files, oldest first; the next page starts after the last file of this one.
	opts := &writer.ListOptions{Limit: 2, Order: writer.OrderAsc}
	var cur writer.Cursor
	for page := 1; ; page++ {
		p, err := client.Files.ListPage(ctx, opts, cur)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, f := range p.Files {
			fmt.Println(page, f.Name)
		}
		if !p.HasMore {
			break
		}
		cur = writer.Cursor{After: p.LastID}
	}
	// Output:
	// 1 handbook.pdf
	// 1 pricing.csv
	// 2 notes.txt
}

func ExampleFilesService_Upload() {
	srv := fakeWriter()
	defer srv.Close()
	client := srv.Client()

	dir, err := os.MkdirTemp("", "upload")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "q3-summary.txt")
	if err := os.WriteFile(path, []byte("Revenue grew 12% in Q3.\n"), 0o600); err != nil {
		fmt.Println(err)
		return
	}

	file, err := os.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer file.Close()
	// The file is streamed; its size comes from the file, its content type from its name.
	f, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: filepath.Base(path), Body: file})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The fake keeps the Content-Type it received: the type of the name's extension.
	stored, _ := srv.File(f.ID)
	fmt.Println(f.Name, f.Status, stored.ContentType)
	// Output: q3-summary.txt in_progress text/plain
}

// saveFile writes the content of the file id to path, whole or not at all: into a temporary
// file next to path, renamed over it once every byte has been read and written.
func saveFile(ctx context.Context, client *writer.Client, id, path string) (err error) {
	d, err := client.Files.Download(ctx, id) // the status is checked before it returns
	if err != nil {
		return err
	}
	defer d.Body.Close()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".download-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// A body that ends before its Content-Length fails here, so a cut download is never saved.
	if _, err = io.Copy(tmp, d.Body); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func ExampleFilesService_Download() {
	srv := writertest.Start()
	defer srv.Close()
	srv.AddFiles(writertest.File{ID: pricingID, Name: "pricing.csv", Status: writer.StatusCompleted,
		ContentType: "text/csv", Content: []byte("plan,price\nteam,18\n")})
	client := srv.Client()

	dir, err := os.MkdirTemp("", "download")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "pricing.csv")
	if err := saveFile(context.Background(), client, pricingID, path); err != nil {
		fmt.Println(err)
		return
	}
	content, err := os.ReadFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(content))

	// A file that is not there leaves path as it was.
	err = saveFile(context.Background(), client, missingID, path)
	fmt.Println(errors.Is(err, writer.ErrNotFound))
	// Output:
	// plan,price
	// team,18
	// true
}

func ExampleFilesService_Delete() {
	srv := fakeWriter()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	if err := client.Files.Delete(ctx, notesID); err != nil {
		fmt.Println(err)
		return
	}
	_, err := client.Files.Get(ctx, notesID)
	fmt.Println(errors.Is(err, writer.ErrNotFound))

	// The error of a call names the file it was about.
	err = client.Files.Delete(ctx, notesID)
	var apiErr *writer.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.FileID)
	}
	// Output:
	// true
	// 404 2c3d9e5f-7b1a-4e4c-8d8b-3a4b5c6d7e8f
}

func ExampleFilesService_WaitProcessed() {
	srv := fakeWriter()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	if err := client.Files.Retry(ctx, []string{handbookID}); err != nil {
		fmt.Println(err)
		return
	}
	// Polls the files until none is in_progress; here the fake has processed it at once.
	files, err := client.Files.WaitProcessed(ctx, []string{handbookID, pricingID}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		fmt.Println(f.Name, f.Status)
	}
	// Output:
	// handbook.pdf completed
	// pricing.csv completed
}

func ExampleWithHeader() {
	srv := fakeWriter()
	defer srv.Close()

	// Every request to the API host carries the header; WRITER_CUSTOM_HEADERS can hold it too.
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey),
		writer.WithHeader("X-Tenant", "acme"))
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.Files.Get(context.Background(), handbookID); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(srv.Requests()[0].Header.Get("X-Tenant"))

	// The client's own headers cannot be replaced.
	_, err = writer.NewClient(writer.WithAPIKey(srv.APIKey), writer.WithHeader("Authorization", "Bearer other"))
	fmt.Println(err)
	// Output:
	// acme
	// writer: invalid input: WithHeader "Authorization" is a header the client sets itself
}
