package main

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// retrying is the event the library gives the hook before a retry of GET /v1/files/abc.
func retrying(status int, wait time.Duration, err error) writer.RetryEvent {
	return writer.RetryEvent{Operation: "gatewayGetFile", Method: "GET", Path: "/v1/files/abc", Attempt: 1, Wait: wait, StatusCode: status, Err: err}
}

func TestWaitNoticesAnnounceLongWaitsOnly(t *testing.T) {
	var out bytes.Buffer
	notice := waitNotice(&out)
	notice(retrying(503, 700*time.Millisecond, nil))
	notice(retrying(429, time.Second, nil))
	if out.Len() != 0 {
		t.Errorf("short waits printed %q, want nothing", out.String())
	}
	notice(retrying(429, 30*time.Second, nil))
	notice(retrying(0, 4*time.Second, errors.New("dial tcp 127.0.0.1:1: connection refused")))
	want := "writerfiles: GET /v1/files/abc: status 429; retrying in 30s\n" +
		"writerfiles: GET /v1/files/abc: dial tcp 127.0.0.1:1: connection refused; retrying in 4s\n"
	if got := out.String(); got != want {
		t.Errorf("notices = %q, want %q", got, want)
	}
}
