// Package bench measures writer's overhead over a hand-written net/http call (the floor).
//
// Every benchmark has a pair of sub-benchmarks, impl=client (package writer) and impl=floor
// (net/http by hand), that send the same request to the same in-process server, so that
// benchstat -col /impl compares them and make bench-check can compare their medians.
package bench

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// apiKey is the key the benchmark server accepts.
const apiKey = "bench-key"

// retryOK is the body of a 200 from POST /v1/files/retry (spec retry_files_response).
var retryOK = []byte(`{"success":true}`)

// newServer starts a server on 127.0.0.1 that answers POST /v1/files/retry as the API does:
// it checks the bearer key, reads the whole JSON request body and answers 200 {"success":true}.
//
// It is deliberately minimal, not writertest: the fake records every request under a mutex,
// and that bookkeeping would dominate a benchmark of the client. The server runs in the
// benchmark's process, so its cost is part of every ns/op, the same for client and floor.
func newServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(http.HandlerFunc(serveRetry))
	tb.Cleanup(srv.Close)
	return srv
}

func serveRetry(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/v1/files/retry":
		http.NotFound(w, r)
		return
	case r.Header.Get("Authorization") != "Bearer "+apiKey:
		http.Error(w, `{"tpe":"unauthorized"}`, http.StatusUnauthorized)
		return
	}
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(retryOK)
}
