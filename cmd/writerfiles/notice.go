package main

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/writerfiles/writer-go/writer"
)

// noticeWait is the shortest wait before a retry that the command announces: shorter ones
// pass unnoticed, a longer one (a server's Retry-After can ask for up to a minute) would
// otherwise look like a hang.
const noticeWait = 2 * time.Second

// maxNoticeText bounds, in bytes, the error text of a notice (a transport error can quote
// what a server sent).
const maxNoticeText = 200

// slowerPace is the line that says, after the first 429 of a command, what the client's pace
// does next: those waits are not retries, so no hook tells of them.
const slowerPace = "writerfiles: Writer answered 429 (rate limit): the client halves its pace after each burst of 429s, " +
	"down to 6 requests per minute, and gives it back as requests succeed; the waits of that pace are not announced\n"

// waitNotice returns the client's retry hook (writer.WithRetryHook) in the command: it prints
// one line to w when the client is about to wait noticeWait or more before retrying, with
// the number of the attempt it will make then, and slowerPace at the first retry of a 429.
func waitNotice(w io.Writer) func(writer.RetryEvent) {
	var slowed sync.Once
	return func(ev writer.RetryEvent) {
		if ev.StatusCode == http.StatusTooManyRequests {
			defer slowed.Do(func() { fmt.Fprint(w, slowerPace) })
		}
		if ev.Wait < noticeWait {
			return
		}
		why := fmt.Sprintf("status %d", ev.StatusCode)
		if ev.StatusCode == 0 && ev.Err != nil {
			// The library has taken the API key out; what is left can quote a server's bytes.
			why = ev.Err.Error()
			why = shown(why[:min(len(why), maxNoticeText)])
		}
		fmt.Fprintf(w, "writerfiles: %s %s: %s; retrying in %s (attempt %d)\n", ev.Method, shown(ev.Path), why, ev.Wait.Round(time.Second), ev.Attempt+1)
	}
}
