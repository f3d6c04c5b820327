package writer_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

func TestRetryHookToldOfEachRetry(t *testing.T) {
	var events []writer.RetryEvent
	client, srv := setup(t, nil, writer.WithRetryHook(func(ev writer.RetryEvent) { events = append(events, ev) }))
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
	srv.FailNext(1, writertest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After-Ms": {"3"}}})

	if _, err := client.Files.Get(context.Background(), idA); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if len(events) != 2 {
		t.Fatalf("hook called %d times (%+v), want 2", len(events), events)
	}
	for i, want := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		ev := events[i]
		if ev.Operation != "gatewayGetFile" || ev.Attempt != i+1 || ev.StatusCode != want || ev.Err != nil ||
			ev.Method != http.MethodGet || ev.Path != "/v1/files/"+idA || ev.Wait <= 0 {
			t.Errorf("event %d = %+v, want gatewayGetFile attempt %d status %d", i, ev, i+1, want)
		}
	}
	if events[1].Wait.Milliseconds() != 3 {
		t.Errorf("wait after retry-after-ms: 3 = %s, want 3ms", events[1].Wait)
	}
}

func TestRetryHookNotCalledWithoutRetry(t *testing.T) {
	called := 0
	client, srv := setup(t, nil, writer.WithRetryHook(func(writer.RetryEvent) { called++ }), writer.WithMaxRetries(0))
	srv.FailNext(1, writertest.Fault{Status: http.StatusServiceUnavailable})
	if _, err := client.Files.Get(context.Background(), idA); !errors.Is(err, writer.ErrServer) {
		t.Fatalf("Get: %v, want ErrServer", err)
	}
	if called != 0 {
		t.Errorf("hook called %d times with retries off, want 0", called)
	}
}

func TestInputErrorNamesFieldIndexAndValue(t *testing.T) {
	client, _ := setup(t, nil)
	ids := []string{idA, "not-a-uuid"}
	err := client.Files.Retry(context.Background(), ids)
	var ie *writer.InputError
	if !errors.As(err, &ie) || !errors.Is(err, writer.ErrInvalidInput) {
		t.Fatalf("Retry with a bad id: %v, want *InputError matching ErrInvalidInput", err)
	}
	if ie.Field != "file_ids" || ie.Index != 1 || ie.Value != "not-a-uuid" || ie.Reason == "" {
		t.Errorf("InputError = %+v, want file_ids[1] not-a-uuid with a reason", ie)
	}
	if got := err.Error(); !strings.Contains(got, `file_ids[1] "not-a-uuid"`) {
		t.Errorf("Error() = %q, want it to name file_ids[1] and the value", got)
	}

	_, err = writer.NewClient(writer.WithAPIKey("k"), writer.WithMaxRetries(-1))
	if !errors.As(err, &ie) || ie.Field != "WithMaxRetries" || ie.Index != -1 {
		t.Errorf("NewClient(WithMaxRetries(-1)): %v, want *InputError naming WithMaxRetries", err)
	}
}

// TestRequestsPerMinutePacesRunsThatSetNone: a run takes the client's pace. At 1 request per minute, the retry request after the first list page is due
// after a 5 s deadline, so the run stops before sending it; turned off, the same run ends.
func TestRequestsPerMinutePacesRunsThatSetNone(t *testing.T) {
	for _, tt := range []struct {
		name     string
		pace     int
		opts     *writer.RetryFailedOptions
		wantSent bool
	}{
		{"client at 1/min", 1, nil, false},
		{"client off", writer.NoRateLimit, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client, srv := setup(t, nil, writer.WithRequestsPerMinute(tt.pace))
			seedFailed(srv)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			rep, err := client.Files.RetryFailed(ctx, tt.opts)
			if sent := rep.Batches > 0; sent != tt.wantSent || (err == nil) != tt.wantSent {
				t.Errorf("RetryFailed = %+v, %v; want a retry request sent: %v", rep, err, tt.wantSent)
			}
			if !tt.wantSent && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want context.DeadlineExceeded", err)
			}
		})
	}
	_, err := writer.NewClient(writer.WithAPIKey("k"), writer.WithRequestsPerMinute(-2))
	var in *writer.InputError
	if !errors.As(err, &in) || in.Field != "WithRequestsPerMinute" {
		t.Errorf("WithRequestsPerMinute(-2): %v, want an InputError naming it", err)
	}
}
