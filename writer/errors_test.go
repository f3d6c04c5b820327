package writer

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxErrorLine bounds Error() of a File API operation: every part is cut (operation 64,
// graph and file ids 80 each, quoted, type 64, key 96, description 300 or body excerpt 200
// bytes, request id 64, cause 300), plus the words around them. (Client.Do's endpoint adds
// up to 200 bytes.)
const maxErrorLine = 1600

// FuzzErrorBody (run by `make fuzz`, as every Fuzz target): whatever body, status and key, an
// *Error keeps no key in its fields and prints one bounded line of graphic characters.
func FuzzErrorBody(f *testing.F) {
	f.Add([]byte(`{"tpe":"fail.notFound","errors":[{"description":"file not found","key":"fail.notFound.resource","extras":{}}],"extras":{}}`), 404, "sk-TEST-SECRET-1234")
	f.Add([]byte(`{"tpe":"fail.unauthorized","errors":[{"description":"bad token sk-TEST-SECRET-1234","key":"k"}]}`), 401, "sk-TEST-SECRET-1234")
	f.Add([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"), 502, "k")
	f.Add([]byte(`{"tpe": tru`), 500, "key")
	f.Add([]byte(`{"errors":[]}`), 429, "]x")
	f.Add([]byte("line one\r\nline two\u2028three\x00\xff"), 500, "two")
	f.Add([]byte(`{"tpe":"a\nb","errors":[{"description":"\u0085x\u2029","key":"\u0000"}]}`), 0, "xy")
	f.Add([]byte(strings.Repeat("\u200b", 400)), 503, "zz")
	f.Fuzz(func(t *testing.T, body []byte, status int, key string) {
		if checkAPIKey("key", key) != nil {
			key = "sk-TEST-SECRET-1234"
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{"X-Request-Id": {string(body)}}}
		c := &Client{key: newAPIKey(&url.URL{}, key, nil)}
		e := c.callError(&operation{id: opRetry}, 3, resp, body, nil, verdict{})
		e.RetryAfter = 1500 * time.Millisecond
		e.Err = ErrAttemptTimeout
		e.FileID, e.GraphID = strings.Repeat("\"\x1b\u202e", 40), strings.Repeat("\\\n", 60)
		for name, s := range map[string]string{"Body": string(e.Body), "Type": e.Type, "Key": e.Key, "Description": e.Description, "RequestID": e.RequestID} {
			if strings.Contains(s, key) {
				t.Fatalf("%s keeps the API key %q: %q", name, key, s)
			}
		}
		msg := e.Error()
		if !strings.HasPrefix(msg, "writer: ") || !utf8.ValidString(msg) || len(msg) > maxErrorLine {
			t.Fatalf("Error() = %q (%d bytes): want valid UTF-8 starting \"writer: \", at most %d bytes", msg, len(msg), maxErrorLine)
		}
		if i := strings.IndexFunc(msg, func(r rune) bool { return !unicode.IsGraphic(r) }); i >= 0 {
			t.Fatalf("Error() = %q has a character that is not graphic at byte %d", msg, i)
		}
		// A key of an API key's characters is never in the message unless our own words
		// (which the same error without the server's text shows) contain it.
		ours := &Error{Operation: e.Operation, FileID: e.FileID, GraphID: e.GraphID, StatusCode: status, RetryAfter: e.RetryAfter, Attempts: 3, Err: e.Err,
			Type: "-", Key: "-", Description: "-", RequestID: "-"}
		oursBody := &Error{Operation: e.Operation, FileID: e.FileID, GraphID: e.GraphID, StatusCode: status, RetryAfter: e.RetryAfter, Attempts: 3, Err: e.Err,
			Body: []byte("-")}
		if keyChars.MatchString(key) && !strings.Contains(ours.Error()+oursBody.Error(), key) && strings.Contains(msg, key) {
			t.Fatalf("Error() = %q shows the API key %q", msg, key)
		}
	})
}

var keyChars = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
