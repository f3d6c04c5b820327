package writer

import (
	"cmp"
	"errors"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"slices"
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
	// secrets returns what redact replaces: the key, and the values of the caller's headers
	// of at least minSecretHeader bytes.
	secrets func() []string
	// headers are added to every request, and removed on a redirect off the API host.
	headers http.Header
}

// minSecretHeader is the length from which the value of a caller's header (WithHeader,
// WRITER_CUSTOM_HEADERS) is redacted like the key: a shorter value (a tenant "eu", a flag
// "1") would turn ordinary text into "[redacted]", and is too short to be a credential.
const minSecretHeader = 8

func newAPIKey(baseURL *url.URL, key string, headers http.Header) *apiKey {
	bearer := "Bearer " + key
	secrets := []string{key}
	for _, values := range headers {
		for _, v := range values {
			if len(v) >= minSecretHeader && v != key {
				secrets = append(secrets, v)
			}
		}
	}
	// Longest first, so that a value holding another is replaced whole.
	slices.SortFunc(secrets, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return &apiKey{scheme: baseURL.Scheme, host: canonicalHost(baseURL), rawHost: baseURL.Host,
		key: func() string { return key }, bearer: func() string { return bearer },
		secrets: func() []string { return secrets }, headers: headers}
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

// redact replaces every copy of the API key and of the caller's long header values
// (minSecretHeader) in s by "[redacted]", for text a server sent back or a caller's
// argument. When the replacement forms one of them again (an odd key such as "]x"), it
// returns "". A nil k redacts nothing.
func (k *apiKey) redact(s string) string {
	if k == nil || !k.holdsSecret(s) {
		return s
	}
	for _, secret := range k.secrets() {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	if k.holdsSecret(s) {
		return ""
	}
	return s
}

// holdsSecret reports whether s holds the key or a long value of the caller's headers.
func (k *apiKey) holdsSecret(s string) bool {
	for _, secret := range k.secrets() {
		if secret != "" && strings.Contains(s, secret) {
			return true
		}
	}
	return false
}

// redactBody is redact for a response body of which the client kept only the first
// maxErrorBody bytes: when it was cut there, a start of a secret at its end is cut off too.
func (k *apiKey) redactBody(body []byte) []byte {
	s := k.redact(string(body))
	if len(body) < maxErrorBody || k == nil {
		return []byte(s)
	}
	cut := 0
	for _, secret := range k.secrets() {
		for n := min(len(secret)-1, len(s)); n > cut; n-- {
			if strings.HasSuffix(s, secret[:n]) {
				cut = n
				break
			}
		}
	}
	return []byte(s[:len(s)-cut])
}

// scrub returns err, or when the text of any error in its chain holds a secret, an error
// whose text is err's with the secrets redacted and whose chain holds none of the originals:
// errors.Is and Timeout() still answer as err does, errors.As finds nothing that holds one.
func (k *apiKey) scrub(err error) error {
	if err == nil || !k.inChain(err) {
		return err
	}
	return &redactedError{msg: k.redact(err.Error()), orig: err}
}

// inChain reports whether the text of err or of any error it wraps holds a secret.
func (k *apiKey) inChain(err error) bool {
	if err == nil || k == nil {
		return false
	}
	if k.holdsSecret(err.Error()) {
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
