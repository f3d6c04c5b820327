package main

import (
	"testing"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

func TestRetryAll(t *testing.T) {
	srv := writertest.NewServer(t)
	srv.AddFiles(
		writertest.File{ID: "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f", Name: "a.pdf", Status: writer.StatusFailed},
		writertest.File{ID: "1b2e8c4d-6a0f-4d3b-9e7c-2f3a4b5c6d7e", Name: "b.pdf", Status: writer.StatusCompleted},
	)
	files, err := retryAll(t.Context(), srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Status != writer.StatusCompleted {
		t.Errorf("got %+v, want the failed file, completed", files)
	}
}
