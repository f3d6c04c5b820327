package writer

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
)

// recordingTransport keeps the request it was given and answers 204.
type recordingTransport struct{ got *http.Request }

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.got = req
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: req}, nil
}

// TestAuthTransportKeepsKeyOnAPIHost: a request for the API's scheme and host goes on as it
// is; any other loses Authorization, on a copy, the caller's request unchanged.
func TestAuthTransportKeepsKeyOnAPIHost(t *testing.T) {
	for _, tc := range []struct {
		url      string
		wantAuth string
	}{
		{"https://api.writer.com/v1/files/retry", "Bearer k"},
		{"https://other.example/v1/files/retry", ""},
		{"https://api.writer.com:8443/v1/files/retry", ""},
		{"http://api.writer.com/v1/files/retry", ""},
	} {
		base := &recordingTransport{}
		tr := newAuthTransport(base, &url.URL{Scheme: "https", Host: "api.writer.com"}, "k")
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tc.url, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if err := tr.identify(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		before := req.Header.Clone()

		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
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
	}
}

// TestKeyNotFollowingRedirect: a redirect from the API to another host (here another port,
// whose host name net/http would trust with the header) reaches it without the key.
func TestKeyNotFollowingRedirect(t *testing.T) {
	var otherAuth, otherUA string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth, otherUA = r.Header.Get("Authorization"), r.Header.Get("User-Agent")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"success":true}`))
	}))
	defer other.Close()
	var apiAuth string
	apiSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apiAuth = r.Header.Get("Authorization")
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer apiSrv.Close()

	c, err := NewClient(WithBaseURL(apiSrv.URL), WithAPIKey("secret-key"), WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Files.Retry(context.Background(), []string{"3c90c3cc-0d44-4b50-8888-8dd25736052a"}); err != nil {
		t.Fatalf("Retry through a redirect: %v", err)
	}
	if apiAuth != "Bearer secret-key" {
		t.Errorf("Authorization at the API = %q, want the bearer key", apiAuth)
	}
	if otherAuth != "" {
		t.Errorf("Authorization at the other host = %q, want none", otherAuth)
	}
	if otherUA != userAgent {
		t.Errorf("User-Agent at the other host = %q, want %q", otherUA, userAgent)
	}
}
