// Command writerfiles manages files in Writer's File API from the command line.
//
//	writerfiles [global flags] COMMAND [args]
//
// Commands:
//
//	list [--status S] [--graph ID] [--types pdf,docx] [--order asc|desc] [--page-size N]
//	                  list files (GET /v1/files, every page)
//	get ID            show one file (GET /v1/files/{file_id})
//	upload PATH [--graph ID] [--type MIME] [--name NAME]
//	                  upload a file (POST /v1/files)
//	download ID [-o PATH]
//	                  save a file's content to PATH, or write it to stdout when it is not a
//	                  terminal (GET /v1/files/{file_id}/download)
//	delete ID         delete a file for good (DELETE /v1/files/{file_id})
//	retry ID...       ask Writer to process failed files again (POST /v1/files/retry)
//	retry-failed [--graph ID] [--types pdf,docx] [--batch N] [--rpm N] [--wait] [--interval D]
//	                  retry every failed file, paced, and optionally wait until processed
//	demo              with --fake: list failed files, retry them, wait, list again
//
// Global flags, before the command:
//
//	--base-url URL   the API's base URL (default WRITER_BASE_URL, else https://api.writer.com);
//	                 a path prefix is kept
//	--fake           use a local in-process fake of the File API seeded with sample files;
//	                 nothing leaves this machine and no key is needed
//	--json           print files as JSON, one object per line
//
// The API key is read only from the WRITER_API_KEY environment variable, never from a flag.
// Exit status: 0 success, 1 API error, 2 bad usage or input.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/writerfiles/writer-go/writer"
)

// Exit statuses.
const (
	exitOK       = 0
	exitAPIError = 1
	exitUsage    = 2
)

const usage = `usage: writerfiles [--base-url URL] [--fake] [--json] COMMAND [args]

commands:
  list [--status S] [--graph ID] [--types pdf,docx] [--order asc|desc] [--page-size N]
                        list files, every page
  get ID                show one file
  upload PATH [--graph ID] [--type MIME] [--name NAME]
                        upload a file (its size is sent as Content-Length)
  download ID [-o PATH] save a file's content to PATH (default: stdout, if not a terminal)
  delete ID             delete a file for good
  retry ID...           ask Writer to process failed files again
  retry-failed [--graph ID] [--types pdf,docx] [--batch N] [--rpm N] [--wait] [--interval D]
                        retry every failed file (paced at --rpm requests per minute,
                        default 400, 0 = unpaced); --wait polls until they are processed
  demo                  with --fake: list failed files, retry them, wait, list again

The API key is read from WRITER_API_KEY. --fake uses a local fake server and needs no key.
Exit status: 0 success, 1 API error, 2 bad usage or input.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// app is one invocation: where output goes and the client the command uses.
type app struct {
	out, errOut io.Writer
	json        bool // --json
	client      *writer.Client
	fake        *fakeServer // nil unless --fake
}

// commands maps each command name to its function.
var commands = map[string]func(context.Context, *app, []string) error{
	"list":         cmdList,
	"get":          cmdGet,
	"upload":       cmdUpload,
	"download":     cmdDownload,
	"delete":       cmdDelete,
	"retry":        cmdRetry,
	"retry-failed": cmdRetryFailed,
	"demo":         cmdDemo,
}

// run parses args, runs the command and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("writerfiles", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	baseURL := fs.String("base-url", "", "the API's base URL")
	fake := fs.Bool("fake", false, "use a local fake server with sample files")
	asJSON := fs.Bool("json", false, "print files as JSON lines")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "writerfiles: %v\n%s", err, usage)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, cmdArgs := fs.Arg(0), fs.Args()[1:]
	fn, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(stderr, "writerfiles: unknown command %q\n%s", cmd, usage)
		return exitUsage
	}

	a := &app{out: stdout, errOut: stderr, json: *asJSON}
	opts := []writer.Option{}
	if *baseURL != "" {
		opts = append(opts, writer.WithBaseURL(*baseURL))
	}
	if *fake {
		if *baseURL != "" {
			fmt.Fprintln(stderr, "writerfiles: --fake and --base-url cannot be used together")
			return exitUsage
		}
		a.fake = startFake()
		defer a.fake.Close()
		// Announced on stderr: stdout may carry JSON or a file's content.
		fmt.Fprintf(stderr, "Using a local fake Writer File API at %s (in-process; nothing is sent to Writer).\n", a.fake.URL)
		opts = append(opts, writer.WithBaseURL(a.fake.URL), writer.WithAPIKey(a.fake.APIKey))
	}
	client, err := writer.NewClient(opts...)
	if err != nil {
		return fail(stderr, err)
	}
	a.client = client
	err = fn(ctx, a, cmdArgs)
	var help helpRequestError
	if errors.As(err, &help) {
		help.print(stdout)
		return exitOK
	}
	return fail(stderr, err)
}

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// fail prints err on one line and returns its exit status.
func fail(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "writerfiles: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, writer.ErrInvalidInput) {
		return exitUsage
	}
	return exitAPIError
}

// helpRequestError is a command's -h or --help: its usage goes to stdout and the exit status is 0.
type helpRequestError struct{ fs *flag.FlagSet }

func (h helpRequestError) Error() string { return h.fs.Name() + ": help requested" }

func (h helpRequestError) print(w io.Writer) {
	fmt.Fprintf(w, "usage: writerfiles [global flags] %s [flags] [args]\n\nflags of %s:\n", h.fs.Name(), h.fs.Name())
	h.fs.SetOutput(w)
	h.fs.PrintDefaults()
}

// parseFlags parses a command's flags, which may come before, between or after its
// positional arguments, and returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, helpRequestError{fs}
			}
			return nil, usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
