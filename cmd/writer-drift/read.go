package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// Limits of reading a document, the same for a file, a URL and what `make drift` fetches.
const (
	// maxDocument bounds a document: 64 MiB, far above the size of Writer's whole document
	// (about 5 MB). A larger one is refused as too large, never cut.
	maxDocument = 64 << 20
	// maxRedirects bounds the redirects followed when fetching a URL.
	maxRedirects = 5
	// defaultTimeout is how long a fetch may take, body included, unless -timeout says otherwise.
	defaultTimeout = 30 * time.Second
	// noticeAfter is how long a fetch runs before a notice on standard error says it waits.
	noticeAfter = 2 * time.Second
)

// reader reads documents: files, and http(s) URLs fetched with the limits above.
type reader struct {
	timeout time.Duration // the whole fetch of a URL
	notices io.Writer     // where the notice of a slow fetch goes (standard error)
}

// read returns the document at where, a file or an http(s) URL; an error is an *inputError
// that names where as shown (URL user information and query values left out).
func (r reader) read(where string) ([]byte, error) {
	if !isURL(where) {
		return readFile(where)
	}
	done := make(chan struct{})
	noticed := make(chan struct{})
	go func() { // one notice if the fetch is slow; written before read returns, never after
		defer close(noticed)
		select {
		case <-done:
		case <-time.After(noticeAfter):
			fmt.Fprintf(r.notices, "writer-drift: waiting for %s (gives up after %s; -timeout sets it)\n", shown(where), r.timeout)
		}
	}()
	defer func() { close(done); <-noticed }()
	src, err := r.fetch(where)
	if err != nil {
		return nil, &inputError{fmt.Sprintf("cannot fetch %s: %v", shown(where), err)}
	}
	return src, nil
}

// readFile reads a file of at most maxDocument bytes.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &inputError{fmt.Sprintf("cannot read %s: %v", path, unwrapPath(err))}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > maxDocument {
		return nil, &inputError{fmt.Sprintf("cannot read %s: %v", path, errTooLarge)}
	}
	src, err := readBounded(f)
	if err != nil {
		return nil, &inputError{fmt.Sprintf("cannot read %s: %v", path, unwrapPath(err))}
	}
	return src, nil
}

// errTooLarge is the error of a document over maxDocument.
var errTooLarge = fmt.Errorf("too large: the document is over the limit of %d MiB", maxDocument>>20)

// readBounded reads r to its end, or fails with errTooLarge past maxDocument bytes.
func readBounded(r io.Reader) ([]byte, error) {
	src, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return nil, err
	}
	if len(src) > maxDocument {
		return nil, errTooLarge
	}
	return src, nil
}

// fetch GETs where within r.timeout, following at most maxRedirects redirects. Its errors
// never hold the URL: net/http's do, with its query.
func (r reader) fetch(where string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return nil, errors.New("not a valid URL")
	}
	client := &http.Client{CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		if len(via) > maxRedirects {
			return fmt.Errorf("more than %d redirects", maxRedirects)
		}
		return nil
	}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fetchError(ctx, err, r.timeout)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	if resp.ContentLength > maxDocument {
		return nil, errTooLarge
	}
	src, err := readBounded(resp.Body)
	if err != nil {
		return nil, fetchError(ctx, err, r.timeout)
	}
	return src, nil
}

// fetchError is err without the URL that net/http puts in it, or a timeout said as such.
func fetchError(ctx context.Context, err error, timeout time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no complete answer within %s (-timeout)", timeout)
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// unwrapPath is err without the path that os puts in it (the message names the path once).
func unwrapPath(err error) error {
	if pe, ok := errors.AsType[*os.PathError](err); ok {
		return pe.Err
	}
	return err
}

func isURL(where string) bool {
	return strings.HasPrefix(where, "http://") || strings.HasPrefix(where, "https://")
}

// shown is where as messages show it: a URL without its user information, fragment and
// query values (each value replaced by ***), since those can hold credentials; a path as is.
func shown(where string) string {
	if !isURL(where) {
		return where
	}
	u, err := url.Parse(where)
	if err != nil {
		return "the URL given (not valid)"
	}
	out := u.Scheme + "://" + u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		var names []string
		for name := range u.Query() {
			names = append(names, url.QueryEscape(name)+"=***")
		}
		slices.Sort(names)
		out += "?" + strings.Join(names, "&")
	}
	return out
}
