package writer

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestRedirectKeepsKeyOnAPIHost: a redirect to the API's scheme and host keeps the
// Authorization header; one to any other loses it, and the request that was redirected is
// not changed.
func TestRedirectKeepsKeyOnAPIHost(t *testing.T) {
	for _, tc := range []struct {
		url      string
		wantAuth string
	}{
		{"https://api.writer.com/v1/files/retry", "Bearer k"},
		{"https://API.writer.com:443/v1/files/retry", "Bearer k"},
		{"https://other.example/v1/files/retry", ""},
		{"https://api.writer.com:8443/v1/files/retry", ""},
		{"http://api.writer.com/v1/files/retry", ""},
	} {
		key := newAPIKey(&url.URL{Scheme: "https", Host: "api.writer.com"}, "k", nil)
		first, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "https://api.writer.com/v1/files/retry", http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		first.Header.Set("Content-Type", "application/json")
		key.authenticate(first)
		before := first.Header.Clone()
		// What net/http does for a redirect: a new request with the first one's header.
		next, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tc.url, http.NoBody)
		if err != nil {
			t.Fatal(err)
		}
		next.Header = first.Header.Clone()

		if err := key.redirectPolicy(nil)(next, []*http.Request{first}); err != nil {
			t.Fatal(err)
		}
		sent := next.Header
		if got := sent.Get("Authorization"); got != tc.wantAuth {
			t.Errorf("%s: Authorization sent = %q, want %q", tc.url, got, tc.wantAuth)
		}
		if got := sent.Get("User-Agent"); got != userAgent {
			t.Errorf("%s: User-Agent sent = %q, want %q", tc.url, got, userAgent)
		}
		if got := sent.Get("Content-Type"); got != "application/json" {
			t.Errorf("%s: Content-Type sent = %q, want application/json", tc.url, got)
		}
		if !maps.EqualFunc(first.Header, before, slices.Equal) {
			t.Errorf("%s: the redirected request's header changed to %v, was %v", tc.url, first.Header, before)
		}
	}
}

// TestRedirectPolicyKeepsTheCallersAndStopsLoops: the caller's CheckRedirect still runs, and
// the eleventh redirect of an attempt fails with errTooManyRedirects.
func TestRedirectPolicyKeepsTheCallersAndStopsLoops(t *testing.T) {
	key := newAPIKey(&url.URL{Scheme: "https", Host: "api.writer.com"}, "k", nil)
	mine := errors.New("mine")
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.writer.com/", nil)
	if err := key.redirectPolicy(func(*http.Request, []*http.Request) error { return mine })(req, []*http.Request{req}); !errors.Is(err, mine) {
		t.Errorf("with the caller's policy: %v, want its error", err)
	}
	if err := key.redirectPolicy(nil)(req, make([]*http.Request, maxRedirects)); !errors.Is(err, errTooManyRedirects) {
		t.Errorf("after %d redirects: %v, want errTooManyRedirects", maxRedirects, err)
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

func TestRedactBodyCutsAKeyCutByTheCap(t *testing.T) {
	key := newAPIKey(&url.URL{Scheme: "https", Host: "api.writer.com"}, "sk-secret", nil)
	filler := strings.Repeat(" ", maxErrorBody-4)
	for _, tt := range []struct{ body, want string }{
		{filler + "sk-s", filler},
		{filler + "x sk", filler + "x "},
		{filler + "abcd", filler + "abcd"},
		{"short sk-s", "short sk-s"}, // not cut: kept as sent
		{"a sk-secret b", "a [redacted] b"},
	} {
		if got := string(key.redactBody([]byte(tt.body))); got != tt.want {
			t.Errorf("redactBody(...%q) = ...%q, want ...%q", tt.body[max(len(tt.body)-12, 0):], got[max(len(got)-12, 0):], tt.want[max(len(tt.want)-12, 0):])
		}
	}
}
