package writer

import (
	"context"
	"net"
	"net/http"
	"runtime"
	"time"
)

// Version is this library's version, sent in the User-Agent header.
const Version = "0.1.0"

// userAgent is sent on every request: writer-go/<version> (<GOOS>; <GOARCH>) go/<version>.
var userAgent = "writer-go/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ") go/" + runtime.Version()

// authTransport identifies the client and keeps its key on the API's host. Its identify
// method, an api.RequestEditorFn, sets User-Agent and "Authorization: Bearer <key>" on each
// request the generated client builds: a new request of ours, so it is set in place, where a
// RoundTripper would have to copy the request and its header map on every call. As the
// RoundTripper, it sends a request for any other scheme or host (a redirect) without
// Authorization, so the key never leaves the API.
type authTransport struct {
	base   http.RoundTripper
	scheme string
	host   string // host[:port] of the base URL
	bearer string // "Bearer <key>"
}

// identify sets the identifying headers on a request that package api just built.
func (t *authTransport) identify(_ context.Context, req *http.Request) error {
	values := []string{userAgent, t.bearer} // one allocation for both
	req.Header["User-Agent"] = values[0:1:1]
	req.Header["Authorization"] = values[1:2:2]
	return nil
}

// RoundTrip passes a request for the API's scheme and host on as it is. Any other request that
// carries Authorization is sent as a copy without it: req is never modified, as the
// RoundTripper contract asks.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if (req.URL.Scheme == t.scheme && req.URL.Host == t.host) || req.Header.Get("Authorization") == "" {
		return t.base.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Del("Authorization")
	return t.base.RoundTrip(r)
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
