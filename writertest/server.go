// Package writertest is an in-memory fake of Writer's File API for tests: yours and ours.
//
// A Server listens on 127.0.0.1 (net/http/httptest), checks the bearer API key, keeps files
// with their statuses (writer.Status values), answers the File API's operations with the
// spec's bodies and Writer's fail_response errors, and records the requests it receives
// (every one, unless WithRequestLog bounds the log).
// It also serves the Knowledge Graph operations of writer.GraphsService, over graphs that
// AddGraphs creates. Its answers are checked against openapi.yaml by this module's tests.
//
//	srv := writertest.NewServer(t) // closed when the test ends
//	srv.AddFiles(writertest.File{ID: id, Name: "a.pdf", Status: writer.StatusFailed})
//	client := srv.Client()         // a *writer.Client for srv: unpaced, fast retries
//
// Its defaults keep a test fast: a retried file reaches its outcome (StatusCompleted unless
// WithRetryOutcome says otherwise) at once, so the first status read of RetryFailedAndWait
// or WaitProcessed sees it settled, and Client's calls do not wait for a pace.
// WithProcessingDelay keeps files in_progress for a while and WithLatency delays every
// answer. FailNext injects faults, WithRateLimit answers 429 past a rate, and Requests tells
// what the client sent.
//
// Where Writer's behaviour is not documented, the fake makes a documented choice: see each
// handler.
package writertest

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/writer"
)

// File statuses as Writer reports them in file_response.status: writer's own values, so
// that a File's Status compares with a writer.File's.
const (
	StatusInProgress = writer.StatusInProgress
	StatusCompleted  = writer.StatusCompleted
	StatusFailed     = writer.StatusFailed
)

// DefaultAPIKey is the key a Server accepts unless WithAPIKey sets another.
const DefaultAPIKey = "writertest-key"

// File is a file held by the fake.
type File struct {
	ID        string        // file_response.id; any string, usually a UUID (either case names one file)
	Name      string        // file name
	Status    writer.Status // StatusInProgress, StatusCompleted, StatusFailed or any other value
	GraphIDs  []string      // Knowledge Graph ids: UUIDs in any form uuid.Parse takes, kept canonical (AddFiles)
	CreatedAt time.Time     // zero: the time it was added

	ContentType string // media type served by download; "" serves application/octet-stream
	// Content is the file's bytes, served by download. The Server keeps uploads of at most
	// WithMaxStoredBytes bytes; of a larger upload it keeps only Size and SHA256. Content
	// is shared with the Server: do not modify it.
	Content []byte
	Size    int64  // length of the content in bytes (set by the Server)
	SHA256  string // hex SHA-256 of the content (set by the Server)

	// RetryRequests counts the times an accepted POST /v1/files/retry carried this file's
	// id, whatever the file's status was (set by the Server).
	RetryRequests int
}

// Request is one request the Server received. The Authorization header is not kept:
// Authorized says whether it carried the Server's key.
type Request struct {
	Method     string
	Path       string
	RawQuery   string
	Header     http.Header // without Authorization
	Body       []byte      // JSON request bodies only, at most 1 MiB
	Authorized bool
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to give writer.WithBaseURL, http://127.0.0.1:port.
	URL string
	// APIKey is the key the Server accepts.
	APIKey string

	srv *httptest.Server
	opt options
	tb  testing.TB // the test of NewServer; nil with Start

	closed    chan struct{} // closed by Close: ends Fault delays
	closeOnce sync.Once

	mu       sync.Mutex
	files    map[string]*file // by fileKey of the id
	graphs   map[string]Graph // by fileKey of the id; nil until AddGraphs
	requests []Request        // the request log: every request, or a ring of the last opt.logLimit
	logged   int              // requests recorded since the start
	faults   []Fault
	limit    window  // the simulated rate limit's current window
	conns    int     // TCP connections accepted
	sorted   []*file // files by created_at, then id; nil when files changed (see byCreation)
}

// fileKey is the key in Server.files of the file with id: a UUID in canonical form in lower
// case, so that ids differing only in case name one file, as they name one UUID (retry sends
// file_ids as UUIDs, which the client may print in either case); any other id as it is.
func fileKey(id string) string {
	if u, err := uuid.Parse(id); err == nil && len(id) == 36 {
		return u.String()
	}
	return id
}

type file struct {
	File
	readyAt time.Time // when an in_progress file that was retried reaches its outcome
	outcome writer.Status
}

// An Option configures a Server.
type Option func(*options)

type options struct {
	apiKey    string
	delay     time.Duration
	outcome   func(fileID string) writer.Status
	maxStored int64
	rateN     int           // requests allowed per rateWindow; 0: no limit
	rateEvery time.Duration // the rate limit's window
	filtered  bool          // list cursors resolve only among matching files
	latency   time.Duration // added before every answer
	listener  net.Listener  // served on instead of a new one (WithListener)
	anyKey    bool          // any non-empty bearer key is accepted (WithAnyAPIKey)
	logLimit  int           // requests the log keeps (WithRequestLog); below 0: every one
}

// WithAPIKey sets the API key the Server accepts. Default DefaultAPIKey.
func WithAPIKey(key string) Option { return func(o *options) { o.apiKey = key } }

// WithProcessingDelay sets how long a retried or uploaded file stays in_progress before it
// reaches its outcome. Default 0: the outcome is visible at once.
func WithProcessingDelay(d time.Duration) Option { return func(o *options) { o.delay = d } }

// WithRetryOutcome sets the status a retried file reaches after the processing delay.
// Default: StatusCompleted for every file. Uploaded files always reach StatusCompleted.
func WithRetryOutcome(outcome func(fileID string) writer.Status) Option {
	return func(o *options) { o.outcome = outcome }
}

// NewServer starts a Server on 127.0.0.1 and closes it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := Start(opts...)
	s.tb = t
	t.Cleanup(s.Close)
	return s
}

// Start starts a Server on 127.0.0.1 for programs that are not tests (the CLI's --fake).
// The caller must Close it.
func Start(opts ...Option) *Server {
	o := options{apiKey: DefaultAPIKey, outcome: func(string) writer.Status { return StatusCompleted }, maxStored: defaultMaxStored, logLimit: -1}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{APIKey: o.apiKey, opt: o, files: map[string]*file{}, closed: make(chan struct{})}
	s.srv = httptest.NewUnstartedServer(s.routes())
	if o.listener != nil {
		_ = s.srv.Listener.Close()
		s.srv.Listener = o.listener
	}
	s.srv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	s.srv.Start()
	s.URL = s.srv.URL
	return s
}

// Close shuts the Server down and waits for its requests to finish; a request held back
// by a Fault's Delay ends at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
	s.srv.Close()
}

// AddFiles stores files, replacing any with the same id. Each graph id in File.GraphIDs is
// kept in canonical form (graphKey), so that a file is counted in its graphs and listed under
// graph_id whatever form it was given in. A graph id that is not a UUID fails the test, and
// no file is stored; with a Server from Start, it panics.
func (s *Server) AddFiles(files ...File) {
	graphIDs := make([][]string, len(files))
	for i, f := range files {
		for _, g := range f.GraphIDs {
			key, ok := graphKey(g)
			if !ok {
				if s.tb != nil {
					s.tb.Helper()
				}
				s.refuse("AddFiles: file " + strconv.Quote(f.ID) + ": graph id " + strconv.Quote(g) + " is not a UUID")
				return
			}
			graphIDs[i] = append(graphIDs[i], key)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	for i, f := range files {
		if f.CreatedAt.IsZero() {
			f.CreatedAt = now
		}
		f.GraphIDs = graphIDs[i]
		f.Size = int64(len(f.Content))
		sum := sha256.Sum256(f.Content)
		f.SHA256 = hex.EncodeToString(sum[:])
		s.files[fileKey(f.ID)] = &file{File: f}
	}
	s.sorted = nil
}

// refuse reports a call that misuses the Server: it fails the test of NewServer, or panics
// with a Server from Start. msg starts with the method's name.
func (s *Server) refuse(msg string) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("writertest: %s", msg)
		return
	}
	panic("writertest: " + msg)
}

// File returns the stored file with the given id, with its status as of now.
func (s *Server) File(id string) (File, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[fileKey(id)]
	if !ok {
		return File{}, false
	}
	return s.snapshot(f, time.Now()), true
}

// snapshot returns f as of now, applying a due status change. s.mu is held.
func (s *Server) snapshot(f *file, now time.Time) File {
	if f.outcome != "" && !now.Before(f.readyAt) {
		f.Status, f.outcome = f.outcome, ""
	}
	out := f.File
	out.GraphIDs = slices.Clone(f.GraphIDs)
	return out
}
