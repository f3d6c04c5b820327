package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// transferSize is the size of the file that BenchmarkUpload and BenchmarkDownload move.
const transferSize = 64 << 20

// transferFileID is the id of the file the benchmarks download.
const transferFileID = "3c90c3cc-0d44-4b50-8888-000000000001"

// uploadOK is the body of a 200 from POST /v1/files (spec file_response).
var uploadOK = []byte(`{"id":"` + transferFileID + `","created_at":"2026-01-01T00:00:00Z","name":"bench.pdf","graph_ids":[],"status":"in_progress"}`)

// zeros is an io.ReaderAt of any length whose bytes are all zero: a synthetic file that is
// never held in memory. io.NewSectionReader(zeros{}, 0, n) is an n-byte file that can be
// replayed, as an *os.File can.
type zeros struct{}

func (zeros) ReadAt(p []byte, _ int64) (int, error) {
	clear(p)
	return len(p), nil
}

// chunk is what the download handler writes, transferSize/len(chunk) times.
var chunk = make([]byte, 64<<10)

// newTransferServer starts a server on 127.0.0.1 that answers POST /v1/files by reading and
// discarding the request body and answering a file_response, and GET
// /v1/files/{id}/download with transferSize zero bytes and their Content-Length.
func newTransferServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/files", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+apiKey {
			http.Error(w, `{"tpe":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil || n != r.ContentLength {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(uploadOK)
	})
	mux.HandleFunc("GET /v1/files/{id}/download", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+apiKey {
			http.Error(w, `{"tpe":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Length", strconv.Itoa(transferSize))
		for range transferSize / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv
}

// fileResponse is the floor's file_response.
type fileResponse struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Name      string    `json:"name"`
	GraphIDs  []string  `json:"graph_ids"`
	Status    string    `json:"status"`
}

// upload is the floor's POST /v1/files: the same headers as the client's, the body streamed
// with its Content-Length.
func (f *floor) upload(ctx context.Context, body io.Reader, size int64) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.base+"/v1/files", body)
	if err != nil {
		return err
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", "application/pdf")
	req.Header.Set("Content-Disposition", `attachment; filename="bench.pdf"`)
	var out fileResponse
	return f.doJSON(req, &out)
}

// download is the floor's GET /v1/files/{id}/download: it copies the body to io.Discard and
// checks that Content-Length bytes came.
func (f *floor) download(ctx context.Context, id string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.base+"/v1/files/"+id+"/download", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", f.auth)
	req.Header.Set("Accept", "application/octet-stream")
	req.Header.Set("User-Agent", "writer-go-bench-floor")
	resp, err := f.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil && n != resp.ContentLength {
		err = fmt.Errorf("got %d bytes, want %d", n, resp.ContentLength)
	}
	return n, err
}

// transferImpls are the client's and the floor's upload and download of the 64 MiB file.
type transferImpls struct {
	upload, download [2]func() error // [0] client, [1] floor
}

func newTransferImpls(tb testing.TB) transferImpls {
	tb.Helper()
	srv := newTransferServer(tb)
	client := newClient(tb, srv.URL)
	fl := newFloor(srv.URL)
	ctx := context.Background()
	file := func() *io.SectionReader { return io.NewSectionReader(zeros{}, 0, transferSize) }
	return transferImpls{
		upload: [2]func() error{
			func() error {
				_, err := client.Files.Upload(ctx, writer.UploadParams{Name: "bench.pdf", ContentType: "application/pdf", Body: file(), Size: transferSize})
				return err
			},
			func() error { return fl.upload(ctx, file(), transferSize) },
		},
		download: [2]func() error{
			func() error {
				d, err := client.Files.Download(ctx, transferFileID)
				if err != nil {
					return err
				}
				defer d.Body.Close()
				n, err := io.Copy(io.Discard, d.Body)
				if err == nil && n != transferSize {
					err = fmt.Errorf("got %d bytes, want %d", n, transferSize)
				}
				return err
			},
			func() error {
				_, err := fl.download(ctx, transferFileID)
				return err
			},
		},
	}
}

// BenchmarkTransfer is Files.Upload and Files.Download of a 64 MiB file against the floor,
// each in its own sub-benchmark: throughput (b.SetBytes: MB/s) and bytes allocated per
// call, which must not grow with the file's size. The upload's body is generated, never
// held in memory; the download's body is copied to io.Discard.
func BenchmarkTransfer(b *testing.B) {
	impls := newTransferImpls(b)
	for _, op := range []string{"upload", "download"} {
		fns := impls.upload
		if op == "download" {
			fns = impls.download
		}
		for i, impl := range []string{"client", "floor"} {
			b.Run(fmt.Sprintf("op=%s/impl=%s", op, impl), func(b *testing.B) {
				if err := fns[i](); err != nil { // connect outside the timing
					b.Fatal(err)
				}
				b.SetBytes(transferSize)
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if err := fns[i](); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkTransferPair is BenchmarkTransfer for make bench-check: client and floor in
// alternating blocks within one run (see runPair), reporting client-ns/op and floor-ns/op.
func BenchmarkTransferPair(b *testing.B) {
	impls := newTransferImpls(b)
	for _, op := range []string{"upload", "download"} {
		fns := impls.upload
		if op == "download" {
			fns = impls.download
		}
		b.Run("op="+op, func(b *testing.B) {
			for _, f := range fns {
				if err := f(); err != nil { // connect outside the timing
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			runPairBlocks(b, 1, fns[0], fns[1])
		})
	}
}

// TestClientAndFloorTransferTheSameBytes keeps the transfer comparison fair: both upload
// with the same method, path, media type and length, and both download the whole file.
func TestClientAndFloorTransferTheSameBytes(t *testing.T) {
	impls := newTransferImpls(t)
	for i, name := range []string{"client", "floor"} {
		if err := impls.upload[i](); err != nil {
			t.Errorf("%s upload: %v", name, err)
		}
		if err := impls.download[i](); err != nil {
			t.Errorf("%s download: %v", name, err)
		}
	}
}
