package writer

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// endsFile is a file of endsServer.
type endsFile struct {
	id     string // canonical lower case
	t      time.Time
	failed bool
}

// endsServer is a list and retry server for tests of the listing from both ends.
// Positional cursors over all files ordered by (created_at, id), or by (created_at desc,
// id asc or desc) newest first.
type endsServer struct {
	mu       sync.Mutex
	files    []*endsFile // by (t, id)
	byID     map[string]*endsFile
	retried  map[string]int
	tieAsc   bool // newest first, ties still by id ascending
	deny     int  // the deny-th retry request and later get 401; 0: none
	posts    int
	lag      bool                          // retried files stay failed
	filtered bool                          // a cursor whose file is not failed gets 400
	upper    bool                          // newest first answers ids in upper case
	ignore   bool                          // order=desc is ignored
	size     func(order string, k int) int // page size of the k-th page of that order
	gate     func(order string, k int)     // called before answering the k-th page of that order
	pages    map[string]int
}

func newEndsServer(t *testing.T, files []*endsFile) (*endsServer, *httptest.Server) {
	t.Helper()
	s := &endsServer{files: files, byID: map[string]*endsFile{}, retried: map[string]int{}, pages: map[string]int{},
		size: func(string, int) int { return 100 }}
	slices.SortFunc(s.files, func(a, b *endsFile) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	for _, f := range files {
		s.byID[f.id] = f
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *endsServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method == http.MethodPost {
		var body struct {
			FileIDs []string `json:"file_ids"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		s.mu.Lock()
		if s.posts++; s.deny > 0 && s.posts >= s.deny {
			s.mu.Unlock()
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"tpe":"fail.unauthorized"}`))
			return
		}
		for _, id := range body.FileIDs {
			s.retried[strings.ToLower(id)]++
			if f := s.byID[strings.ToLower(id)]; f != nil && !s.lag {
				f.failed = false
			}
		}
		s.mu.Unlock()
		_, _ = w.Write([]byte(`{"success":true}`))
		return
	}
	q := r.URL.Query()
	order := q.Get("order")
	if s.ignore {
		order = "asc"
	}
	s.mu.Lock()
	k := s.pages[order]
	s.pages[order]++
	s.mu.Unlock()
	if s.gate != nil {
		s.gate(order, k)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := slices.Clone(s.files)
	if order == "desc" {
		slices.SortStableFunc(list, func(a, b *endsFile) int {
			if c := b.t.Compare(a.t); c != 0 {
				return c
			}
			if s.tieAsc {
				return strings.Compare(a.id, b.id)
			}
			return strings.Compare(b.id, a.id)
		})
	}
	start := 0
	if after := strings.ToLower(q.Get("after")); after != "" {
		f := s.byID[after]
		if f == nil || (s.filtered && !f.failed) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"tpe":"fail.badRequest.invalidParameters"}`))
			return
		}
		start = slices.Index(list, f) + 1
	}
	n := s.size(order, k)
	var data []string
	more := false
	for _, f := range list[start:] {
		if !f.failed {
			continue
		}
		if len(data) == n {
			more = true
			break
		}
		id := f.id
		if s.upper && order == "desc" {
			id = strings.ToUpper(id)
		}
		data = append(data, fmt.Sprintf(`{"id":%q,"name":"a.pdf","created_at":%q,"graph_ids":[],"status":"failed"}`, id, f.t.Format(time.RFC3339Nano)))
	}
	_, _ = fmt.Fprintf(w, `{"data":[%s],"has_more":%t}`, strings.Join(data, ","), more)
}

// endsFiles returns n failed files, created per second in groups of up to tie.
func endsFiles(rng *rand.Rand, n, tie int) []*endsFile {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []*endsFile
	sec := 0
	for len(out) < n {
		g := 1 + rng.IntN(tie)
		for range min(g, n-len(out)) {
			out = append(out, &endsFile{id: uuid.New().String(), t: base.Add(time.Duration(sec) * time.Second), failed: true})
		}
		sec++
	}
	return out
}

// checkOnce fails unless each of files was retried exactly once.
func (s *endsServer) checkOnce(t *testing.T, files []*endsFile) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	missed, twice := 0, 0
	for _, f := range files {
		switch n := s.retried[f.id]; {
		case n == 0:
			missed++
		case n > 1:
			twice++
		}
	}
	if missed+twice > 0 {
		t.Errorf("of %d failed files %d missed, %d retried more than once", len(files), missed, twice)
	}
}

// progressLog checks that ListingDone, once true, stays true and Found no longer moves.
type progressLog struct {
	t        *testing.T
	done     bool
	found    int
	calls    int
	lastDone bool
	errs     []string
}

func (p *progressLog) progress(g RetryFailedProgress) {
	p.calls++
	if p.done && !g.ListingDone {
		p.errs = append(p.errs, fmt.Sprintf("call %d: ListingDone false after true (pages %d)", p.calls, g.Pages))
	}
	if p.done && g.Found != p.found {
		p.errs = append(p.errs, fmt.Sprintf("call %d: Found %d after ListingDone said %d was final", p.calls, g.Found, p.found))
	}
	if g.ListingDone && !p.done {
		p.done, p.found = true, g.Found
	}
	p.lastDone = g.ListingDone
}

func (p *progressLog) check(t *testing.T) {
	t.Helper()
	if len(p.errs) > 0 {
		t.Errorf("progress not truthful: %s", strings.Join(p.errs[:min(3, len(p.errs))], "; "))
	}
	if !p.lastDone {
		t.Errorf("the last of %d Progress calls says ListingDone false", p.calls)
	}
}

func TestBothEndsRandomServers(t *testing.T) {
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		n := 2100 + rng.IntN(3000)
		files := endsFiles(rng, n, []int{1, 3, 30, 90}[rng.IntN(4)])
		s, srv := newEndsServer(t, slices.Clone(files))
		s.tieAsc, s.lag, s.upper = rng.IntN(2) == 0, rng.IntN(2) == 0, rng.IntN(2) == 0
		short := rng.IntN(2) == 0
		s.size = func(string, int) int {
			if short {
				return 20 + rand.IntN(81)
			}
			return 100
		}
		s.gate = func(string, int) { time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond) }
		c := testClient(t, srv.URL, nil)
		log := &progressLog{t: t}
		name := fmt.Sprintf("seed %d n %d tieAsc %v lag %v upper %v short %v", seed, n, s.tieAsc, s.lag, s.upper, short)
		t.Run(name, func(t *testing.T) {
			rep, err := c.Files.RetryFailed(context.Background(), &RetryFailedOptions{Concurrency: 2 + rng.IntN(7), BatchSize: 1 + rng.IntN(150), Progress: log.progress})
			if err != nil || rep.Found != n || rep.Retried != n {
				t.Errorf("RetryFailed = found %d retried %d in %d pages, %v; want %d", rep.Found, rep.Retried, rep.Pages, err, n)
			}
			if bound := (n+19)/20 + 3; short && rep.Pages > bound || !short && rep.Pages > (n+99)/100+2 {
				t.Errorf("%d pages for %d files", rep.Pages, n)
			}
			s.checkOnce(t, files)
			log.check(t)
		})
	}
}

// TestBothEndsProgressPanicLeavesNoGoroutine: a Progress that panics at the first page
// ends the run; nothing of the run may be left running.
func TestBothEndsProgressPanicLeavesNoGoroutine(t *testing.T) {
	s, srv := newEndsServer(t, endsFiles(rand.New(rand.NewPCG(1, 1)), 300, 1))
	_ = s
	c := testClient(t, srv.URL, nil)
	func() {
		defer func() { _ = recover() }()
		_, _ = c.Files.RetryFailed(context.Background(), &RetryFailedOptions{Concurrency: 4, Progress: func(RetryFailedProgress) { panic("progress") }})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, "(*job).produce") {
			return
		}
		if time.Now().After(deadline) {
			i := strings.Index(stacks, "(*job).produce")
			t.Fatalf("a goroutine of the run is still in produce after Progress panicked:\n%s", stacks[max(0, i-100):min(len(stacks), i+300)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sequentialFiles returns n failed files a second apart.
func sequentialFiles(n int) []*endsFile {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]*endsFile, n)
	for i := range out {
		out[i] = &endsFile{id: fmt.Sprintf("%08x-0000-4000-8000-000000000000", i), t: base.Add(time.Duration(i) * time.Second), failed: true}
	}
	return out
}

// untilPages returns a Progress that closes the channel once Pages reaches n.
func untilPages(n int, next func(RetryFailedProgress)) (func(RetryFailedProgress), chan struct{}) {
	ch, once := make(chan struct{}), sync.Once{}
	return func(g RetryFailedProgress) {
		if g.Pages >= n {
			once.Do(func() { close(ch) })
		}
		if next != nil {
			next(g)
		}
	}, ch
}

func waitFor(ch chan struct{}) {
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
	}
}

// TestBothEndsListingDoneStaysTrue: 2,098 files; 20 pages oldest first, then the first
// newest-first page (100 files) meets the oldest-first end while its page 21, a short one
// of 50 with has_more true, is in flight. ListingDone, true after the desc page, must not
// turn false when that asc page is taken.
func TestBothEndsListingDoneStaysTrue(t *testing.T) {
	files := sequentialFiles(2098)
	s, srv := newEndsServer(t, slices.Clone(files))
	s.size = func(order string, k int) int {
		if order == "asc" && k == 20 {
			return 50
		}
		return 100
	}
	log := &progressLog{t: t}
	progress, descTaken := untilPages(21, log.progress)
	s.gate = func(order string, k int) {
		if order == "asc" && k == 20 {
			waitFor(descTaken)
		}
	}
	c := testClient(t, srv.URL, nil)
	rep, err := c.Files.RetryFailed(context.Background(), &RetryFailedOptions{Concurrency: 4, Progress: progress})
	if err != nil || rep.Found != len(files) || rep.Retried != len(files) {
		t.Errorf("RetryFailed = found %d retried %d in %d pages, %v", rep.Found, rep.Retried, rep.Pages, err)
	}
	s.checkOnce(t, files)
	log.check(t)
}

// TestBothEndsCursorFileRetriedByTheOtherEnd: a tie of 10 files (g0..g9) at one second
// straddles both ends' pages. The newest-first page ends at g5 and retries g9..g6 at once;
// the oldest-first page ends at g8, which it skips as the other end's, yet g8 becomes its
// cursor. A server that resolves cursors among the failed files only (writertest's
// WithFilteredCursors) refuses after=g8: the run ends with a 400 where one end alone holds
// its cursor file back and completes.
func TestBothEndsCursorFileRetriedByTheOtherEnd(t *testing.T) {
	files := sequentialFiles(2100)
	for i := 2000; i < 2010; i++ {
		files[i].t = files[2000].t
	}
	s, srv := newEndsServer(t, slices.Clone(files))
	s.filtered = true
	g8 := files[2008].id
	s.size = func(order string, k int) int {
		switch {
		case order == "asc" && k == 20:
			return 9 // g0..g8
		case order == "desc" && k == 0:
			return 95 // 2099..2010, g9..g5
		}
		return 100
	}
	progress, descTaken := untilPages(21, nil)
	s.gate = func(order string, k int) {
		switch {
		case order == "asc" && k == 20:
			waitFor(descTaken)
		case order == "asc" && k == 21:
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				s.mu.Lock()
				n := s.retried[g8]
				s.mu.Unlock()
				if n > 0 {
					break
				}
			}
		}
	}
	c := testClient(t, srv.URL, nil)
	rep, err := c.Files.RetryFailed(context.Background(), &RetryFailedOptions{Concurrency: 4, BatchSize: 1, Progress: progress})
	if err != nil || rep.Found != len(files) || rep.Retried != len(files) {
		t.Errorf("RetryFailed = found %d retried %d in %d pages, %v; want all %d", rep.Found, rep.Retried, rep.Pages, err, len(files))
	}
	s.checkOnce(t, files)
}

// TestBothEndsIgnoredOrderOnePerPage: a server that ignores order=desc and answers one
// file per page. The newest-first listing's first page is then the oldest file, a page of
// one "in newest-first order", which the oldest-first end has passed: the listing must not
// end there.
func TestBothEndsIgnoredOrderOnePerPage(t *testing.T) {
	files := sequentialFiles(60)
	s, srv := newEndsServer(t, slices.Clone(files))
	s.ignore = true
	s.size = func(string, int) int { return 1 }
	c := testClient(t, srv.URL, nil)
	rep, err := c.Files.RetryFailed(context.Background(), &RetryFailedOptions{Concurrency: 2})
	if err != nil || rep.Found != len(files) || rep.Retried != len(files) {
		t.Errorf("RetryFailed = found %d retried %d in %d pages, %v; want all %d", rep.Found, rep.Retried, rep.Pages, err, len(files))
	}
	s.checkOnce(t, files)
}

// produces counts the goroutines in produce (a run's lister).
func produces() int {
	buf := make([]byte, 4<<20)
	return strings.Count(string(buf[:runtime.Stack(buf, true)]), "(*job).produce(")
}

// noProduce fails unless at most before goroutines are in produce within 5 s.
func noProduce(t *testing.T, before int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if produces() <= before {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("a goroutine of the run is left")
		}
	}
}

func TestBothEndsStopsMidListing(t *testing.T) {
	for _, how := range []string{"401", "cancel", "panic late"} {
		t.Run(how, func(t *testing.T) {
			files := sequentialFiles(4000)
			s, srv := newEndsServer(t, slices.Clone(files))
			s.gate = func(string, int) { time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond) }
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			opts := &RetryFailedOptions{Concurrency: 3, BatchSize: 7}
			switch how {
			case "401":
				s.deny = 300
			case "cancel":
				opts.Progress = func(g RetryFailedProgress) {
					if g.Pages == 25 {
						cancel()
					}
				}
			case "panic late":
				opts.Progress = func(g RetryFailedProgress) {
					if g.Pages >= 25 {
						panic("late")
					}
				}
			}
			c := testClient(t, srv.URL, nil)
			before := produces()
			var err error
			func() {
				defer func() { _ = recover() }()
				_, err = c.Files.RetryFailedAndWait(ctx, opts)
			}()
			if how != "panic late" && err == nil {
				t.Errorf("RetryFailedAndWait = nil error, want the stop")
			}
			noProduce(t, before)
			s.mu.Lock()
			defer s.mu.Unlock()
			for id, n := range s.retried {
				if n > 1 {
					t.Fatalf("%s retried %d times", id, n)
				}
			}
		})
	}
}
