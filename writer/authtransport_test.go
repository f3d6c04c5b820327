package writer

import (
	"maps"
	"net/http"
	"slices"
	"testing"
)

// recordingTransport keeps the request it was given and answers 204.
type recordingTransport struct{ got *http.Request }

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.got = req
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
}

// TestAuthTransportSetsHeadersOnACopy: the key goes only to the API's scheme and host, the
// User-Agent always, other headers pass through, and the caller's request is not modified.
func TestAuthTransportSetsHeadersOnACopy(t *testing.T) {
	for _, tc := range []struct {
		url      string
		wantAuth string
	}{
		{"https://api.writer.com/v1/files/retry", "Bearer k"},
		{"https://other.example/v1/files/retry", ""},
		{"http://api.writer.com/v1/files/retry", ""},
	} {
		base := &recordingTransport{}
		tr := &authTransport{base: base, scheme: "https", host: "api.writer.com", bearer: "Bearer k"}
		req, err := http.NewRequest(http.MethodPost, tc.url, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer caller")
		req.Header.Set("User-Agent", "caller")
		before := req.Header.Clone()

		if _, err := tr.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		sent := base.got.Header
		if got := sent.Get("Authorization"); got != tc.wantAuth {
			t.Errorf("%s: Authorization sent = %q, want %q", tc.url, got, tc.wantAuth)
		}
		if got := sent.Get("User-Agent"); got != userAgent {
			t.Errorf("%s: User-Agent sent = %q, want %q", tc.url, got, userAgent)
		}
		if got := sent.Get("Content-Type"); got != "application/json" {
			t.Errorf("%s: Content-Type sent = %q, want application/json", tc.url, got)
		}
		if !maps.EqualFunc(req.Header, before, slices.Equal) {
			t.Errorf("%s: caller's header changed to %v, was %v", tc.url, req.Header, before)
		}
		if base.got == req {
			t.Errorf("%s: the caller's request itself was sent, not a copy", tc.url)
		}
	}
}
