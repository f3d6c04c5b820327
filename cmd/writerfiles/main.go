// Command writerfiles manages files in Writer's File API from the command line.
//
//	writerfiles [global flags] COMMAND [args]
//	writerfiles --version
//
// Commands:
//
//	list [--status S] [--graph ID] [--types pdf,docx] [--order asc|desc] [--page-size N]
//	                  list files (GET /v1/files, every page)
//	get ID            show one file (GET /v1/files/{file_id})
//	upload PATH [--graph ID] [--type MIME] [--name NAME]
//	                  upload a file (POST /v1/files)
//	download ID [--output PATH]
//	                  save a file's content to PATH (-o for short), or write it to stdout
//	                  when it is not a terminal (GET /v1/files/{file_id}/download)
//	delete ID         delete a file for good (DELETE /v1/files/{file_id})
//	retry ID...       ask Writer to process failed files again (POST /v1/files/retry)
//	retry-failed [--graph ID] [--types pdf,docx] [--batch N] [--rpm N] [--concurrency N] [--wait] [--interval D]
//	                  retry every failed file, paced, and optionally wait until processed,
//	                  showing the files that failed again (Ctrl-C: the counts so far, exit 130)
//	demo              with --fake: list failed files, retry them, wait, list again
//
// Global flags, before the command (or after it, among the command's flags):
//
//	--base-url URL   the API's base URL (default WRITER_BASE_URL, else https://api.writer.com);
//	                 a path prefix is kept
//	--fake           use a local in-process fake of the File API seeded with sample files;
//	                 nothing leaves this machine and no key is needed
//	--json           print JSON on stdout, one object per line, for every command
//	                 (download needs --output with it: a file's content is not JSON)
//
// A command checks its flags, its arguments and the local files it reads or writes before
// the client is built, so help and such mistakes need no key (the file id of get, delete
// and download is checked by the library, also before any request). The API key is read
// only from the WRITER_API_KEY environment variable, never from a flag.
// Exit status: 0 success, 1 failure (the API, or a local file during a transfer), 2 bad usage or input.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"

	"github.com/writerfiles/writer-go/writer"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the API, or reading or writing a local file
	exitUsage   = 2
	// exitInterrupted: Ctrl-C (SIGINT) ended the command, 128 + the signal's number, as
	// shells report it.
	exitInterrupted = 130
)

// command is one command: the usage's line for it, and its function.
type command struct {
	name    string
	args    string // what follows the name in the synopsis, "" for none
	summary string // one or more lines
	run     func(context.Context, *app, []string) error
}

// synopsis is the command as the usage shows it, for example "get ID".
func (c *command) synopsis() string { return strings.TrimSpace(c.name + " " + c.args) }

// commands, in the order the usage lists them.
var commands = []command{
	{"list", "[--status S] [--graph ID] [--types pdf,docx] [--order asc|desc] [--page-size N]",
		"list files, every page", cmdList},
	{"get", "ID", "show one file", cmdGet},
	{"upload", "PATH [--graph ID] [--type MIME] [--name NAME]",
		"upload a file (its size is sent as Content-Length)", cmdUpload},
	{"download", "ID [--output PATH]", "save a file's content to PATH (-o for short; default: stdout,\nif not a terminal)", cmdDownload},
	{"delete", "ID", "delete a file for good", cmdDelete},
	{"retry", "ID...", "ask Writer to process failed files again", cmdRetry},
	{"retry-failed", "[--graph ID] [--types pdf,docx] [--batch N] [--rpm N] [--concurrency N] [--wait] [--interval D]",
		"retry every failed file (paced at --rpm requests per minute,\ndefault 400, 0 = unpaced); --wait waits until they are processed\nand prints those that failed again (Ctrl-C: the counts so far, exit 130)", cmdRetryFailed},
	{"demo", "", "with --fake: list failed files, retry them, wait, list again", cmdDemo},
}

// usage is the program's help: each command's synopsis and summary, then the rest.
func usage() string {
	const indent = "                        " // where summaries start
	var b strings.Builder
	b.WriteString("usage: writerfiles [--base-url URL] [--fake] [--json] COMMAND [args]\n       writerfiles --version\n\ncommands:\n")
	for _, c := range commands {
		summary := strings.ReplaceAll(c.summary, "\n", "\n"+indent)
		if s := c.synopsis(); len(s) < len(indent)-2 {
			fmt.Fprintf(&b, "  %-*s%s\n", len(indent)-2, s, summary)
		} else {
			fmt.Fprintf(&b, "  %s\n%s%s\n", s, indent, summary)
		}
	}
	b.WriteString(`
Global flags may also follow the command. The API key is read from WRITER_API_KEY.
--fake uses a local fake server and needs no key. --json prints JSON lines on stdout.
"writerfiles COMMAND --help" shows a command's flags.
Exit status: 0 success, 1 failure (the API, or a local file during a transfer), 2 bad usage or input.
`)
	return b.String()
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// app is one invocation: where output goes, the command, the global flags and, once the
// command has checked its arguments, the client.
type app struct {
	out, errOut io.Writer
	cmd         *command
	global      globalFlags
	client      *writer.Client // set by connect
	fake        *fakeServer    // set by connect with --fake
}

// globalFlags are the flags every command accepts, before or after its name.
type globalFlags struct {
	baseURL string // --base-url
	fake    bool   // --fake
	json    bool   // --json
}

// register adds the global flags to fs, bound to g. They are set by functions, so
// registering them sets nothing: a command's FlagSet keeps what was given before the command.
func (g *globalFlags) register(fs *flag.FlagSet) {
	fs.Func("base-url", "the API's base `URL` (default: WRITER_BASE_URL, else https://api.writer.com)",
		func(s string) error { g.baseURL = s; return nil })
	fs.BoolFunc("fake", "use a local fake File API with sample files; no key needed", setBool(&g.fake))
	fs.BoolFunc("json", "print JSON on stdout, one object per line", setBool(&g.json))
}

// setBool sets *p from a boolean flag's value ("true" without one).
func setBool(p *bool) func(string) error {
	return func(s string) error {
		v, err := strconv.ParseBool(s)
		*p = v
		return err
	}
}

// run parses the global flags and runs the command, which parses its own arguments and
// then calls connect. It returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := &app{out: stdout, errOut: stderr}
	fs := flag.NewFlagSet("writerfiles", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	a.global.register(fs)
	version := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage())
			return exitOK
		}
		fmt.Fprintf(stderr, "writerfiles: %s\n%s", longFlags(err), usage())
		return exitUsage
	}
	if *version {
		if a.global.json {
			_ = json.NewEncoder(stdout).Encode(map[string]string{"version": writer.Version})
		} else {
			fmt.Fprintf(stdout, "writerfiles %s\n", writer.Version)
		}
		return exitOK
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "writerfiles: no command given\n%s", usage())
		return exitUsage
	}
	name := fs.Arg(0)
	for i := range commands {
		if commands[i].name == name {
			a.cmd = &commands[i]
		}
	}
	if a.cmd == nil {
		fmt.Fprintf(stderr, "writerfiles: unknown command %q\n%s", name, usage())
		return exitUsage
	}
	defer a.close()
	err := a.cmd.run(ctx, a, fs.Args()[1:])
	var help helpRequestError
	if errors.As(err, &help) {
		a.printHelp(stdout, help.fs)
		return exitOK
	}
	return fail(stderr, err)
}

// flagSet returns a FlagSet for the command, with the global flags on it.
func (a *app) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet(a.cmd.name, flag.ContinueOnError)
	a.global.register(fs)
	return fs
}

// connect builds the client. Every command calls it once its arguments are known to be
// good, so that help and bad input need no key and the fake starts only when used.
func (a *app) connect() error {
	opts := []writer.Option{writer.WithRetryHook(waitNotice(a.errOut))}
	if os.Getenv("WRITER_LOG") == "debug" {
		// The library's debug log, on the command's stderr rather than the process's.
		opts = append(opts, writer.WithLogger(slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	switch {
	case a.global.fake && a.global.baseURL != "":
		return usageError{"--fake and --base-url cannot be used together"}
	case a.global.fake:
		a.fake = startFake()
		// Announced on stderr: stdout may carry JSON or a file's content.
		fmt.Fprintf(a.errOut, "Using a local fake Writer File API at %s (in-process; nothing is sent to Writer).\n", a.fake.URL)
		opts = append(opts, writer.WithBaseURL(a.fake.URL), writer.WithAPIKey(a.fake.APIKey))
	case a.global.baseURL != "":
		opts = append(opts, writer.WithBaseURL(a.global.baseURL))
	}
	client, err := writer.NewClient(opts...)
	if err != nil {
		return a.shellError(err)
	}
	a.client = client
	return nil
}

// shellError words NewClient's refusals of the key and the base URL for a shell user, who
// sets WRITER_API_KEY and --base-url or WRITER_BASE_URL, not writer's options.
func (a *app) shellError(err error) error {
	var in *writer.InputError
	if !errors.As(err, &in) {
		return err
	}
	switch in.Field {
	case "API key":
		return usageError{"no API key: set WRITER_API_KEY (never a flag), or use --fake to try the commands on a local fake"}
	case "base URL":
		from := "--base-url"
		if a.global.baseURL == "" {
			from = "WRITER_BASE_URL"
		}
		reason, _, _ := strings.Cut(in.Reason, "; use ") // the rest names writer's options
		return usageError{fmt.Sprintf("%s %q %s", from, in.Value, reason)}
	}
	return usageError{fmt.Sprintf("%s %s", in.Field, in.Reason)}
}

// close stops the fake, if connect started it.
func (a *app) close() {
	if a.fake != nil {
		a.fake.Close()
	}
}

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usageErr is a mistake in the command's arguments: "get takes one file id", followed by
// the command's synopsis.
func (a *app) usageErr(format string, args ...any) error {
	return usageError{fmt.Sprintf("%s %s; usage: writerfiles %s", a.cmd.name, fmt.Sprintf(format, args...), a.cmd.synopsis())}
}

// fail prints err on one line and returns its exit status.
func fail(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "writerfiles: %v\n", err)
	var ue usageError
	switch {
	case errors.As(err, &ue) || errors.Is(err, writer.ErrInvalidInput):
		return exitUsage
	case errors.Is(err, context.Canceled): // only Ctrl-C cancels the command's context
		return exitInterrupted
	}
	return exitFailure
}

// helpRequestError is a command's -h or --help: its usage goes to stdout and the exit status is 0.
type helpRequestError struct{ fs *flag.FlagSet }

func (h helpRequestError) Error() string { return h.fs.Name() + ": help requested" }

// printHelp prints the command's synopsis and summary, as the usage shows them, and its flags.
func (a *app) printHelp(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: writerfiles [global flags] %s\n\n%s\n\nflags (global ones too, before or after the command):\n",
		a.cmd.synopsis(), strings.ReplaceAll(a.cmd.summary, "\n", " "))
	printFlags(w, fs)
}

// printFlags lists fs's flags as the usage writes them, --name, with their defaults. A
// one-letter flag is an alias that the usage of its long form names.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if len(f.Name) == 1 {
			return
		}
		arg, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s", f.Name)
		if arg != "" {
			fmt.Fprintf(w, " %s", arg)
		}
		fmt.Fprintf(w, "\n    \t%s", usage)
		switch f.DefValue {
		case "", "0", "false", "0s":
		default:
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// parseFlags parses a command's flags, which may come before, between or after its
// positional arguments, and returns the positional arguments. "--" ends the flags.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, helpRequestError{fs}
			}
			return nil, usageError{fmt.Sprintf("%s: %s (writerfiles %s --help lists its flags)", fs.Name(), longFlags(err), fs.Name())}
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

// flagInError is a long flag name in the flag package's errors, which write it -name.
var flagInError = regexp.MustCompile(`(: |flag )-([a-z][a-z-])`)

// longFlags returns a flag package error as text that writes flags --name, as the usage does.
func longFlags(err error) string {
	return flagInError.ReplaceAllString(err.Error(), "$1--$2")
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
