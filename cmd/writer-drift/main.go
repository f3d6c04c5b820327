// Command writer-drift tells a project that depends on writer-go whether Writer's current
// OpenAPI document still matches the File API its version of writer-go was generated from.
//
// Run it in the folder of a module that requires github.com/writerfiles/writer-go; it reads
// openapi.yaml from the version that module builds with (`go mod download -json`):
//
//	writer-drift <Writer's OpenAPI document: a file or an http(s) URL>
//
// With -spec, it compares that file instead: `make drift` passes a fork's own openapi.yaml.
// Only the File API counts: the paths under /v1/files and the Knowledge Graph operations
// findGraphWithFileStatus, findGraphsWithFileStatus, addFileToGraph and removeFileFromGraph. The last line of output is the verdict.
//
// With -sync, it takes the File API of Writer's document into a copy of writer-go instead
// (what `make spec-sync` runs; `go generate ./...` then regenerates package api):
//
//	writer-drift -sync -in <Writer's OpenAPI document: a file or an http(s) URL> -out openapi.yaml
//
// With -fetch, it copies the document -in to the file -out as it reads it (what `make drift`
// fetches a URL with) and prints the document's name as it shows it.
//
// Every document, a file or a URL, is read within one limit: at most 64 MiB (a larger one is
// refused as too large), at most 5 redirects, and -timeout (default 30s) for a fetch, with a
// notice on standard error when it takes more than 2 s. A URL is shown without its user
// information and query values. Only OpenAPI 3.0.x and 3.1.x documents are read.
//
// Exit status: 0 nothing changed or compatible, 1 breaking for this version, 2 bad usage or
// an unreadable document, 3 the check itself failed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Exit statuses.
const (
	exitOK       = 0
	exitBreaking = 1
	exitUsage    = 2
	exitFailed   = 3
)

const usage = `usage: writer-drift [-timeout 30s] -sync -in <Writer's OpenAPI document: a file or an http(s) URL> -out openapi.yaml
usage: writer-drift [-timeout 30s] -fetch -in <Writer's OpenAPI document: a file or an http(s) URL> -out <file>
usage: writer-drift [-timeout 30s] [-spec openapi.yaml] <Writer's OpenAPI document: a file or an http(s) URL>`

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the command: it writes the report and the verdict to stdout, errors to stderr, and
// returns the exit status. A panic, in writer-drift or in a library it calls (kin-openapi,
// oasdiff), is the check failing: exit 3 with a FAILED line, never a stack trace.
func run(args []string, stdout, stderr io.Writer) (status int) {
	defer func() {
		if p := recover(); p != nil {
			status = fail(stderr, fmt.Errorf("internal error (a panic in writer-drift or a library it calls): %s", strconv.Quote(fmt.Sprint(p))))
		}
	}()
	return command(args, stdout, stderr)
}

// command is run without its panic handler.
func command(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("writer-drift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "compare with this openapi.yaml instead of the one of the writer-go version this module requires")
	sync := fs.Bool("sync", false, "write the File API of the document -in to -out instead of comparing")
	in := fs.String("in", "", "with -sync or -fetch: Writer's OpenAPI document, a file or an http(s) URL")
	out := fs.String("out", "", "with -sync: the openapi.yaml to write; with -fetch: the file to write")
	fetch := fs.Bool("fetch", false, "copy the document -in to the file -out, read with the limits of every document, and print its name as shown")
	timeout := fs.Duration("timeout", defaultTimeout, "how long fetching a URL may take, body included")
	fs.Usage = func() {} // printed below, once, on the stream that fits
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return exitOK
	} else if err != nil { // the flag package has printed the error
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	if *timeout <= 0 {
		fmt.Fprintf(stderr, "writer-drift: BAD INPUT: -timeout %s is not a positive duration; no verdict.\n", *timeout)
		return exitUsage
	}
	r := reader{timeout: *timeout, notices: stderr}
	if *sync || *fetch {
		if *sync == *fetch || *in == "" || *out == "" || *specPath != "" || fs.NArg() != 0 {
			fmt.Fprintln(stderr, usage)
			return exitUsage
		}
		if *fetch {
			return fetchTo(r, *in, *out, stdout, stderr)
		}
		warn, err := syncSpec(r, *in, *out)
		if err != nil {
			return fail(stderr, err)
		}
		for _, w := range warn {
			fmt.Fprintln(stdout, w)
		}
		fmt.Fprintf(stdout, "writer-drift: wrote the File API of %s to %s.\n", shown(*in), *out)
		return exitOK
	}
	if fs.NArg() != 1 || fs.Arg(0) == "" || *in != "" || *out != "" {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	upstream := fs.Arg(0)

	base, err := loadBase(r, *specPath)
	if err != nil {
		return fail(stderr, err)
	}
	src, err := r.read(upstream)
	if err != nil {
		return fail(stderr, err)
	}
	rev, warn, err := parseExtract(upstream, src)
	if err != nil {
		return fail(stderr, err)
	}
	d, err := compare(base.doc, rev)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "writer-drift: %s -> %s (%s)\n\n", base.label, shown(upstream), scope)
	for _, w := range append(base.warnings, warn...) {
		fmt.Fprintln(stdout, w)
	}
	if report := d.report(); report != "" {
		fmt.Fprintln(stdout, report)
	}
	line, status := d.verdict(base, upstream)
	fmt.Fprintln(stdout, line)
	return status
}

// fetchTo is -fetch: it writes the document in to the file out and prints in as shown.
func fetchTo(r reader, in, out string, stdout, stderr io.Writer) int {
	src, err := r.read(in)
	if err != nil {
		return fail(stderr, err)
	}
	if err := os.WriteFile(out, src, 0o600); err != nil {
		return fail(stderr, fmt.Errorf("cannot write %s: %w", out, err))
	}
	fmt.Fprintln(stdout, shown(in))
	return exitOK
}

// inputError is an error of the caller: bad usage, or a document that cannot be read.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

// fail writes err as the verdict line: BAD INPUT (exit 2) or FAILED (exit 3).
func fail(stderr io.Writer, err error) int {
	if _, ok := errors.AsType[*inputError](err); ok {
		fmt.Fprintf(stderr, "writer-drift: BAD INPUT: %v; no verdict.\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "writer-drift: FAILED: %v; no verdict.\n", err)
	return exitFailed
}
