package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/writerfiles/writer-go/writer"
)

// maxIDLine bounds, in bytes, a line of standard input that holds a file id.
const maxIDLine = 64 << 10

// fileIDs parses the arguments of a command that takes file ids and no flags of its own:
// the ids, or "-" alone for the ids on standard input, one per line. Spaces and tabs around
// an id and a carriage return before the newline are dropped, and blank lines are skipped;
// a.stdinLines keeps the line of each id, for errors. many says whether the command takes
// more than one id as arguments. Ctrl-C (ctx's end) stops the reading of stdin.
func (a *app) fileIDs(ctx context.Context, args []string, many bool) ([]string, error) {
	ids, err := parseFlags(a.flagSet(), args)
	switch {
	case err != nil:
		return nil, err
	case len(ids) == 1 && ids[0] == "-":
		type read struct {
			ids   []string
			lines []int
			err   error
		}
		done := make(chan read, 1)
		go func() {
			ids, lines, err := a.readIDs()
			done <- read{ids, lines, err}
		}()
		select {
		case r := <-done:
			a.stdinLines = r.lines
			return r.ids, r.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case len(ids) > 1 && slices.Contains(ids, "-"):
		return nil, a.usageErr("takes - alone: - reads the file ids from stdin")
	case len(ids) == 0 && many:
		return nil, a.usageErr("needs at least one file id, or - to read them from stdin")
	case len(ids) != 1 && !many:
		return nil, a.usageErr("takes one file id, or - to read them from stdin")
	}
	return ids, nil
}

// readIDs reads the file ids on standard input, as fileIDs describes, and the line of each.
func (a *app) readIDs() (ids []string, lines []int, err error) {
	sc := bufio.NewScanner(a.in)
	sc.Buffer(make([]byte, 0, 4096), maxIDLine)
	line := 0
	for sc.Scan() {
		line++
		if id := strings.Trim(sc.Text(), " \t\r"); id != "" {
			ids = append(ids, id)
			lines = append(lines, line)
		}
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return nil, nil, usageError{fmt.Sprintf("%s: stdin line %d is longer than %d KiB; give one file id per line", a.cmd.name, line+1, maxIDLine>>10)}
	case err != nil:
		return nil, nil, usageError{fmt.Sprintf("%s: reading file ids from stdin: %v", a.cmd.name, err)}
	case line == 0:
		return nil, nil, usageError{fmt.Sprintf("%s: no file id on stdin: it is empty", a.cmd.name)}
	case len(ids) == 0:
		return nil, nil, usageError{fmt.Sprintf("%s: no file id on stdin (%d line(s), all blank)", a.cmd.name, line)}
	}
	return ids, lines, nil
}

// idWhere names the file id at index i of those the command was given, for an error:
// "file id 2" among the arguments, "file id on stdin line 3" from standard input.
func (a *app) idWhere(i int) string {
	if a.stdinLines != nil {
		return fmt.Sprintf("file id on stdin line %d", a.stdinLines[i])
	}
	return fmt.Sprintf("file id %d", i+1)
}

// eachID runs a command that takes a file id, or "-" for the ids on stdin: get and delete.
// Every id is checked before any request: call runs first on a client that sends nothing,
// where the library refuses a bad id as it would before a request, then on the command's
// client, id after id, and the function call returned prints the result. A file that is
// not found is reported on stderr and the others go on (exit status 1 at the end); any
// other error stops the command, naming the id it stopped at.
func (a *app) eachID(ctx context.Context, args []string, call func(*writer.Client, string) (func(), error)) error {
	ids, err := a.fileIDs(ctx, args, false)
	if err != nil {
		return err
	}
	if err := a.connect(); err != nil {
		return err
	}
	if a.stdinLines != nil {
		dry, err := writer.NewClient(writer.WithBaseURL("https://api.writer.com"), writer.WithAPIKey("dry-run"),
			writer.WithMaxRetries(0), writer.WithRequestsPerMinute(writer.NoRateLimit),
			writer.WithHTTPClient(&http.Client{Transport: sendNothing{errDryRun}}))
		if err != nil {
			return err
		}
		for i, id := range ids {
			if _, err := call(dry, id); !errors.Is(err, errDryRun) {
				return a.idError(i, err)
			}
		}
	}
	notFound := 0
	for i, id := range ids {
		show, err := call(a.client, id)
		switch {
		case errors.Is(err, writer.ErrNotFound) && len(ids) > 1:
			fmt.Fprintf(a.errOut, "writerfiles: %s\n", shown(err.Error()))
			notFound++
		case err != nil && i > 0:
			return fmt.Errorf("%s: stopped at %s (%d of %d): %w", a.cmd.name, a.idWhere(i), i+1, len(ids), err)
		case err != nil:
			return a.idError(i, err)
		default:
			show()
		}
	}
	if notFound > 0 {
		return fmt.Errorf("%s: %d of %d file(s) not found", a.cmd.name, notFound, len(ids))
	}
	return nil
}

// idError words the library's refusal of the file id at index i (a *writer.InputError about
// file_id): the line of stdin it came from, as idWhere names it, or the one argument. Any
// other error is returned as it is.
func (a *app) idError(i int, err error) error {
	var ie *writer.InputError
	if !errors.As(err, &ie) || ie.Field != "file_id" {
		return err
	}
	if a.stdinLines == nil {
		return usageError{fmt.Sprintf("%s: file id %q %s", a.cmd.name, ie.Value, ie.Reason)}
	}
	return usageError{fmt.Sprintf("%s: %s (%q) %s", a.cmd.name, a.idWhere(i), ie.Value, ie.Reason)}
}

// errDryRun is the error of a request on the client that checks ids: it sends nothing.
var errDryRun = errors.New("not sent: the ids are being checked")

// sendNothing is a transport that sends nothing and fails every request with err: the
// transport of a client built without a key (errNoKey), and of the client that checks ids
// (errDryRun).
type sendNothing struct{ err error }

func (t sendNothing) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return nil, t.err
}
