package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// logAttempt logs an attempt's record as the library does (writer/retry.go, retryDoer.log).
func logAttempt(h slog.Handler, status int, retry bool, wait time.Duration, errText string) {
	attrs := []slog.Attr{
		slog.String("method", "GET"), slog.String("path", "/v1/files/abc"), slog.Int("status", status),
		slog.Int("attempt", 1), slog.Bool("retry", retry), slog.Duration("wait", wait), slog.Duration("duration", time.Millisecond),
	}
	if errText != "" {
		attrs = append(attrs, slog.String("error", errText))
	}
	slog.New(h).LogAttrs(context.Background(), slog.LevelDebug, "writer: http attempt", attrs...)
}

func TestWaitNoticesAnnounceLongWaitsOnly(t *testing.T) {
	t.Setenv("WRITER_LOG", "")
	var out bytes.Buffer
	h := newWaitNotices(&out)
	logAttempt(h, 200, false, 0, "")
	logAttempt(h, 503, true, 700*time.Millisecond, "")
	logAttempt(h, 429, false, 0, "")
	if out.Len() != 0 {
		t.Errorf("short or no waits printed %q, want nothing", out.String())
	}
	logAttempt(h, 429, true, 30*time.Second, "")
	logAttempt(h, 0, true, 4*time.Second, "dial tcp 127.0.0.1:1: connection refused")
	want := "writerfiles: GET /v1/files/abc: status 429; retrying in 30s\n" +
		"writerfiles: GET /v1/files/abc: dial tcp 127.0.0.1:1: connection refused; retrying in 4s\n"
	if got := out.String(); got != want {
		t.Errorf("notices = %q, want %q", got, want)
	}
}

func TestWaitNoticesForwardDebugLogs(t *testing.T) {
	t.Setenv("WRITER_LOG", "debug")
	var out bytes.Buffer
	logAttempt(newWaitNotices(&out), 200, false, 0, "")
	if got := out.String(); !strings.Contains(got, "writer: http attempt") || !strings.Contains(got, "status=200") {
		t.Errorf("with WRITER_LOG=debug: output %q, want the attempt's record", got)
	}
}
