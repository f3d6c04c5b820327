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
// Exit status: 0 nothing changed or compatible, 1 breaking for this version, 2 bad usage or
// an unreadable document, 3 the check itself failed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit statuses.
const (
	exitOK       = 0
	exitBreaking = 1
	exitUsage    = 2
	exitFailed   = 3
)

const usage = `usage: writer-drift -sync -in <Writer's OpenAPI document: a file or an http(s) URL> -out openapi.yaml
usage: writer-drift [-spec openapi.yaml] <Writer's OpenAPI document: a file or an http(s) URL>`

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the command: it writes the report and the verdict to stdout, errors to stderr, and
// returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("writer-drift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specPath := fs.String("spec", "", "compare with this openapi.yaml instead of the one of the writer-go version this module requires")
	sync := fs.Bool("sync", false, "write the File API of the document -in to -out instead of comparing")
	in := fs.String("in", "", "with -sync: Writer's OpenAPI document, a file or an http(s) URL")
	out := fs.String("out", "", "with -sync: the openapi.yaml to write")
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
	if *sync {
		if *in == "" || *out == "" || *specPath != "" || fs.NArg() != 0 {
			fmt.Fprintln(stderr, usage)
			return exitUsage
		}
		if err := syncSpec(*in, *out); err != nil {
			return fail(stderr, err)
		}
		fmt.Fprintf(stdout, "writer-drift: wrote the File API of %s to %s.\n", *in, *out)
		return exitOK
	}
	if fs.NArg() != 1 || fs.Arg(0) == "" || *in != "" || *out != "" {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	upstream := fs.Arg(0)

	base, err := loadBase(*specPath)
	if err != nil {
		return fail(stderr, err)
	}
	src, err := readDocument(upstream)
	if err != nil {
		return fail(stderr, err)
	}
	rev, err := parseExtract(upstream, src)
	if err != nil {
		return fail(stderr, err)
	}
	d, err := compare(base.doc, rev)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "writer-drift: %s -> %s (%s)\n\n", base.label, upstream, scope)
	if report := d.report(); report != "" {
		fmt.Fprintln(stdout, report)
	}
	line, status := d.verdict(base, upstream)
	fmt.Fprintln(stdout, line)
	return status
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
