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

// rangeHeaders ask for part of a body: a download would take the partial answer (206) for
// the whole file, so WithHeader and WRITER_CUSTOM_HEADERS cannot set them.
var rangeHeaders = map[string]bool{"Range": true, "If-Range": true}

// WithHeader adds the header "name: value" to every request the Client sends, as the
// default headers of Writer's SDKs do: for a gateway in front of the API, or a tracing or
// tenant header. A later WithHeader of the same name (in any case) replaces the value, as
// it replaces one from WRITER_CUSTOM_HEADERS, which NewClient reads first.
//
// name must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~) and value must hold no
// control character but tab; the headers the client sets itself cannot be given:
// Authorization, User-Agent, Host, Content-Type, Content-Length, Content-Disposition,
// Transfer-Encoding, Accept, Accept-Encoding, Expect, the hop-by-hop headers (Connection,
// Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade), and Range and If-Range (a partial
// answer would be taken for a whole download). Each refusal is an *InputError naming the
// header, never its value. Like the API key, the headers go only to the base URL's scheme,
// host and port: a redirect anywhere else carries none of them.
//
// A value of 8 bytes or more is redacted like the API key: every copy of it in what a
// server sends back (error bodies, request ids, transport errors), in the ids of errors and
// in log records is replaced by "[redacted]". A shorter value (a region "eu", a flag "1")
// is not, so that it does not garble ordinary text: do not put a secret in one.
//
// WRITER_CUSTOM_HEADERS holds one "Name: value" a line, split at the first colon, with the
// spaces around name and value trimmed, as Writer's Python SDK reads it; blank lines are
// skipped. A bad line is an *InputError whose Index is the line, from 0, and whose Reason
// says what is wrong; it shows no part of the line, which may hold a value.
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
			return nil, inputErr(envCustomHeaders, i, "", `is not a "Name: value" line: it has no colon`)
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if b := invalidTokenByte(name); b >= 0 {
			// What precedes the colon may hold a value, as in "X-Token=secret:x": show none of it.
			return nil, inputErr(envCustomHeaders, i, "", fmt.Sprintf("has no header name before its first colon: byte %d of it is not a letter, digit or one of !#$%%&'*+-.^_`|~", b))
		}
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
	if i := invalidTokenByte(name); i >= 0 {
		return inputErr(field, index, name, fmt.Sprintf("is not a header name: byte %d is not a letter, digit or one of !#$%%&'*+-.^_`|~", i))
	}
	if ownHeaders[http.CanonicalHeaderKey(name)] {
		return inputErr(field, index, name, "is a header the client sets itself")
	}
	if rangeHeaders[http.CanonicalHeaderKey(name)] {
		return inputErr(field, index, name, "asks for part of a body, which a download would take for the whole file")
	}
	for i := range len(value) {
		if b := value[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return inputErr(field, index, name, fmt.Sprintf("has a value with a control character at byte %d", i))
		}
	}
	return nil
}

// invalidTokenByte returns the index of the first byte of s that may not appear in an HTTP
// token, or -1.
func invalidTokenByte(s string) int {
	for i := range len(s) {
		if !isTokenChar(s[i]) {
			return i
		}
	}
	return -1
}

// isTokenChar reports whether c may appear in an HTTP token (RFC 9110, section 5.6.2).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
