// Command writerfiles manages files in Writer's File API from the command line.
//
//	writerfiles [global flags] COMMAND [args]
//	writerfiles --version
//
// Commands:
//
//	list [--status S] [--graph ID] [--types pdf,docx] [--order asc|desc] [--page-size N]
//	                  list files (GET /v1/files, every page)
//	get ID|-          show a file (GET /v1/files/{file_id}); - shows those whose ids are on
//	                  stdin, one per line
//	upload PATH [--graph ID] [--type MIME] [--name NAME]
//	                  upload a file (POST /v1/files)
//	download ID [--output PATH]
//	                  save a file's content to PATH (-o for short), or write it to stdout
//	                  when it is not a terminal (GET /v1/files/{file_id}/download)
//	delete ID|-       delete a file for good (DELETE /v1/files/{file_id}); - deletes those
//	                  whose ids are on stdin, one per line
//	retry ID...|-     ask Writer to process failed files again (POST /v1/files/retry); -
//	                  reads the ids from stdin, one per line
//	retry-failed [--graph ID] [--types pdf,docx] [--batch N] [--rpm N] [--concurrency N] [--wait] [--interval D]
//	                  retry every failed file, paced, and optionally wait until processed,
//	                  showing the files that failed again (Ctrl-C: the counts so far, exit 130)
//	demo              with --fake: list failed files, retry them, wait, list again
//	fake serve [--addr HOST:PORT] [--seed N]
//	                  serve the fake of --fake on 127.0.0.1 until Ctrl-C or SIGTERM, for
//	                  other invocations' --base-url (any WRITER_API_KEY); its base URL is the
//	                  first line of stdout
//
// With -, blank lines are skipped and every id is checked before the first request; a bad
// one is named by its line (stdin line 3). Text a server sends (names, ids, statuses, errors)
// is shown escaped when it holds characters that are not graphic; --json keeps it exact.
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
// Every mistake in a command's flags, arguments, local files or base URL is reported (exit 2)
// before any request, and needs no key: a command checks what only it knows, the library
// checks the rest, and without WRITER_API_KEY the missing key is reported only when a
// request is about to be sent. The API key is read only from the WRITER_API_KEY environment
// variable, never from a flag. "writerfiles help [COMMAND]" is the usage, or a command's help.
// Exit status: 0 success, 1 failure (the API, or a local file during a transfer), 2 bad usage or input.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
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
	{"get", "ID|-", "show a file, or with - those whose ids are on stdin", cmdGet},
	{"upload", "PATH [--graph ID] [--type MIME] [--name NAME]",
		"upload a file (its size is sent as Content-Length)", cmdUpload},
	{"download", "ID [--output PATH]", "save a file's content to PATH (-o for short; default: stdout,\nif not a terminal)", cmdDownload},
	{"delete", "ID|-", "delete a file for good, or with - those whose ids are on stdin", cmdDelete},
	{"retry", "ID...|-", "ask Writer to process failed files again (-: the ids on stdin)", cmdRetry},
	{"retry-failed", "[--graph ID] [--types pdf,docx] [--batch N] [--rpm N] [--concurrency N] [--wait] [--interval D]",
		"retry every failed file (paced at --rpm requests per minute,\ndefault 400, 0 = unpaced); --wait waits until they are processed\nand prints those that failed again (Ctrl-C: the counts so far, exit 130)", cmdRetryFailed},
	{"demo", "", "with --fake: list failed files, retry them, wait, list again", cmdDemo},
	{"fake", "serve [--addr HOST:PORT] [--seed N]",
		"serve the fake of --fake until Ctrl-C, for other invocations'\n--base-url (any WRITER_API_KEY); prints its base URL", cmdFake},
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
--fake uses a local fake server and needs no key; "writerfiles fake serve" runs one for
other invocations' --base-url. - reads file ids from stdin, one per line (blank lines
skipped). --json prints JSON lines on stdout.
"writerfiles help COMMAND" or "writerfiles COMMAND --help" shows a command's flags.
Exit status: 0 success, 1 failure (the API, or a local file during a transfer), 2 bad usage or input.
`)
	return b.String()
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// app is one invocation: where output goes, the command, the global flags and, once the
// command has checked its arguments, the client.
type app struct {
	in          io.Reader // the file ids of "-"
	out, errOut io.Writer
	cmd         *command
	global      globalFlags
	client      *writer.Client // set by connect
	fake        *fakeServer    // set by connect with --fake
	stdinLines  []int          // with "-": the line of stdin each file id came from
	shownFiles  int            // files shown in full so far (showFile)
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
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{in: stdin, out: stdout, errOut: stderr}
	fs := flag.NewFlagSet("writerfiles", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	a.global.register(fs)
	version := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage())
			return exitOK
		}
		fmt.Fprintf(stderr, "writerfiles: %s\n%s", shown(flagMessage(fs, err)), usage())
		return exitUsage
	}
	rest := fs.Args()
	if *version {
		// Only a command's name may follow, as in "writerfiles --version list".
		if len(rest) > 1 || len(rest) == 1 && findCommand(rest[0]) == nil {
			fmt.Fprintf(stderr, "writerfiles: --version takes no arguments (got %q)\n%s", strings.Join(rest, " "), usage())
			return exitUsage
		}
		if a.global.json {
			_ = json.NewEncoder(stdout).Encode(map[string]string{"version": writer.Version})
		} else {
			fmt.Fprintf(stdout, "writerfiles %s\n", writer.Version)
		}
		return exitOK
	}
	if len(rest) > 0 && rest[0] == "help" { // help, or help COMMAND: COMMAND --help
		switch len(rest) {
		case 1:
			fmt.Fprint(stdout, usage())
			return exitOK
		case 2:
			rest = []string{rest[1], "--help"}
		default:
			fmt.Fprintf(stderr, "writerfiles: help takes one command at most\n%s", usage())
			return exitUsage
		}
	}
	if len(rest) == 0 {
		fmt.Fprintf(stderr, "writerfiles: no command given\n%s", usage())
		return exitUsage
	}
	if a.cmd = findCommand(rest[0]); a.cmd == nil {
		fmt.Fprintf(stderr, "writerfiles: unknown command %q\n%s", rest[0], usage())
		return exitUsage
	}
	defer a.close()
	err := a.cmd.run(ctx, a, rest[1:])
	var help helpRequestError
	if errors.As(err, &help) {
		a.printHelp(stdout, help.fs)
		return exitOK
	}
	return fail(stderr, err)
}

// findCommand returns the command of that name, or nil.
func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// flagSet returns a FlagSet for the command, with the global flags on it.
func (a *app) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet(a.cmd.name, flag.ContinueOnError)
	a.global.register(fs)
	return fs
}

// usageError is a command-line mistake: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// usageErr is a mistake in the command's arguments: "get takes one file id", followed by
// the command's synopsis.
func (a *app) usageErr(format string, args ...any) error {
	return usageError{fmt.Sprintf("%s %s; usage: writerfiles %s", a.cmd.name, fmt.Sprintf(format, args...), a.cmd.synopsis())}
}

// fail prints err on one line, escaped as server text is (shown), and returns its exit
// status. A 401 names WRITER_API_KEY, the one place the command takes its key from.
func fail(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	msg := err.Error()
	switch {
	case errors.Is(err, errNoKey):
		msg = errNoKey.Error() // without the words of a request that was never sent
	case errors.Is(err, writer.ErrUnauthorized):
		msg += "; check the key in WRITER_API_KEY"
	}
	fmt.Fprintf(stderr, "writerfiles: %s\n", shown(msg))
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

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
