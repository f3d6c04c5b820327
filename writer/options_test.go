package writer

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// mask replaces every printable ASCII byte of s other than a space by 'Q': what an error
// about a key or a header value may not depend on.
func mask(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c > ' ' && c < 0x7f {
			b[i] = 'Q'
		}
	}
	return string(b)
}

// FuzzKeyAndHeaders (run by `make fuzz`): checkAPIKey accepts exactly the non-empty keys of
// printable ASCII without spaces, and its error depends only on the first refused
// character and the key's length in characters, so it can hold nothing of the key.
// checkHeader accepts only a token name that the client does not own and a value without
// control characters but tab, and its error never depends on the value's visible
// characters; parseCustomHeaders' neither, for any WRITER_CUSTOM_HEADERS.
func FuzzKeyAndHeaders(f *testing.F) {
	for _, s := range []string{
		"sk-TEST-SECRET-1234", "sk-TEST-SECRET-1234\u00a0", "\ufeffkey", "key\u2028", "k\u200bey", "kéy", "k\x00y", "k\xffy",
		"X-Tenant", "x tenant", "Authorization", "X-A: 1\nX-B: 2", "X-A 1", "X-A: a\tb\x01", ": v", "\n\n",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		err := checkAPIKey("WithAPIKey", key)
		valid := key != "" && !strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r >= 0x7f })
		if (err == nil) != valid {
			t.Fatalf("checkAPIKey(%q) = %v, want valid %v", key, err, valid)
		}
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Value != "" {
				t.Fatalf("checkAPIKey(%q) = %#v, want an *InputError without Value", key, err)
			}
			if other := checkAPIKey("WithAPIKey", mask(key)); other.Error() != err.Error() {
				t.Fatalf("checkAPIKey(%q) = %q depends on the key's characters: with them masked, %q", key, err, other)
			}
		}

		name := key
		err = checkHeader("WithHeader", -1, name, value)
		if err == nil {
			for i := range len(name) {
				if !isTokenChar(name[i]) {
					t.Fatalf("checkHeader accepted name %q with byte %d not of a token", name, i)
				}
			}
			if name == "" || ownHeaders[http.CanonicalHeaderKey(name)] || strings.ContainsFunc(value, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f }) {
				t.Fatalf("checkHeader accepted %q: %q", name, value)
			}
		} else if other := checkHeader("WithHeader", -1, name, mask(value)); other.Error() != err.Error() {
			t.Fatalf("checkHeader(%q, %q) = %q depends on the value's characters: with them masked, %q", name, value, err, other)
		}

		h, err := parseCustomHeaders(value)
		if err == nil {
			for n, vs := range h {
				if checkHeader(envCustomHeaders, -1, n, vs[0]) != nil {
					t.Fatalf("parseCustomHeaders(%q) kept %q: %q, which checkHeader refuses", value, n, vs[0])
				}
			}
		} else {
			lines := strings.Split(value, "\n")
			for i, line := range lines {
				if name, v, ok := strings.Cut(line, ":"); ok {
					lines[i] = name + ":" + mask(v)
				}
			}
			masked := strings.Join(lines, "\n")
			if _, other := parseCustomHeaders(masked); other == nil || other.Error() != err.Error() {
				t.Fatalf("parseCustomHeaders(%q) = %q depends on the values' characters: with them masked (%q), %v", value, err, masked, other)
			}
		}
	})
}
