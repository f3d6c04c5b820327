package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// fakeServer is the in-process fake behind --fake.
type fakeServer struct{ *writertest.Server }

// sampleFiles seed the fake: three failed files among others, each with a small content
// that download serves.
var sampleFiles = []writertest.File{
	{ID: "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f", Name: "handbook.html", Status: writertest.StatusFailed,
		ContentType: "text/html", Content: []byte("<!doctype html>\n<title>Handbook</title>\n<h1>Handbook</h1>\n<p>Welcome aboard. Holidays are on page 2.</p>\n")},
	{ID: "1b2e8c4d-6a0f-4d3b-9e7c-2f3a4b5c6d7e", Name: "pricing.csv", Status: writertest.StatusCompleted,
		ContentType: "text/csv", Content: []byte("plan,seats,monthly_usd\nstarter,5,50\nteam,20,180\n")},
	{ID: "2c3d9e5f-7b1a-4e4c-8d8b-3a4b5c6d7e8f", Name: "meeting notes.txt", Status: writertest.StatusFailed,
		ContentType: "text/plain", Content: []byte("Meeting notes\n- ship the retry workflow\n- next review on Friday\n")},
	{ID: "3d4e0f6a-8c2b-4f5d-9a9c-4b5c6d7e8f90", Name: "logo.png", Status: writertest.StatusInProgress,
		ContentType: "image/png", Content: onePixelPNG()},
	{ID: "4e5f1a7b-9d3c-4a6e-8bad-5c6d7e8f9001", Name: "résumé.txt", Status: writertest.StatusFailed,
		ContentType: "text/plain", Content: []byte("Ada Lovelace\nAnalyst, Analytical Engine project\n")},
}

// onePixelPNG is a valid PNG image of one blue pixel.
func onePixelPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{B: 0xff, A: 0xff})
	var b bytes.Buffer
	_ = png.Encode(&b, img) // cannot fail: a bytes.Buffer does not fail to write
	return b.Bytes()
}

// failsAgain is the sample file whose retry fails again, as some do.
var failsAgain = sampleFiles[4].ID

// startFake starts the fake seeded with sampleFiles. Retried files stay in_progress for a
// moment so the workflow can be watched; one of them fails again.
func startFake() *fakeServer {
	s := writertest.Start(
		writertest.WithProcessingDelay(300*time.Millisecond),
		writertest.WithRetryOutcome(func(id string) writer.Status {
			if id == failsAgain {
				return writertest.StatusFailed
			}
			return writertest.StatusCompleted
		}),
	)
	// Uploaded an hour apart, the first one newest.
	now := time.Now().UTC().Truncate(time.Second)
	for i, f := range sampleFiles {
		f.CreatedAt = now.Add(-time.Duration(i) * time.Hour)
		s.AddFiles(f)
	}
	return &fakeServer{s}
}
