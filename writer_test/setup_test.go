package writer_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// fastRetries keeps retry waits short in tests that do not control the clock.
var fastRetries = writer.WithRetryPolicy(writer.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})

// setup starts a fake server and returns a client for it whose every request and response
// is validated against openapi.yaml. opts are applied after the test defaults.
func setup(t *testing.T, srvOpts []writertest.Option, opts ...writer.Option) (*writer.Client, *writertest.Server) {
	t.Helper()
	srv := writertest.NewServer(t, srvOpts...)
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	hc := &http.Client{Transport: newSpecTransport(t, srv.URL, transport)}
	all := append([]writer.Option{
		writer.WithBaseURL(srv.URL),
		writer.WithAPIKey(srv.APIKey),
		writer.WithHTTPClient(hc),
		fastRetries,
		writer.WithRequestsPerMinute(writer.NoRateLimit),
	}, opts...)
	client, err := writer.NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return client, srv
}
