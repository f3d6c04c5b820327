package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
)

// noticeWait is the shortest wait before a retry that the command announces: shorter ones
// pass unnoticed, a longer one (a server's Retry-After can ask for up to a minute) would
// otherwise look like a hang.
const noticeWait = 2 * time.Second

// waitNotices is the client's logger in the command: it reads the library's Debug record
// of each HTTP attempt (writer.WithLogger) and prints one line to w when the client is about
// to wait noticeWait or more before retrying. With WRITER_LOG=debug, every record also goes
// to debug, as the library would log it without a logger of ours.
type waitNotices struct {
	w     io.Writer
	debug slog.Handler // nil unless WRITER_LOG=debug
}

func newWaitNotices(w io.Writer) *waitNotices {
	n := &waitNotices{w: w}
	if os.Getenv("WRITER_LOG") == "debug" {
		n.debug = slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	return n
}

func (n *waitNotices) Enabled(context.Context, slog.Level) bool { return true }

func (n *waitNotices) Handle(ctx context.Context, r slog.Record) error {
	var (
		method, path string
		status       int64
		retry        bool
		wait         time.Duration
		errText      string
	)
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "method":
			method = a.Value.String()
		case "path":
			path = a.Value.String()
		case "status":
			status = a.Value.Int64()
		case "retry":
			retry = a.Value.Bool()
		case "wait":
			wait = a.Value.Duration()
		case "error":
			errText = a.Value.String()
		}
		return true
	})
	if retry && wait >= noticeWait {
		why := fmt.Sprintf("status %d", status)
		if status == 0 {
			why = errText
		}
		fmt.Fprintf(n.w, "writerfiles: %s %s: %s; retrying in %s\n", method, path, why, wait.Round(time.Second))
	}
	if n.debug != nil {
		return n.debug.Handle(ctx, r)
	}
	return nil
}

// WithAttrs and WithGroup apply to the debug output only; the notices read the record's own
// attributes, where the library puts them.
func (n *waitNotices) WithAttrs(attrs []slog.Attr) slog.Handler {
	if n.debug == nil {
		return n
	}
	return &waitNotices{w: n.w, debug: n.debug.WithAttrs(attrs)}
}

func (n *waitNotices) WithGroup(name string) slog.Handler {
	if n.debug == nil {
		return n
	}
	return &waitNotices{w: n.w, debug: n.debug.WithGroup(name)}
}
