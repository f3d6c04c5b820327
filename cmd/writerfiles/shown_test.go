package main

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShown(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"meeting notes été.txt", "meeting notes été.txt"},
		{"日本語.docx", "日本語.docx"},
		{"C:\\files\\a.pdf", "C:\\files\\a.pdf"},
		{"", `""`},
		{`"quoted".pdf`, `"\"quoted\".pdf"`},
		{"\x1b]0;owned\x07\x1b[2J.pdf", `"\x1b]0;owned\a\x1b[2J.pdf"`},
		{"a.pdf\n9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60  failed", `"a.pdf\n9c4e5f6a-7b8c-4d9e-8fa0-1b2c3d4e5f60  failed"`},
		{"a\rb", `"a\rb"`},
		{"\u0085next line", `"\u0085next line"`},
		{"\u009b31m", `"\u009b31m"`},
		{"evil\u202Efdp.exe", `"evil\u202efdp.exe"`},
		{"\u2066isolate\u2069", `"\u2066isolate\u2069"`},
		{"line\u2028sep", `"line\u2028sep"`},
		{"tab\there", `"tab\there"`},
		{"bad\xffutf8", `"bad\xffutf8"`},
	} {
		if got := shown(tt.in); got != tt.want {
			t.Errorf("shown(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// FuzzShown: what shown returns is one line of graphic characters, and stands for s alone:
// s itself, or s quoted.
func FuzzShown(f *testing.F) {
	for _, s := range []string{"a.pdf", "", `"`, "\x1b[2J", "a\nb", "\u202e", "\xff", "\u2028", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := shown(s)
		if !utf8.ValidString(got) {
			t.Fatalf("shown(%q) = %q, not valid UTF-8", s, got)
		}
		if i := strings.IndexFunc(got, func(r rune) bool { return !strconv.IsGraphic(r) }); i >= 0 {
			t.Fatalf("shown(%q) = %q holds %U, not graphic", s, got, []rune(got[i:])[0])
		}
		if got == s {
			if s == "" || s[0] == '"' {
				t.Fatalf("shown(%q) is unquoted, and reads as a quoted string", s)
			}
			return
		}
		if back, err := strconv.Unquote(got); err != nil || back != s {
			t.Fatalf("shown(%q) = %s, which reads back as %q (%v)", s, got, back, err)
		}
	})
}
