// Command writerfiles manages files in Writer's File API from the command line.
//
//	writerfiles [global flags] COMMAND [args]
//
// Commands:
//
//	retry ID...   ask Writer to process failed files again (POST /v1/files/retry)
//	demo          with --fake: show the retry workflow on sample files
//
// Global flags, before the command:
//
//	--base-url URL   the API's base URL (default WRITER_BASE_URL, else https://api.writer.com);
//	                 a path prefix is kept
//	--fake           use a local in-process fake of the File API seeded with sample files;
//	                 nothing leaves this machine and no key is needed
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

const usage = `usage: writerfiles [--base-url URL] [--fake] COMMAND [args]

commands:
  retry ID...   ask Writer to process failed files again (POST /v1/files/retry)
  demo          with --fake: show the retry workflow on sample files

The API key is read from WRITER_API_KEY. --fake uses a local fake server and needs no key.
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
	client      *writer.Client
	fake        *fakeServer // nil unless --fake
}

// run parses args, runs the command and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("writerfiles", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	baseURL := fs.String("base-url", "", "the API's base URL")
	fake := fs.Bool("fake", false, "use a local fake server with sample files")
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
	commands := map[string]func(context.Context, *app, []string) error{
		"retry": cmdRetry,
		"demo":  cmdDemo,
	}
	fn, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(stderr, "writerfiles: unknown command %q\n%s", cmd, usage)
		return exitUsage
	}

	a := &app{out: stdout, errOut: stderr}
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
		fmt.Fprintf(stdout, "Using a local fake Writer File API at %s (in-process; nothing is sent to Writer).\n", a.fake.URL)
		opts = append(opts, writer.WithBaseURL(a.fake.URL), writer.WithAPIKey(a.fake.APIKey))
	}
	client, err := writer.NewClient(opts...)
	if err != nil {
		return fail(stderr, err)
	}
	a.client = client
	return fail(stderr, fn(ctx, a, cmdArgs))
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
