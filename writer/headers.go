package writer

import (
	"fmt"
	"net/http"
	"strings"
)

// envCustomHeaders holds headers added to every request, one "Name: value" a line, as
// Writer's Python SDK reads it.
const envCustomHeaders = "WRITER_CUSTOM_HEADERS"

// ownHeaders are the headers the client sets itself (or the transport sets from the
// request), which WithHeader and WRITER_CUSTOM_HEADERS cannot set.
var ownHeaders = map[string]bool{
	"Authorization": true, "User-Agent": true, "Host": true,
	"Content-Type": true, "Content-Length": true, "Content-Disposition": true, "Transfer-Encoding": true,
	"Accept": true, "Accept-Encoding": true, "Expect": true,
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Te": true, "Trailer": true, "Upgrade": true,
}

// WithHeader adds the header "name: value" to every request the Client sends, as the
// default headers of Writer's SDKs do: for a gateway in front of the API, or a tracing or
// tenant header. A later WithHeader of the same name (in any case) replaces the value, as
// it replaces one from WRITER_CUSTOM_HEADERS, which NewClient reads first.
//
// name must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~) and value must hold no
// control character but tab; the headers the client sets itself cannot be given:
// Authorization, User-Agent, Host, Content-Type, Content-Length, Content-Disposition,
// Transfer-Encoding, Accept, Accept-Encoding, Expect and the hop-by-hop headers
// (Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade). Each refusal is an
// *InputError naming the header, never its value. Like the API key, the headers go only to
// the base URL's scheme, host and port: a redirect anywhere else carries none of them.
// Their values never appear in errors or logs.
//
// WRITER_CUSTOM_HEADERS holds one "Name: value" a line, split at the first colon, with the
// spaces around name and value trimmed, as Writer's Python SDK reads it; blank lines are
// skipped, and a line without a colon is an *InputError (Index: the line, from 0).
func WithHeader(name, value string) Option {
	return option(func(c *config) error {
		if err := checkHeader("WithHeader", -1, name, value); err != nil {
			return err
		}
		if c.headers == nil {
			c.headers = http.Header{}
		}
		c.headers.Set(name, value)
		return nil
	})
}

// parseCustomHeaders reads the headers of WRITER_CUSTOM_HEADERS (see WithHeader); nil when
// it holds none.
func parseCustomHeaders(env string) (http.Header, error) {
	var h http.Header
	for i, line := range strings.Split(env, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, inputErr(envCustomHeaders, i, "", `is not a "Name: value" line`)
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if err := checkHeader(envCustomHeaders, i, name, value); err != nil {
			return nil, err
		}
		if h == nil {
			h = http.Header{}
		}
		h.Set(name, value)
	}
	return h, nil
}

// checkHeader refuses a header name that is not a token or that the client sets itself, and
// a value that net/http would refuse to send (a control character other than tab). The
// errors show the name, never the value.
func checkHeader(field string, index int, name, value string) error {
	if name == "" {
		return inputErr(field, index, "", "has an empty header name")
	}
	for i := range len(name) {
		if !isTokenChar(name[i]) {
			return inputErr(field, index, name, fmt.Sprintf("is not a header name: byte %d is not a letter, digit or one of !#$%%&'*+-.^_`|~", i))
		}
	}
	if ownHeaders[http.CanonicalHeaderKey(name)] {
		return inputErr(field, index, name, "is a header the client sets itself")
	}
	for i := range len(value) {
		if b := value[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return inputErr(field, index, name, fmt.Sprintf("has a value with a control character at byte %d", i))
		}
	}
	return nil
}

// isTokenChar reports whether c may appear in an HTTP token (RFC 9110, section 5.6.2).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
