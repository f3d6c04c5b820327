package writer_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// captureStderr runs fn with os.Stderr, the log package and slog's default logger writing
// to a buffer, and returns what was written.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(&buf, r)
		close(copied)
	}()
	stderr, logOut, defaultLogger := os.Stderr, log.Writer(), slog.Default()
	os.Stderr = w
	log.SetOutput(w)
	slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer func() {
		os.Stderr = stderr
		slog.SetDefault(defaultLogger)
		log.SetOutput(logOut)
	}()
	fn()
	w.Close()
	<-copied
	r.Close()
	return buf.String()
}

// faultyCalls makes one Retry call that takes three attempts (two 503s echoing the key).
func faultyCalls(t *testing.T, client *writer.Client, srv *writertest.Server) {
	t.Helper()
	seedFailed(srv)
	srv.FailNext(2, writertest.Fault{Status: http.StatusServiceUnavailable,
		Header: http.Header{"Retry-After-Ms": {"1"}, "X-Request-Id": {secretKey}}, Body: "body-marker " + secretKey})
	if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
		t.Fatalf("Retry = %v", err)
	}
}

func TestLogOneDebugRecordPerAttempt(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, srv := setup(t, []writertest.Option{writertest.WithAPIKey(secretKey)}, writer.WithAPIKey(secretKey), writer.WithLogger(logger))
	faultyCalls(t, client, srv)

	out := buf.String()
	for _, leak := range []string{secretKey, "body-marker", "Bearer", "writer-go/"} {
		if strings.Contains(out, leak) {
			t.Errorf("log shows %q:\n%s", leak, out)
		}
	}
	type record struct {
		Level, Msg, Method, Path string
		Status, Attempt          int
		Retry                    bool
		Wait, Duration           *time.Duration
	}
	var got []record
	for line := range strings.Lines(out) {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		got = append(got, r)
	}
	if len(got) != 3 {
		t.Fatalf("got %d log records, want 3 (one per attempt):\n%s", len(got), out)
	}
	for i, r := range got {
		wantStatus, wantWait := http.StatusServiceUnavailable, time.Millisecond
		if i == 2 {
			wantStatus, wantWait = http.StatusOK, 0
		}
		if r.Level != "DEBUG" || r.Method != http.MethodPost || r.Path != "/v1/files/retry" || r.Status != wantStatus ||
			r.Attempt != i+1 || r.Retry != (i < 2) || r.Wait == nil || *r.Wait != wantWait || r.Duration == nil || *r.Duration <= 0 {
			t.Errorf("record %d = %+v, want DEBUG POST /v1/files/retry status %d attempt %d wait %v and a duration", i, r, wantStatus, i+1, wantWait)
		}
	}
}

func TestLogSilentByDefault(t *testing.T) {
	t.Setenv("WRITER_LOG", "")
	out := captureStderr(t, func() {
		client, srv := setup(t, nil)
		faultyCalls(t, client, srv)
	})
	if out != "" {
		t.Errorf("a client without a logger wrote to stderr or the default loggers:\n%s", out)
	}
}

func TestLogDebugFromEnvironment(t *testing.T) {
	t.Setenv("WRITER_LOG", "debug")
	out := captureStderr(t, func() {
		client, srv := setup(t, []writertest.Option{writertest.WithAPIKey(secretKey)}, writer.WithAPIKey(secretKey))
		faultyCalls(t, client, srv)
	})
	if n := strings.Count(out, "writer: http attempt"); n != 3 {
		t.Errorf("WRITER_LOG=debug wrote %d attempt records to stderr, want 3:\n%s", n, out)
	}
	if !strings.Contains(out, "attempt=3") || strings.Contains(out, secretKey) || strings.Contains(out, "body-marker") {
		t.Errorf("stderr log = %q, want attempt records without the key or bodies", out)
	}
}

func TestLogNothingAboveDebug(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	client, srv := setup(t, nil, writer.WithLogger(logger))
	faultyCalls(t, client, srv)
	if buf.Len() != 0 {
		t.Errorf("an Info logger got records: %s", buf.String())
	}
}
