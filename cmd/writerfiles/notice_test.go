package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/writerfiles/writer-go/writer"
)

// retrying is the event the library gives the hook before a retry of GET /v1/files/abc.
func retrying(status int, wait time.Duration, err error) writer.RetryEvent {
	return writer.RetryEvent{Operation: "gatewayGetFile", Method: "GET", Path: "/v1/files/abc", Attempt: 1, Wait: wait, StatusCode: status, Err: err}
}

// TestWaitNoticesAnnounceLongWaitsOnly: a wait of noticeWait or more before a retry is told,
// and the slower pace after the first 429.
func TestWaitNoticesAnnounceLongWaitsOnly(t *testing.T) {
	var out bytes.Buffer
	notice := waitNotice(&out)
	notice(retrying(503, 700*time.Millisecond, nil))
	if out.Len() != 0 {
		t.Errorf("a short wait printed %q, want nothing", out.String())
	}
	notice(retrying(429, time.Second, nil)) // short, but the pace slows: told once
	notice(retrying(429, 30*time.Second, nil))
	notice(retrying(0, 4*time.Second, errors.New("dial tcp 127.0.0.1:1: connection refused")))
	want := slowerPace +
		"writerfiles: GET /v1/files/abc: status 429; retrying in 30s (attempt 2)\n" +
		"writerfiles: GET /v1/files/abc: dial tcp 127.0.0.1:1: connection refused; retrying in 4s (attempt 2)\n"
	if got := out.String(); got != want {
		t.Errorf("notices = %q, want %q", got, want)
	}
}

// TestWaitNoticeKeepsServerTextOnOneLine: text from outside the command (a transport error
// can quote a server's bytes) cannot break the line, move the cursor or run on.
func TestWaitNoticeKeepsServerTextOnOneLine(t *testing.T) {
	var out bytes.Buffer
	err := errors.New("malformed HTTP response \"HTTP/1.1 200\r\nX: \x1b[2J\xff" + strings.Repeat("x", 1000) + "\"")
	waitNotice(&out)(retrying(0, 2*time.Second, err))
	line := out.String()
	if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "; retrying in 2s (attempt 2)\n") {
		t.Fatalf("notice = %q, want one line ending with the wait", line)
	}
	if strings.ContainsAny(strings.TrimSuffix(line, "\n"), "\r\n\x1b") || !utf8.ValidString(line) || len(line) > 2*maxNoticeText+100 {
		t.Errorf("notice = %q; want printable, valid UTF-8, bounded", line)
	}
}
