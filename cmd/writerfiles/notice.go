package main

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/writerfiles/writer-go/writer"
)

// noticeWait is the shortest wait before a retry that the command announces: shorter ones
// pass unnoticed, a longer one (a server's Retry-After can ask for up to a minute) would
// otherwise look like a hang.
const noticeWait = 2 * time.Second

// maxNoticeText bounds, in bytes, each piece of a notice that comes from outside the
// command (a transport error can quote what a server sent).
const maxNoticeText = 200

// waitNotice returns the client's retry hook (writer.WithRetryHook) in the command: it prints
// one line to w when the client is about to wait noticeWait or more before retrying, with
// the number of the attempt it will make then.
func waitNotice(w io.Writer) func(writer.RetryEvent) {
	return func(ev writer.RetryEvent) {
		if ev.Wait < noticeWait {
			return
		}
		why := fmt.Sprintf("status %d", ev.StatusCode)
		if ev.StatusCode == 0 && ev.Err != nil {
			why = ev.Err.Error() // the library has taken the API key out
		}
		fmt.Fprintf(w, "writerfiles: %s %s: %s; retrying in %s (attempt %d)\n", oneLine(ev.Method, 16),
			oneLine(ev.Path, maxNoticeText), oneLine(why, maxNoticeText), ev.Wait.Round(time.Second), ev.Attempt+1)
	}
}

// oneLine makes s safe to print on one line of a terminal, as the library does with the
// text of its errors: invalid UTF-8 and characters that are not graphic (newlines, escape
// sequences) become harmless, and s is cut at maxBytes, marked with "...".
func oneLine(s string, maxBytes int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	cut := len(s) > maxBytes
	if cut {
		i := maxBytes
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if !unicode.IsGraphic(r) {
			return ' '
		}
		return r
	}, s)
	if cut {
		s += "..."
	}
	return s
}
