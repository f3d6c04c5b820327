package main

import (
	"fmt"
	"io"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// noticeWait is the shortest wait before a retry that the command announces: shorter ones
// pass unnoticed, a longer one (a server's Retry-After can ask for up to a minute) would
// otherwise look like a hang.
const noticeWait = 2 * time.Second

// waitNotice returns the client's retry hook (writer.WithRetryHook) in the command: it prints
// one line to w when the client is about to wait noticeWait or more before retrying.
func waitNotice(w io.Writer) func(writer.RetryEvent) {
	return func(ev writer.RetryEvent) {
		if ev.Wait < noticeWait {
			return
		}
		why := fmt.Sprintf("status %d", ev.StatusCode)
		if ev.StatusCode == 0 && ev.Err != nil {
			why = ev.Err.Error()
		}
		fmt.Fprintf(w, "writerfiles: %s %s: %s; retrying in %s\n", ev.Method, ev.Path, why, ev.Wait.Round(time.Second))
	}
}
