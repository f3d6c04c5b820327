package writer

import (
	"net"
	"net/http"
	"runtime"
	"time"
)

// Version is this library's version, sent in the User-Agent header.
const Version = "0.1.0"

// userAgent is sent on every request: writer-go/<version> (<GOOS>; <GOARCH>) go/<version>.
var userAgent = "writer-go/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ") go/" + runtime.Version()

// authTransport is the RoundTripper that identifies the client: it sets User-Agent on every
// request and "Authorization: Bearer <key>" only on requests to the configured API scheme and
// host, so a redirect to another host never carries the key.
type authTransport struct {
	base   http.RoundTripper
	scheme string
	host   string // host[:port] of the base URL
	bearer string // "Bearer <key>"
}

// RoundTrip sends a copy of req with the headers set, as the RoundTripper contract asks: req
// is never modified. The copy is shallow (req.WithContext) with a header map of its own,
// which costs a fraction of req.Clone's deep copy; the value slices it shares with req are
// only read.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.WithContext(req.Context())
	r.Header = make(http.Header, len(req.Header)+2)
	for k, v := range req.Header {
		if k != "Authorization" && k != "User-Agent" {
			r.Header[k] = v
		}
	}
	values := []string{userAgent, t.bearer} // one allocation for both headers
	r.Header["User-Agent"] = values[0:1:1]
	if req.URL.Scheme == t.scheme && req.URL.Host == t.host {
		r.Header["Authorization"] = values[1:2:2]
	}
	return t.base.RoundTrip(r)
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
