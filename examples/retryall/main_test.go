package main

import (
	"strings"
	"testing"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

func TestRetryAll(t *testing.T) {
	const handbook = "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f"
	srv := writertest.NewServer(t, writertest.WithRetryOutcome(func(id string) writer.Status {
		if id == handbook {
			return writer.StatusFailed // fails again
		}
		return writer.StatusCompleted
	}))
	srv.AddFiles(
		writertest.File{ID: handbook, Name: "handbook.pdf", Status: writer.StatusFailed},
		writertest.File{ID: "1b2e8c4d-6a0f-4d3b-9e7c-2f3a4b5c6d7e", Name: "notes.txt", Status: writer.StatusFailed},
		writertest.File{ID: "2c3d9e5f-7b1a-4e4c-8d8b-3a4b5c6d7e8f", Name: "pricing.csv", Status: writer.StatusCompleted},
	)
	var out strings.Builder
	if err := retryAll(t.Context(), srv.Client(), &out); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "failed again: "+handbook+"\n2 retried: 1 completed, 1 failed again\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
