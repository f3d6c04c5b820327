package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// fakeServer is the in-process fake behind --fake.
type fakeServer struct{ *writertest.Server }

// defaultSeed picks the ids of the fake's sample files: those of --fake, and of fake serve
// without --seed.
const defaultSeed = 1

// samples are the fake's files without their ids: three failed files among others, each
// with a small content that download serves.
var samples = []writertest.File{
	{Name: "handbook.html", Status: writertest.StatusFailed,
		ContentType: "text/html", Content: []byte("<!doctype html>\n<title>Handbook</title>\n<h1>Handbook</h1>\n<p>Welcome aboard. Holidays are on page 2.</p>\n")},
	{Name: "pricing.csv", Status: writertest.StatusCompleted,
		ContentType: "text/csv", Content: []byte("plan,seats,monthly_usd\nstarter,5,50\nteam,20,180\n")},
	{Name: "meeting notes.txt", Status: writertest.StatusFailed,
		ContentType: "text/plain", Content: []byte("Meeting notes\n- ship the retry workflow\n- next review on Friday\n")},
	{Name: "logo.png", Status: writertest.StatusInProgress,
		ContentType: "image/png", Content: onePixelPNG()},
	{Name: "résumé.txt", Status: writertest.StatusFailed,
		ContentType: "text/plain", Content: []byte("Ada Lovelace\nAnalyst, Analytical Engine project\n")},
}

// failsAgain is the index in samples of the failed file whose retry fails again, as some do.
const failsAgain = 4

// sampleEpoch is when the newest sample was uploaded; each of the others an hour before the
// one above it, so that a listing is the same on every run.
var sampleEpoch = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// sampleFiles returns the samples with ids drawn from seed: the same seed, the same ids.
func sampleFiles(seed uint64) []writertest.File {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	ids := rand.NewChaCha8(key)
	files := slices.Clone(samples)
	for i := range files {
		id, _ := uuid.NewRandomFromReader(ids) // ChaCha8's Read does not fail
		files[i].ID = id.String()
		files[i].CreatedAt = sampleEpoch.Add(-time.Duration(i) * time.Hour)
	}
	return files
}

// onePixelPNG is a valid PNG image of one blue pixel.
func onePixelPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{B: 0xff, A: 0xff})
	var b bytes.Buffer
	_ = png.Encode(&b, img) // cannot fail: a bytes.Buffer does not fail to write
	return b.Bytes()
}

// startFake starts the fake with sampleFiles(seed) and opts after its own options. Retried
// and uploaded files stay in_progress for a moment so the workflow can be watched; one
// failed file fails again.
func startFake(seed uint64, opts ...writertest.Option) *fakeServer {
	files := sampleFiles(seed)
	again := files[failsAgain].ID
	s := writertest.Start(append([]writertest.Option{
		writertest.WithProcessingDelay(300 * time.Millisecond),
		writertest.WithRetryOutcome(func(id string) writer.Status {
			if id == again {
				return writertest.StatusFailed
			}
			return writertest.StatusCompleted
		}),
	}, opts...)...)
	s.AddFiles(files...)
	return &fakeServer{s}
}
