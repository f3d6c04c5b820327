package writertest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

func TestClientRetriesFaultsQuickly(t *testing.T) {
	srv := NewServer(t)
	srv.AddFiles(File{ID: "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f", Name: "a.pdf", Status: writer.StatusFailed})
	srv.FailNext(3, Fault{Status: http.StatusServiceUnavailable})
	f, err := srv.Client().Files.Get(t.Context(), "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f")
	if err != nil || f.Status != writer.StatusFailed {
		t.Fatalf("Get = %+v, %v; want the failed file after 3 retries", f, err)
	}
	if got := len(srv.Requests()); got != 4 {
		t.Errorf("got %d requests, want 4", got)
	}
}

func TestClientOptionsComeLast(t *testing.T) {
	srv := NewServer(t)
	srv.FailNext(1, Fault{Status: http.StatusServiceUnavailable})
	_, err := srv.Client(writer.WithMaxRetries(0)).Files.Get(t.Context(), "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f")
	if !errors.Is(err, writer.ErrServer) {
		t.Errorf("err = %v, want ErrServer without a retry", err)
	}
}

// fatalTB records Fatalf instead of ending the test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) { f.msg = fmt.Sprintf(format, args...) }

func TestClientRefusedOption(t *testing.T) {
	srv := NewServer(t)
	tb := &fatalTB{TB: t}
	srv.tb = tb
	srv.Client(writer.WithMaxRetries(-1))
	if !strings.Contains(tb.msg, "WithMaxRetries") {
		t.Errorf("Fatalf message %q, want one naming WithMaxRetries", tb.msg)
	}

	started := Start()
	defer started.Close()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "WithMaxRetries") {
			t.Errorf("recovered %v, want a panic naming WithMaxRetries", r)
		}
	}()
	started.Client(writer.WithMaxRetries(-1))
}

// TestClientRunsUnpaced: a workflow run of the Server's Client sends its requests without
// waiting for a pace. Paced at 6 per minute, the retry request is due 10 s after the list
// page, past the deadline, and the run stops before sending it.
func TestClientRunsUnpaced(t *testing.T) {
	srv := NewServer(t)
	srv.AddFiles(File{ID: "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f", Name: "a.pdf", Status: writer.StatusFailed})
	for _, tt := range []struct {
		name   string
		client *writer.Client
		want   int
	}{
		{"Client", srv.Client(), 1},
		{"paced at 6 per minute", srv.Client(writer.WithRequestsPerMinute(6)), 0},
	} {
		srv.AddFiles(File{ID: "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f", Name: "a.pdf", Status: writer.StatusFailed})
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		rep, _ := tt.client.Files.RetryFailed(ctx, nil)
		cancel()
		if rep.Batches != tt.want {
			t.Errorf("%s: %d retry requests sent within 5 s, want %d", tt.name, rep.Batches, tt.want)
		}
	}
}
