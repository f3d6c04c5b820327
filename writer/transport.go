package writer

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// userAgent is sent on every request: writer-go/<version> (<GOOS>; <GOARCH>) go/<version>.
var userAgent = "writer-go/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ") go/" + runtime.Version()

// apiKey holds the API key, the caller's headers (WithHeader) and where they may be sent.
// The key is behind closures, not in string fields, so that no printing of any value, not
// even one that walks unexported fields, can show it.
type apiKey struct {
	scheme  string
	host    string // canonical host:port of the base URL
	rawHost string // the base URL's host as given: the common case, compared first
	// key returns the API key, bearer "Bearer <key>".
	key, bearer func() string
	// headers are added to every request, and removed on a redirect off the API host.
	headers http.Header
}

func newAPIKey(baseURL *url.URL, key string) *apiKey {
	bearer := "Bearer " + key
	return &apiKey{scheme: baseURL.Scheme, host: canonicalHost(baseURL), rawHost: baseURL.Host,
		key: func() string { return key }, bearer: func() string { return bearer }}
}

// authenticate sets User-Agent, the caller's headers and Authorization on req, a request of
// the loop's own that the generated request builder just made. The caller's headers never
// name a header the client sets (checkHeader).
func (k *apiKey) authenticate(req *http.Request) {
	values := []string{userAgent, k.bearer()} // one allocation for both
	req.Header["User-Agent"] = values[0:1:1]
	req.Header["Authorization"] = values[1:2:2]
	for name, v := range k.headers {
		req.Header[name] = v[:len(v):len(v)]
	}
}

// onAPI reports whether u has the base URL's scheme, host and port: the only place the key
// is sent.
func (k *apiKey) onAPI(u *url.URL) bool {
	return u.Scheme == k.scheme && (u.Host == k.rawHost || canonicalHost(u) == k.host)
}

// redact replaces every copy of the API key in s by "[redacted]", for text a server sent
// back. When the replacement forms the key again (an odd key such as "]x"), it returns "".
func (k *apiKey) redact(s string) string {
	key := k.key()
	if key == "" || !strings.Contains(s, key) {
		return s
	}
	if s = strings.ReplaceAll(s, key, "[redacted]"); strings.Contains(s, key) {
		return ""
	}
	return s
}

// redactBody is redact for a response body of which the client kept only the first
// maxErrorBody bytes: when it was cut there, a start of the key at its end is cut off too.
func (k *apiKey) redactBody(body []byte) []byte {
	s := k.redact(string(body))
	if key := k.key(); len(body) >= maxErrorBody && key != "" {
		for n := min(len(key)-1, len(s)); n > 0; n-- {
			if strings.HasSuffix(s, key[:n]) {
				s = s[:len(s)-n]
				break
			}
		}
	}
	return []byte(s)
}

// scrub returns err, or when the text of any error in its chain holds the key, an error
// whose text is err's with the key redacted and whose chain holds none of the originals:
// errors.Is and Timeout() still answer as err does, errors.As finds nothing that holds the key.
func (k *apiKey) scrub(err error) error {
	if err == nil || !k.inChain(err) {
		return err
	}
	return &redactedError{msg: k.redact(err.Error()), orig: err}
}

// inChain reports whether the text of err or of any error it wraps holds the key.
func (k *apiKey) inChain(err error) bool {
	if err == nil {
		return false
	}
	if key := k.key(); key != "" && strings.Contains(err.Error(), key) {
		return true
	}
	switch u := err.(type) { //nolint:errorlint // walking the chain by hand, one link at a time
	case interface{ Unwrap() error }:
		return k.inChain(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if k.inChain(e) {
				return true
			}
		}
	}
	return false
}

// redactedError stands for an error whose chain held the API key. It does not unwrap: Is
// and Timeout consult the original, so sentinels such as context.DeadlineExceeded or
// ErrAttemptTimeout still match.
type redactedError struct {
	msg  string
	orig error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.orig, target) }
func (e *redactedError) Timeout() bool        { return isTimeout(e.orig) }

// isTimeout reports whether an error in err's chain reports Timeout() true.
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// maxRedirects is how many redirects one attempt follows before it fails for good.
const maxRedirects = 10

// errTooManyRedirects ends an attempt whose redirects do not end: not retried.
var errTooManyRedirects = errors.New("stopped after 10 redirects")

// redirectPolicy wraps a client's CheckRedirect (nil: Go's default): a redirect to any other
// scheme, host or port than the API's carries no Authorization header and none of the
// caller's headers, and the eleventh redirect of an attempt ends it with errTooManyRedirects.
func (k *apiKey) redirectPolicy(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return errTooManyRedirects
		}
		if !k.onAPI(req.URL) {
			req.Header.Del("Authorization")
			for name := range k.headers {
				req.Header.Del(name)
			}
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// canonicalHost is u's host in lower case with its port, the scheme's default when absent.
func canonicalHost(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// maxConnsPerHost caps the default transport's connections to one host (see docs/performance.md).
const maxConnsPerHost = 32

// maxHeaderBytes caps the response header the default transport reads (Go's default: 10 MiB).
const maxHeaderBytes = 1 << 20

// newTransport returns the transport used when the caller gives no *http.Client: Go's
// defaults, with at most maxConnsPerHost connections per host, all kept idle between calls,
// and response headers of at most maxHeaderBytes.
func newTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxConnsPerHost:        maxConnsPerHost,
		MaxIdleConnsPerHost:    maxConnsPerHost,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  1 * time.Second,
		MaxResponseHeaderBytes: maxHeaderBytes,
	}
}
