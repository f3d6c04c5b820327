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

// Fuzz targets, run by `make fuzz` (FUZZTIME each); FuzzContentDisposition is in
// fuzz_upload_test.go.

// maxErrorLine bounds Error(): every part is cut (operation 64, type 64, key 96, description
// 300 or body excerpt 200 bytes, request id 64, cause 300), plus the words around them.
const maxErrorLine = 1200

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
		if checkAPIKey(key) != nil {
			key = "sk-TEST-SECRET-1234"
		}
		resp := &http.Response{StatusCode: status, Header: http.Header{"X-Request-Id": {string(body)}}}
		c := &Client{key: newAPIKey(&url.URL{}, key)}
		e := c.callError(&operation{id: opRetry}, 3, resp, body, nil, verdict{})
		e.RetryAfter = 1500 * time.Millisecond
		e.Err = ErrAttemptTimeout
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
		ours := &Error{Operation: e.Operation, StatusCode: status, RetryAfter: e.RetryAfter, Attempts: 3, Err: e.Err,
			Type: "-", Key: "-", Description: "-", RequestID: "-"}
		oursBody := &Error{Operation: e.Operation, StatusCode: status, RetryAfter: e.RetryAfter, Attempts: 3, Err: e.Err,
			Body: []byte("-")}
		if keyChars.MatchString(key) && !strings.Contains(ours.Error()+oursBody.Error(), key) && strings.Contains(msg, key) {
			t.Fatalf("Error() = %q shows the API key %q", msg, key)
		}
	})
}

var keyChars = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func FuzzRetryAfter(f *testing.F) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"", "0", "1", "2.5", "120", "-1", "1e3", "0x10", "NaN", "Inf", " 7 ", ".5", "5.", ".",
		"99999999999999999999999999", "Fri, 01 May 2026 12:01:30 GMT", "Friday, 01-May-26 12:01:30 GMT", "Fri May  1 12:01:30 2026"} {
		f.Add(s, s)
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, ms, after string) {
		h := http.Header{"Retry-After-Ms": {ms}, "Retry-After": {after}}
		got := retryAfter(h, now)
		if got < 0 {
			t.Fatalf("retryAfter(%q, %q) = %v, negative", ms, after, got)
		}
		if d, ok := scaled(strings.TrimSpace(ms), time.Millisecond); ok && got != d {
			t.Fatalf("retryAfter(%q, %q) = %v, want retry-after-ms's %v", ms, after, got, d)
		}
		if got != retryAfter(h, now) {
			t.Fatalf("retryAfter(%q, %q) is not deterministic", ms, after)
		}
	})
}

var canonicalUUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func FuzzIDs(f *testing.F) {
	for _, s := range []string{
		"6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
		"6F1B2C3D-4E5F-4A6B-8C7D-8E9F0A1B2C3D",
		"{6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d}",
		"urn:uuid:6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
		"6f1b2c3d4e5f4a6b8c7d8e9f0a1b2c3d",
		"6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3\n",
		"6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c/d",
		"../../v1/files/6f1b2c3d-4e5f-4a6b-8c7d",
		"6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d,6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
		"", ",", "a,,b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, ok := parseUUID(s)
		if ok != canonicalUUID.MatchString(s) {
			t.Fatalf("parseUUID(%q) ok = %v, want %v (canonical 8-4-4-4-12 hex only)", s, ok, !ok)
		}
		if ok && !strings.EqualFold(u.String(), s) {
			t.Fatalf("parseUUID(%q) = %s, a different id", s, u)
		}
		ids := strings.Split(s, ",")
		out, err := checkUUIDs("file_ids", ids)
		if err != nil {
			if len(out) != 0 || !strings.Contains(err.Error(), "file_ids") {
				t.Fatalf("checkUUIDs(%q) = %v, %v: want no ids and an error naming file_ids", ids, out, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, u := range out {
			if seen[strings.ToLower(u)] {
				t.Fatalf("checkUUIDs(%q) repeats %s", ids, u)
			}
			seen[strings.ToLower(u)] = true
		}
		for _, id := range ids {
			if !seen[strings.ToLower(id)] {
				t.Fatalf("checkUUIDs(%q) lost %q", ids, id)
			}
		}
	})
}
