package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/writerfiles/writer-go/writertest"
)

// cmdFake: writerfiles fake serve [--addr HOST:PORT] [--seed N] serves the fake of --fake,
// seeded with sampleFiles(N), until Ctrl-C or SIGTERM, so that other invocations can use it
// with --base-url and any WRITER_API_KEY. Its base URL is the first line of stdout (with
// --json, {"base_url": URL}); how to use it goes to stderr.
func cmdFake(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet()
	addr := fs.String("addr", "127.0.0.1:0", "listen on `HOST:PORT`, a loopback address; port 0: a free port")
	seed := fs.Uint64("seed", defaultSeed, "`N` picks the sample files' ids: the same N, the same ids")
	rest, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return err
	case len(rest) != 1 || rest[0] != "serve":
		return a.usageErr("takes one subcommand, serve")
	case a.global.fake || a.global.baseURL != "":
		return usageError{"fake serve: --fake and --base-url do not apply: it serves a fake for other invocations' --base-url"}
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return usageError{fmt.Sprintf("fake serve: %s is not HOST:PORT", flagText(fs, "addr"))}
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usageError{fmt.Sprintf("fake serve: %s is not a loopback address such as 127.0.0.1:8080 (the client sends http:// only to loopback hosts)", flagText(fs, "addr"))}
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return usageError{fmt.Sprintf("fake serve: %s: the port is not a number from 0 to 65535", flagText(fs, "addr"))}
	}
	l, err := new(net.ListenConfig).Listen(ctx, "tcp", *addr)
	if err != nil {
		return fmt.Errorf("fake serve: %w", err)
	}
	srv := startFake(*seed, serveOptions(l)...)
	defer srv.Close()
	if a.global.json {
		_ = json.NewEncoder(a.out).Encode(map[string]string{"base_url": srv.URL})
	} else {
		fmt.Fprintln(a.out, srv.URL)
	}
	fmt.Fprintf(a.errOut, "Serving a fake Writer File API with %d sample files (seed %d); it takes any WRITER_API_KEY.\n"+
		"Try: WRITER_API_KEY=test writerfiles --base-url %s list\nCtrl-C stops it; its files are kept until then.\n",
		len(samples), *seed, srv.URL)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(a.errOut, "Stopped.")
	return nil
}

// serveOptions are the options of the fake that fake serve runs on l: any key, and no
// request log, which would grow for as long as it runs.
func serveOptions(l net.Listener) []writertest.Option {
	return []writertest.Option{writertest.WithListener(l), writertest.WithAnyAPIKey(), writertest.WithRequestLog(0)}
}
