package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/writerfiles/writer-go/writer"
)

// errNoKey is the error of a request made without WRITER_API_KEY.
var errNoKey = usageError{"no API key: set WRITER_API_KEY (never a flag), or use --fake to try the commands on a local fake"}

// connect builds the client, with the command's own options (such as retry-failed's pace)
// after the common ones. NewClient sends nothing, and each method checks its input before
// any request, so every mistake in flags, arguments or the base URL is told first: without
// WRITER_API_KEY the client gets a stand-in key and a transport that sends nothing and fails
// with errNoKey; with --fake the fake is announced at the first request. Waits of noticeWait
// or more before a retry are announced on stderr.
func (a *app) connect(extra ...writer.Option) error {
	opts := []writer.Option{writer.WithRetryHook(waitNotice(a.errOut))}
	opts = append(opts, extra...)
	if os.Getenv("WRITER_LOG") == "debug" {
		// The library's debug log, on the command's stderr rather than the process's.
		opts = append(opts, writer.WithLogger(slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	switch {
	case a.global.fake && a.global.baseURL != "":
		return usageError{"--fake and --base-url cannot be used together"}
	case a.global.fake:
		a.fake = startFake(defaultSeed)
		// Announced on stderr: stdout may carry JSON or a file's content.
		announce := &announcer{w: a.errOut, next: http.DefaultTransport,
			line: fmt.Sprintf("Using a local fake Writer File API at %s (in-process; nothing is sent to Writer).\n", a.fake.URL)}
		opts = append(opts, writer.WithBaseURL(a.fake.URL), writer.WithAPIKey(a.fake.APIKey),
			writer.WithHTTPClient(&http.Client{Transport: announce}))
	case a.global.baseURL != "":
		opts = append(opts, writer.WithBaseURL(a.global.baseURL))
	}
	if !a.global.fake && os.Getenv("WRITER_API_KEY") == "" {
		opts = append(opts, writer.WithAPIKey("stand-in"), writer.WithMaxRetries(0),
			writer.WithHTTPClient(&http.Client{Transport: sendNothing{errNoKey}}))
	}
	client, err := writer.NewClient(opts...)
	if err != nil {
		return a.shellError(err)
	}
	a.client = client
	return nil
}

// announcer writes line to w before the first request it passes on to next.
type announcer struct {
	w    io.Writer
	line string
	next http.RoundTripper
	once sync.Once
}

func (t *announcer) RoundTrip(req *http.Request) (*http.Response, error) {
	t.once.Do(func() { fmt.Fprint(t.w, t.line) })
	return t.next.RoundTrip(req)
}

// shellError words NewClient's refusals of the key and the base URL for a shell user, who
// sets WRITER_API_KEY and --base-url or WRITER_BASE_URL, not writer's options.
func (a *app) shellError(err error) error {
	var in *writer.InputError
	if !errors.As(err, &in) {
		return err
	}
	if in.Field == "base URL" {
		from, given := "--base-url", a.global.baseURL
		if given == "" {
			from, given = "WRITER_BASE_URL", os.Getenv("WRITER_BASE_URL")
		}
		reason, _, _ := strings.Cut(in.Reason, "; use ") // the rest names writer's options
		return usageError{fmt.Sprintf("%s %q %s", from, withoutSecrets(given), reason)}
	}
	return usageError{fmt.Sprintf("%s %s", in.Field, in.Reason)}
}

// withoutSecrets is a base URL as given, for an error: its user information and its query
// values are replaced by "***" and its fragment is dropped, whether or not it parses.
func withoutSecrets(raw string) string {
	raw, _, _ = strings.Cut(raw, "#")
	raw, query, hasQuery := strings.Cut(raw, "?")
	prefix, rest := "", raw
	if i := strings.Index(raw, "//"); i >= 0 {
		prefix, rest = raw[:i+2], raw[i+2:]
	}
	host, path, hasPath := strings.Cut(rest, "/")
	if at := strings.LastIndex(host, "@"); at >= 0 {
		host = "***" + host[at:]
	}
	raw = prefix + host
	if hasPath {
		raw += "/" + path
	}
	if hasQuery {
		params := strings.Split(query, "&")
		for i, p := range params {
			name, _, _ := strings.Cut(p, "=")
			params[i] = name + "=***"
		}
		raw += "?" + strings.Join(params, "&")
	}
	return raw
}

// close stops the fake, if connect started it.
func (a *app) close() {
	if a.fake != nil {
		a.fake.Close()
	}
}
