package writer_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/writerfiles/writer-go/writer"
)

// orderAsc is a RoundTripper that asks every listing for order=asc (a server that ignores
// order=desc), or with refuse, answers 400 to order=desc.
type orderAsc struct {
	next   http.RoundTripper
	refuse bool
}

func (o orderAsc) RoundTrip(req *http.Request) (*http.Response, error) {
	q := req.URL.Query()
	if q.Get("order") != "desc" {
		return o.next.RoundTrip(req)
	}
	if o.refuse {
		return &http.Response{StatusCode: http.StatusBadRequest, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"tpe":"fail.badRequest"}`)), Request: req}, nil
	}
	req = req.Clone(req.Context())
	q.Set("order", "asc")
	req.URL.RawQuery = q.Encode()
	return o.next.RoundTrip(req)
}

func TestRetryFailedListsFromBothEnds(t *testing.T) {
	// 5,000 failed files are 50 pages: 20 oldest first, then both ends at once until they
	// meet. A server that ignores or refuses order=desc costs a page more, and nothing else.
	for name, opts := range map[string][]writer.Option{
		"server keeps order":   nil,
		"server ignores order": {writer.WithHTTPClient(&http.Client{Transport: orderAsc{next: http.DefaultTransport}})},
		"server refuses order": {writer.WithHTTPClient(&http.Client{Transport: orderAsc{next: http.DefaultTransport, refuse: true}})},
	} {
		t.Run(name, func(t *testing.T) {
			client, srv := setup(t, nil, append(opts, writer.WithRequestsPerMinute(60_000))...)
			failed := seedWorkflow(srv, 5000, 500)
			rep, err := client.Files.RetryFailed(context.Background(), nil)
			if err != nil || rep.Found != 5000 || rep.Retried != 5000 || rep.Pages > 53 {
				t.Fatalf("RetryFailed = found %d retried %d in %d pages, %v; want 5000 in at most 53 pages", rep.Found, rep.Retried, rep.Pages, err)
			}
			checkRetriedOnce(t, srv, failed, 5500)
			desc := 0
			for _, q := range listQueries(t, srv) {
				if q.Get("order") == "desc" {
					desc++
				}
			}
			if want := 10; opts == nil && desc < want {
				t.Errorf("%d pages newest first, want at least %d", desc, want)
			}
		})
	}
}
