package writer

import (
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// Version is this library's version, sent in the User-Agent header.
const Version = "0.1.0"

// userAgent is sent on every request: writer-go/<version> (<GOOS>; <GOARCH>) go/<version>.
var userAgent = "writer-go/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ") go/" + runtime.Version()

// authTransport is the RoundTripper that identifies the client: it sets User-Agent on every
// request and "Authorization: Bearer <key>" only on requests to the configured API scheme and
// host (port included), so a redirect to any other host never carries the key.
type authTransport struct {
	base   http.RoundTripper
	scheme string
	host   string // canonical host:port of the base URL
	// key returns the API key. It is a closure, not a string field, so that no printing of
	// any value, not even one that walks unexported fields, can show the key.
	key func() string
}

func newAuthTransport(base http.RoundTripper, baseURL *url.URL, key string) *authTransport {
	return &authTransport{base: base, scheme: baseURL.Scheme, host: canonicalHost(baseURL), key: func() string { return key }}
}

// RoundTrip clones the request before setting headers, as the RoundTripper contract asks.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", userAgent)
	if req.URL.Scheme == t.scheme && canonicalHost(req.URL) == t.host {
		r.Header.Set("Authorization", "Bearer "+t.key())
	} else {
		r.Header.Del("Authorization")
	}
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

// newTransport returns the transport used when the caller gives no *http.Client: Go's
// defaults, with an idle pool sized for concurrent use (Go keeps only 2 idle connections per
// host, which forces new TCP and TLS handshakes under load).
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   100,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: 1 * time.Second,
	}
}
