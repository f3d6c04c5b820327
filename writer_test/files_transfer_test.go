package writer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// uploads returns the POST /v1/files requests the server received.
func uploads(srv *writertest.Server) []writertest.Request {
	var out []writertest.Request
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && r.Path == "/v1/files" {
			out = append(out, r)
		}
	}
	return out
}

func TestUploadNamesRoundTrip(t *testing.T) {
	client, srv := setup(t, nil)
	names := []string{
		"report.pdf",
		"quarterly report 2026.pdf",
		`say "hi".txt`,
		`back\slash.txt`,
		"semi;colon=equals.txt",
		"100% done.txt",
		"résumé final.docx",
		"日本語のファイル.pdf",
		"emoji 📄 \"quoted\" \\ mix.txt",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			content := "content of " + name
			f, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: name, ContentType: "text/plain", Body: strings.NewReader(content)})
			if err != nil {
				t.Fatalf("Upload: %v", err)
			}
			if f.Name != name || f.Status != writer.StatusInProgress || f.ID == "" {
				t.Errorf("Upload = %+v, want name %q in_progress", f, name)
			}
			stored, ok := srv.File(f.ID)
			if !ok || stored.Name != name || string(stored.Content) != content || stored.ContentType != "text/plain" {
				t.Errorf("server stored %q %q %q", stored.Name, stored.Content, stored.ContentType)
			}
		})
	}
}

func TestUploadNonASCIINameSendsFallbackAndFilenameStar(t *testing.T) {
	client, srv := setup(t, nil)
	const name = `résumé "v2".pdf`
	if _, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: name, ContentType: "application/pdf", Body: strings.NewReader("%PDF-1.7")}); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	req := uploads(srv)[0]
	want := `attachment; filename="r_sum_ \"v2\".pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf`
	if got := req.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition = %s\nwant                 %s", got, want)
	}
	if got := req.Header.Get("Content-Type"); got != "application/pdf" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := req.Header.Get("Content-Length"); got != "8" {
		t.Errorf("Content-Length = %q, want 8", got)
	}
}

func TestUploadWithGraphLinksItLater(t *testing.T) {
	client, srv := setup(t, nil)
	ctx := context.Background()
	f, err := client.Files.Upload(ctx, writer.UploadParams{Name: "a.csv", Body: strings.NewReader("a,b\n"), GraphID: graphA})
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if len(f.GraphIDs) != 0 {
		t.Errorf("upload answer graph_ids = %v, want empty (Writer shows the link later)", f.GraphIDs)
	}
	if q := uploads(srv)[0].RawQuery; q != "graphId="+graphA {
		t.Errorf("query = %q, want graphId", q)
	}
	got, err := client.Files.Get(ctx, f.ID)
	if err != nil || len(got.GraphIDs) != 1 || got.GraphIDs[0] != graphA || got.Status != writer.StatusCompleted {
		t.Errorf("Get after upload = %+v, %v; want graph %s and completed", got, err, graphA)
	}
}

func TestUploadRefusesBadInputBeforeSending(t *testing.T) {
	client, srv := setup(t, nil)
	ctx := context.Background()
	body := func() io.Reader { return strings.NewReader("abc") }
	plain := func() io.Reader { return io.LimitReader(strings.NewReader("abc"), 3) }
	tests := []struct {
		name   string
		params writer.UploadParams
		field  string
	}{
		{"empty name", writer.UploadParams{Body: body()}, "UploadParams.Name"},
		{"newline in name", writer.UploadParams{Name: "a\nb.txt", Body: body()}, "UploadParams.Name"},
		{"CR in name", writer.UploadParams{Name: "a\rb.txt", Body: body()}, "UploadParams.Name"},
		{"NUL in name", writer.UploadParams{Name: "a\x00.txt", Body: body()}, "UploadParams.Name"},
		{"bad UTF-8 name", writer.UploadParams{Name: "a\xff.txt", Body: body()}, "UploadParams.Name"},
		{"not a media type", writer.UploadParams{Name: "a.txt", ContentType: "pdf", Body: body()}, "UploadParams.ContentType"},
		{"header injection", writer.UploadParams{Name: "a.txt", ContentType: "text/plain\r\nX-Evil: 1", Body: body()}, "UploadParams.ContentType"},
		{"nil body with a size", writer.UploadParams{Name: "a.txt", Size: 3}, "UploadParams.Body"},
		{"negative size", writer.UploadParams{Name: "a.txt", Body: body(), Size: -1}, "UploadParams.Size"},
		{"unknown size", writer.UploadParams{Name: "a.txt", Body: plain()}, "UploadParams.Size"},
		{"size too big for seeker", writer.UploadParams{Name: "a.txt", Body: body(), Size: 4}, "UploadParams.Size"},
		{"size too small for seeker", writer.UploadParams{Name: "a.txt", Body: body(), Size: 2}, "UploadParams.Size"},
		{"graph", writer.UploadParams{Name: "a.txt", Body: body(), GraphID: "g1"}, "UploadParams.GraphID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := client.Files.Upload(ctx, tt.params)
			var ie *writer.InputError
			if !errors.Is(err, writer.ErrInvalidInput) || !errors.As(err, &ie) || ie.Field != tt.field {
				t.Errorf("Upload = %v, want an *InputError for %s", err, tt.field)
			}
		})
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestUploadSeekableBodySendsTheRestAndMayBeRetried(t *testing.T) {
	client, srv := setup(t, nil)
	r := bytes.NewReader([]byte("skip:the rest"))
	if _, err := r.Seek(5, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, writertest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After-Ms": {"1"}}})
	f, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "a.txt", Body: r})
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if n := len(uploads(srv)); n != 2 {
		t.Errorf("got %d upload attempts, want 2 (429, then a replay)", n)
	}
	if stored, _ := srv.File(f.ID); string(stored.Content) != "the rest" {
		t.Errorf("stored %q, want the bytes after the reader's offset", stored.Content)
	}
}

func TestUploadPlainReaderGetsOneAttempt(t *testing.T) {
	client, srv := setup(t, nil)
	srv.FailNext(1, writertest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After-Ms": {"1"}}})
	body := io.LimitReader(strings.NewReader("abc"), 3)
	_, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "a.txt", Body: body, Size: 3})
	var apiErr *writer.Error
	if !errors.Is(err, writer.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.Attempts != 1 {
		t.Fatalf("Upload = %v, want ErrRateLimited after 1 attempt", err)
	}
	if n := len(uploads(srv)); n != 1 {
		t.Errorf("got %d upload attempts, want 1: the body cannot be replayed", n)
	}
}

func TestUploadIsNotRetriedOnServerError(t *testing.T) {
	client, srv := setup(t, nil)
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
	_, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "a.txt", Body: strings.NewReader("abc")})
	if !errors.Is(err, writer.ErrServer) {
		t.Fatalf("Upload = %v, want ErrServer", err)
	}
	if n := len(uploads(srv)); n != 1 {
		t.Errorf("got %d upload attempts, want 1: a 503 upload may have been processed", n)
	}
}

func TestUploadEmptyFileSendsContentLengthZero(t *testing.T) {
	client, srv := setup(t, nil)
	if _, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "empty.txt"}); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if got := uploads(srv)[0].Header.Get("Content-Length"); got != "0" {
		t.Errorf("Content-Length = %q, want 0", got)
	}
}

// TestUploadUnknownSizeNeedsOptIn sends a chunked upload, which the spec does not allow
// (Content-Length is required), so its client has no spec validation.
func TestUploadUnknownSizeNeedsOptIn(t *testing.T) {
	srv := writertest.NewServer(t)
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	body := func() io.Reader { return io.LimitReader(strings.NewReader("abc"), 3) }
	_, err = client.Files.Upload(context.Background(), writer.UploadParams{Name: "a.txt", Body: body()})
	if !errors.Is(err, writer.ErrInvalidInput) || len(srv.Requests()) != 0 {
		t.Fatalf("Upload without opt-in = %v after %d requests, want ErrInvalidInput and none", err, len(srv.Requests()))
	}
	_, err = client.Files.Upload(context.Background(), writer.UploadParams{Name: "a.txt", Body: body(), AllowUnknownSize: true})
	var apiErr *writer.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusLengthRequired {
		t.Fatalf("chunked Upload = %v, want the fake's 411", err)
	}
	if h := uploads(srv)[0].Header; h.Get("Content-Length") != "" {
		t.Errorf("chunked upload sent Content-Length %q", h.Get("Content-Length"))
	}
}

// genReader is a plain io.Reader (no Seek, no ReadAt) of n generated bytes.
type genReader struct {
	n, off int64
}

var genPattern = func() []byte {
	p := make([]byte, 65521)
	x := uint32(2463534242)
	for i := range p {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		p[i] = byte(x)
	}
	return p
}()

func (g *genReader) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), g.n-g.off)]
	n := 0
	for n < len(p) {
		n += copy(p[n:], genPattern[(g.off+int64(n))%int64(len(genPattern)):])
	}
	g.off += int64(n)
	return n, nil
}

func TestUpload100MiBStreamKeepsMemoryFarBelowFileSize(t *testing.T) {
	const size = 100 << 20
	client, srv := setup(t, nil)
	h := sha256.New()
	if _, err := io.Copy(h, &genReader{n: size}); err != nil {
		t.Fatal(err)
	}
	wantSum := hex.EncodeToString(h.Sum(nil))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "big.mp4", Body: &genReader{n: size}, Size: size})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	// Client, server and spec validation run in this process: the total they allocated
	// during the upload bounds what the client held.
	const bound = 16 << 20
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("uploading %d bytes allocated %d bytes in all", size, alloc)
	if alloc > bound {
		t.Errorf("the upload allocated %d bytes, want under %d for a %d-byte file", alloc, bound, size)
	}
	stored, _ := srv.File(f.ID)
	if stored.Size != size || stored.SHA256 != wantSum {
		t.Errorf("server received %d bytes with SHA-256 %s, want %d bytes with %s", stored.Size, stored.SHA256, size, wantSum)
	}
	if got := uploads(srv)[0].Header.Get("Content-Length"); got != strconv.Itoa(size) {
		t.Errorf("Content-Length = %q", got)
	}
}

func TestDownloadStreamsContentWithTypeAndSize(t *testing.T) {
	client, srv := setup(t, nil)
	content := bytes.Repeat([]byte("writer "), 10000)
	srv.AddFiles(writertest.File{ID: idA, Name: "a.txt", Status: writertest.StatusCompleted, ContentType: "text/plain; charset=utf-8", Content: content})

	d, err := client.Files.Download(context.Background(), idA)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	got, err := io.ReadAll(d.Body)
	if cerr := d.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("read %d bytes, %v; want %d", len(got), err, len(content))
	}
	if d.Size != int64(len(content)) || d.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("Size %d ContentType %q", d.Size, d.ContentType)
	}
	if a := srv.Requests()[0].Header.Get("Accept"); a != "application/octet-stream" {
		t.Errorf("Accept = %q", a)
	}
}

// TestDownloadWithoutContentTypeIsOctetStream: a download answered without Content-Type
// (net/http would sniff one unless the header is set to nil) reports the spec's type.
func TestDownloadWithoutContentTypeIsOctetStream(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header()["Content-Type"] = nil
		_, _ = w.Write([]byte("plain bytes"))
	}))
	defer srv.Close()
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey("key"), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	d, err := client.Files.Download(context.Background(), idA)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	defer d.Body.Close()
	if d.ContentType != "application/octet-stream" {
		t.Errorf("ContentType = %q, want application/octet-stream", d.ContentType)
	}
}

func TestDownloadUploadedFile(t *testing.T) {
	client, _ := setup(t, nil)
	ctx := context.Background()
	f, err := client.Files.Upload(ctx, writer.UploadParams{Name: "p.png", Body: bytes.NewReader([]byte("\x89PNG..."))})
	if err != nil {
		t.Fatal(err)
	}
	d, err := client.Files.Download(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Body.Close()
	got, err := io.ReadAll(d.Body)
	if err != nil || string(got) != "\x89PNG..." || d.ContentType != "image/png" {
		t.Errorf("downloaded %q %q, %v", got, d.ContentType, err)
	}
}

func TestDownloadTruncatedByServerIsAnError(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"application/pdf"}, "Content-Length": {"1000"}}, Body: "only 13 bytes"})
	d, err := client.Files.Download(context.Background(), idA)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	defer d.Body.Close()
	got, err := io.ReadAll(d.Body)
	var apiErr *writer.Error
	if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.As(err, &apiErr) || apiErr.Operation != "gatewayDownloadFile" {
		t.Fatalf("ReadAll = %d bytes, %v; want *Error wrapping io.ErrUnexpectedEOF", len(got), err)
	}
	if d.Size != 1000 || !strings.Contains(err.Error(), "13 of 1000 bytes") {
		t.Errorf("Size %d, error %q: want 1000 and the count read", d.Size, err)
	}
}

// cutBody is a RoundTripper that keeps Content-Length but ends the body early with a
// clean io.EOF, as a faulty proxy or RoundTripper could: only the client's own count can
// tell.
type cutBody struct {
	base http.RoundTripper
	keep int64
}

func (c cutBody) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(req)
	if err == nil {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(resp.Body, c.keep), resp.Body}
	}
	return resp, err
}

func TestDownloadShorterThanContentLengthIsAnError(t *testing.T) {
	srv := writertest.NewServer(t)
	srv.AddFiles(writertest.File{ID: idA, Name: "a.bin", Content: bytes.Repeat([]byte{7}, 500)})
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	hc := &http.Client{Transport: cutBody{base: newSpecTransport(t, srv.URL, transport), keep: 100}}
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(srv.APIKey), writer.WithHTTPClient(hc), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	d, err := client.Files.Download(context.Background(), idA)
	if err != nil {
		t.Fatalf("Download: %v", err)
	}
	defer d.Body.Close()
	got, err := io.ReadAll(d.Body)
	if len(got) != 100 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("ReadAll = %d bytes, %v; want 100 bytes then io.ErrUnexpectedEOF", len(got), err)
	}
}

func TestDownloadErrorStatusReturnsNoBody(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusGone, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"tpe":"fail.gone","errors":[{"description":"expired","key":"fail.gone.expired","extras":{}}],"extras":{}}`})
	d, err := client.Files.Download(context.Background(), idA)
	if d != nil || !errors.Is(err, writer.ErrGone) {
		t.Fatalf("Download = %v, %v; want nil and ErrGone", d, err)
	}
}

// TestUploadDetectsContentType: without a ContentType, Upload takes it from the name's
// extension, else from the first 512 bytes, and still sends every byte of the body,
// seekable or not; a ContentType given is sent as it is.
func TestUploadDetectsContentType(t *testing.T) {
	client, srv := setup(t, nil)
	pdf := "%PDF-1.7\n" + strings.Repeat("x", 600)
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 100)
	for _, tt := range []struct {
		name        string
		params      writer.UploadParams
		content     string
		contentType string
	}{
		{"by extension", writer.UploadParams{Name: "Report.PDF", Body: strings.NewReader("plain words")}, "plain words", "application/pdf"},
		{"Writer's docx", writer.UploadParams{Name: "a.docx", Body: strings.NewReader("PK")}, "PK", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"sniffed from a seekable body", writer.UploadParams{Name: "scan", Body: strings.NewReader(pdf)}, pdf, "application/pdf"},
		{"sniffed from a stream", writer.UploadParams{Name: "image.unknown-ext", Body: io.LimitReader(strings.NewReader(png), int64(len(png))), Size: int64(len(png))}, png, "image/png"},
		{"sniffed text", writer.UploadParams{Name: "README", Body: strings.NewReader("hello")}, "hello", "text/plain; charset=utf-8"},
		{"given", writer.UploadParams{Name: "a.pdf", ContentType: "text/csv", Body: strings.NewReader("a,b")}, "a,b", "text/csv"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := client.Files.Upload(context.Background(), tt.params)
			if err != nil {
				t.Fatalf("Upload: %v", err)
			}
			stored, _ := srv.File(f.ID)
			if string(stored.Content) != tt.content || stored.ContentType != tt.contentType {
				t.Errorf("stored %d bytes as %q, want %d bytes as %q", len(stored.Content), stored.ContentType, len(tt.content), tt.contentType)
			}
		})
	}
}

// TestUploadMeasuresARegularFileAndReplaysIt: an *os.File with Size 0 is sent from its
// offset to its end with that Content-Length, and replayed after a 429.
func TestUploadMeasuresARegularFileAndReplaysIt(t *testing.T) {
	client, srv := setup(t, nil)
	path := t.TempDir() + "/notes.txt"
	if err := os.WriteFile(path, []byte("skip:the rest of the notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(5, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, writertest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After-Ms": {"1"}}})
	file, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "notes.txt", Body: f})
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	ups := uploads(srv)
	if len(ups) != 2 || ups[1].Header.Get("Content-Length") != "21" || ups[1].Header.Get("Content-Type") != "text/plain" {
		t.Errorf("got %d upload attempts, want 2 (429, then a replay) with Content-Length 21 and text/plain", len(ups))
	}
	if stored, _ := srv.File(file.ID); string(stored.Content) != "the rest of the notes" {
		t.Errorf("stored %q, want the bytes after the file's offset", stored.Content)
	}
}

// TestUploadFromAPipeNeedsItsSize: an *os.File that is not a regular file cannot be
// measured: without Size it is refused before any request; with Size it is streamed once.
func TestUploadFromAPipeNeedsItsSize(t *testing.T) {
	client, srv := setup(t, nil)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = client.Files.Upload(context.Background(), writer.UploadParams{Name: "piped.txt", Body: r})
	var ie *writer.InputError
	if !errors.As(err, &ie) || ie.Field != "UploadParams.Size" || len(srv.Requests()) != 0 {
		t.Fatalf("Upload of a pipe without Size = %v after %d requests, want an *InputError for UploadParams.Size and none", err, len(srv.Requests()))
	}
	go func() {
		_, _ = io.WriteString(w, "from a pipe")
		w.Close()
	}()
	f, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "piped.txt", Body: r, Size: 11})
	if err != nil {
		t.Fatalf("Upload with Size: %v", err)
	}
	if stored, _ := srv.File(f.ID); string(stored.Content) != "from a pipe" {
		t.Errorf("stored %q, want the piped bytes", stored.Content)
	}
}

// endlessReader is a plain reader that never ends, like /dev/zero, and counts the bytes it
// hands out.
type endlessReader struct{ n atomic.Int64 }

func (r *endlessReader) Read(p []byte) (int, error) {
	clear(p)
	r.n.Add(int64(len(p)))
	return len(p), nil
}

// wholeBodies is a server that answers 200 with a file_response for every upload whose body
// it received whole, and counts those bodies.
func wholeBodies(t *testing.T) (*writer.Client, *atomic.Int64) {
	t.Helper()
	var whole atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			return
		}
		whole.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f","name":"a.txt","status":"in_progress","created_at":"2026-01-01T00:00:00Z","graph_ids":[]}`)
	}))
	t.Cleanup(srv.Close)
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey("test-key"), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	return client, &whole
}

// TestUploadStreamLongerThanSizeFails: a body that cannot be measured and holds more than
// Size is refused before its last byte is sent (no server sees a whole request), and it is
// read at most one byte past Size, so that an endless body is not read on after Upload.
func TestUploadStreamLongerThanSizeFails(t *testing.T) {
	for _, size := range []int64{100, 100 << 10} { // shorter and longer than the 512 bytes sniffed
		client, whole := wholeBodies(t)
		body := &endlessReader{}
		_, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "zero", Body: body, Size: size})
		var ie *writer.InputError
		if !errors.As(err, &ie) || ie.Field != "UploadParams.Size" {
			t.Fatalf("Upload of an endless body with Size %d = %v, want an *InputError for UploadParams.Size", size, err)
		}
		if n := whole.Load(); n != 0 {
			t.Errorf("Size %d: the server received %d whole bodies, want none", size, n)
		}
		if n := body.n.Load(); n > size+1 {
			t.Errorf("Size %d: Body was read for %d bytes, want at most Size+1", size, n)
		}
	}
}

func TestUploadStreamShorterThanSizeFails(t *testing.T) {
	client, whole := wholeBodies(t)
	body := io.LimitReader(strings.NewReader("abc"), 3)
	_, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "a.txt", Body: body, Size: 10})
	var ie *writer.InputError
	if !errors.As(err, &ie) || ie.Field != "UploadParams.Size" {
		t.Fatalf("Upload of 3 bytes with Size 10 = %v, want an *InputError for UploadParams.Size", err)
	}
	if n := whole.Load(); n != 0 {
		t.Errorf("the server received %d whole bodies, want none", n)
	}
}

func TestUploadStreamOfExactlySizeSucceeds(t *testing.T) {
	client, whole := wholeBodies(t)
	for _, body := range []io.Reader{io.LimitReader(strings.NewReader("abc"), 3), io.MultiReader(strings.NewReader("a"), strings.NewReader("bc"))} {
		if _, err := client.Files.Upload(context.Background(), writer.UploadParams{Name: "a", Body: body, Size: 3}); err != nil {
			t.Fatalf("Upload of 3 bytes with Size 3: %v", err)
		}
	}
	if n := whole.Load(); n != 2 {
		t.Errorf("the server received %d whole bodies, want 2", n)
	}
}
