package main

import (
	"context"
	"time"

	"github.com/writerfiles/writer-go/writertest"
)

// fakeServer is the in-process fake behind --fake.
type fakeServer struct{ *writertest.Server }

// sampleFiles seed the fake: three failed files among others.
var sampleFiles = []writertest.File{
	{ID: "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f", Name: "handbook.pdf", Status: writertest.StatusFailed},
	{ID: "1b2e8c4d-6a0f-4d3b-9e7c-2f3a4b5c6d7e", Name: "pricing.xlsx", Status: writertest.StatusCompleted},
	{ID: "2c3d9e5f-7b1a-4e4c-8d8b-3a4b5c6d7e8f", Name: "meeting notes.docx", Status: writertest.StatusFailed},
	{ID: "3d4e0f6a-8c2b-4f5d-9a9c-4b5c6d7e8f90", Name: "logo.png", Status: writertest.StatusInProgress},
	{ID: "4e5f1a7b-9d3c-4a6e-8bad-5c6d7e8f9001", Name: "résumé.txt", Status: writertest.StatusFailed},
}

// startFake starts the fake seeded with sampleFiles. Retried files stay in_progress for a
// moment so the workflow can be watched.
func startFake() *fakeServer {
	s := writertest.Start(writertest.WithProcessingDelay(300 * time.Millisecond))
	s.AddFiles(sampleFiles...)
	return &fakeServer{s}
}

// waitSettled waits until none of ids is in_progress on the fake.
func (s *fakeServer) waitSettled(ctx context.Context, ids []string) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		busy := false
		for _, id := range ids {
			if f, _ := s.File(id); f.Status == writertest.StatusInProgress {
				busy = true
			}
		}
		if !busy {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
