package writer

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// userAgent is sent on every request: writer-go/<version> (<GOOS>; <GOARCH>) go/<version>.
var userAgent = "writer-go/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ") go/" + runtime.Version()

// authTransport identifies the client and keeps its key on the API's host. Its identify
// method, an api.RequestEditorFn, sets User-Agent and "Authorization: Bearer <key>" on each
// request the generated client builds: a new request of ours, so it is set in place, where a
// RoundTripper would have to copy the request and its header map on every call. As the
// RoundTripper, it sends a request for any other scheme or host (a redirect) without
// Authorization, so the key never leaves the API.
type authTransport struct {
	base    http.RoundTripper
	scheme  string
	host    string // canonical host:port of the base URL
	rawHost string // the base URL's host as given: the common case, compared first
	// key returns the API key, bearer "Bearer <key>". They are closures, not string fields,
	// so that no printing of any value, not even one that walks unexported fields, can show
	// the key.
	key, bearer func() string
}

func newAuthTransport(base http.RoundTripper, baseURL *url.URL, key string) *authTransport {
	bearer := "Bearer " + key
	return &authTransport{base: base, scheme: baseURL.Scheme, host: canonicalHost(baseURL), rawHost: baseURL.Host,
		key: func() string { return key }, bearer: func() string { return bearer }}
}

// identify sets the identifying headers on a request that package api just built.
func (t *authTransport) identify(_ context.Context, req *http.Request) error {
	values := []string{userAgent, t.bearer()} // one allocation for both
	req.Header["User-Agent"] = values[0:1:1]
	req.Header["Authorization"] = values[1:2:2]
	return nil
}

// RoundTrip passes a request for the API's scheme and host on as it is. Any other request that
// carries Authorization is sent as a copy without it: req is never modified, as the
// RoundTripper contract asks.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	onAPI := req.URL.Scheme == t.scheme && (req.URL.Host == t.rawHost || canonicalHost(req.URL) == t.host)
	if onAPI || req.Header.Get("Authorization") == "" {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Del("Authorization")
	return t.base.RoundTrip(r)
}

// redact replaces every copy of the API key in s by "[redacted]", for text a server sent
// back. When the replacement forms the key again (an odd key such as "]x"), it returns "".
// It is safe on a nil *authTransport (no key known), which returns s.
func (t *authTransport) redact(s string) string {
	if t == nil {
		return s
	}
	key := t.key()
	if key == "" || !strings.Contains(s, key) {
		return s
	}
	if s = strings.ReplaceAll(s, key, "[redacted]"); strings.Contains(s, key) {
		return ""
	}
	return s
}

// canonicalHost is u's host in lower case with its port, the scheme's default when absent.
func canonicalHost(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// maxConnsPerHost caps the default transport's connections to one host. Writer allows 400
// requests per minute per account: more simultaneous requests would only meet 429s.
const maxConnsPerHost = 32

// newTransport returns the transport used when the caller gives no *http.Client: Go's
// defaults, with at most maxConnsPerHost connections per host, all of which stay idle between
// calls (Go keeps only 2 idle connections per host, which forces new TCP and TLS handshakes
// under load). Without the cap, a call that waits for a dial but is handed a released
// connection leaves its dial to add one more: 32 concurrent calls opened up to 61.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxConnsPerHost:       maxConnsPerHost,
		MaxIdleConnsPerHost:   maxConnsPerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}
