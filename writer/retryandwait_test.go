package writer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitServer answers the list pages of failed files in turn, accepts every retry request
// (401 to one whose last id ends in 401), and answers the wait's reads, by list page or by
// GET, with status(id, GETs of id so far).
type waitServer struct {
	mu      sync.Mutex
	pages   []string
	retried []string
	status  func(id string, gets int) string
	gets    map[string]int
	more    bool // failed pages of the wait say has_more, with a file of another run
	refuse  bool // in_progress pages hold one file, and a cursor is answered 400
	firsts  int  // in_progress listings started (pages without a cursor)
}

func fileOf(id, status string) string {
	return fmt.Sprintf(`{"id":%q,"name":"a.pdf","created_at":"2026-01-01T00:00:01Z","graph_ids":[],"status":%q}`, id, status)
}

func (s *waitServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch status := r.URL.Query().Get("status"); {
	case r.Method == http.MethodPost:
		var body struct {
			FileIDs []string `json:"file_ids"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		if strings.HasSuffix(body.FileIDs[len(body.FileIDs)-1], "401") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		s.retried = append(s.retried, body.FileIDs...)
		_, _ = io.WriteString(w, `{"success":true}`)
	case r.URL.Path != "/v1/files":
		id := strings.TrimPrefix(r.URL.Path, "/v1/files/")
		s.gets[id]++
		_, _ = io.WriteString(w, fileOf(id, s.status(id, s.gets[id])))
	case status == "failed" && len(s.pages) > 0:
		_, _ = io.WriteString(w, s.pages[0])
		s.pages = s.pages[1:]
	default:
		var listed []string
		for _, id := range s.retried {
			if s.status(id, s.gets[id]) == status {
				listed = append(listed, fileOf(id, status))
			}
		}
		more := s.more && status == "failed"
		if more {
			listed = append(listed, fileOf(uD, status))
		}
		if status == "in_progress" && s.refuse {
			if r.URL.Query().Get("after") != "" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			s.firsts++
			more, listed = len(listed) > 1, listed[:min(1, len(listed))]
		}
		_, _ = fmt.Fprintf(w, `{"data":[%s],"has_more":%t}`, strings.Join(listed, ","), more)
	}
}

func runWait(t *testing.T, s *waitServer) (RetryFailedReport, error) {
	t.Helper()
	s.gets = map[string]int{}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return testClient(t, srv.URL, nil).Files.RetryFailedAndWait(ctx, &RetryFailedOptions{BatchSize: 2, Concurrency: 1, PollInterval: 4 * time.Millisecond})
}

func TestWaitCountsAFileTheServerRepeatsOnce(t *testing.T) {
	// The last page repeats uA under a later created_at: it is sent again, but waited for once.
	s := &waitServer{pages: []string{pageOf(true, uA+"@1", uB+"@2"), pageOf(true, uC+"@3", uD+"@4"), pageOf(false, uA+"@5")},
		status: func(string, int) string { return "completed" }}
	rep, err := runWait(t, s)
	if err != nil || rep.Retried != 5 || rep.Completed != 4 || rep.InProgress != 0 {
		t.Errorf("RetryFailedAndWait = retried %d completed %d in progress %d, %v; want 5 sent, the 4 files completed once each", rep.Retried, rep.Completed, rep.InProgress, err)
	}
}

func TestWaitGoesOnWhileAGetFindsAFileInProgress(t *testing.T) {
	// The listings leave uA out (the failed one costs as much as a GET), but its GETs say
	// in_progress twice: the wait reads it again until it is done, and ends with nothing
	// in progress.
	s := &waitServer{pages: []string{pageOf(false, uA+"@1", uB+"@2")}, more: true, status: func(id string, gets int) string {
		switch {
		case id == uA && gets == 0:
			return "left out"
		case id == uA && gets < 3:
			return "in_progress"
		}
		return "completed"
	}}
	rep, err := runWait(t, s)
	if err != nil || rep.Completed != 2 || rep.InProgress != 0 {
		t.Errorf("RetryFailedAndWait = completed %d in progress %d, %v; want 2 completed, none in progress", rep.Completed, rep.InProgress, err)
	}
}

func TestWaitThatNeverStartedCountsTheAcceptedFilesInProgress(t *testing.T) {
	// The second retry request is answered 401: the run stops before the wait, and the
	// files of the first are counted in progress (their outcome was not read).
	s := &waitServer{pages: []string{pageOf(false, uA+"@1", uB+"@2", uC+"@3", "00000000-0000-4000-8000-000000000401@4")},
		status: func(string, int) string { return "completed" }}
	rep, err := runWait(t, s)
	if !errors.Is(err, ErrUnauthorized) || rep.Retried != 2 || rep.InProgress != 2 {
		t.Errorf("RetryFailedAndWait = retried %d in progress %d, %v; want 2 and 2, and ErrUnauthorized", rep.Retried, rep.InProgress, err)
	}
}

func TestWaitListsAgainAfterARefusedCursor(t *testing.T) {
	// Every in_progress cursor is refused: that round reads the waiting files by GET, and
	// the next round lists again rather than reading by GET for the rest of the wait.
	s := &waitServer{pages: []string{pageOf(false, uA+"@1", uB+"@2", uC+"@3")}, refuse: true, status: func(id string, gets int) string {
		if id != uC && gets < 2 {
			return "in_progress"
		}
		return "completed"
	}}
	rep, err := runWait(t, s)
	if err != nil || rep.Completed != 3 || s.firsts < 2 {
		t.Errorf("RetryFailedAndWait = completed %d, %v, after %d in_progress listings; want 3 completed, and a listing in each round", rep.Completed, err, s.firsts)
	}
}
