package writer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// pageOf is a list answer of failed files given as id@second.
func pageOf(more bool, files ...string) string {
	var data []string
	for _, f := range files {
		id, sec, _ := strings.Cut(f, "@")
		data = append(data, fmt.Sprintf(`{"id":%q,"name":"a.pdf","created_at":"2026-01-01T00:00:%02sZ","graph_ids":[],"status":"failed"}`, id, sec))
	}
	return fmt.Sprintf(`{"data":[%s],"has_more":%t}`, strings.Join(data, ","), more)
}

// scriptedLister returns a lister of a server that answers pages in turn, and the cursors
// it was asked for.
func scriptedLister(t *testing.T, pages ...string) (*lister, *[]string) {
	t.Helper()
	var afters []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		afters = append(afters, r.URL.Query().Get("after"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, pages[min(len(afters), len(pages))-1])
	}))
	t.Cleanup(srv.Close)
	c := testClient(t, srv.URL, nil)
	q, err := noSecrets.checkListOptions("", &ListOptions{Status: StatusFailed, Order: OrderAsc})
	if err != nil {
		t.Fatal(err)
	}
	return newLister(c.Files, q, false), &afters
}

// next reads and takes the lister's next page.
func next(l *lister) (*listed, error) {
	page, err := l.fetch(context.Background())
	if err != nil {
		return nil, err
	}
	return l.take(page)
}

const (
	uA = "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f"
	uB = "1b2e8c4d-6a0f-4d3b-9e7c-2f3a4b5c6d7e"
	uC = "2c3d9e5f-7b1a-4e4c-8d8b-3a4b5c6d7e8f"
	uD = "3d4e0f6a-8c2b-4f5d-9e9c-4b5c6d7e8f90"
	uE = "4e5f1a7b-9d3c-4a6e-8f0d-5c6d7e8f90a1"
)

func idsOf(l *listed) string {
	var s []string
	for _, u := range l.ids {
		s = append(s, u.String()[:2])
	}
	return strings.Join(s, " ")
}

func TestListerHoldsTheCursorFileUntilTheNextPage(t *testing.T) {
	l, afters := scriptedLister(t, pageOf(true, uA+"@1", uB+"@2"), pageOf(false, uC+"@3"))
	first, err := next(l)
	if err != nil || idsOf(first) != "0a" || first.found != 2 || l.done {
		t.Fatalf("page 1 = ids %q found %d last %v, %v; want 0a, 2 found, the cursor file held", idsOf(first), first.found, l.done, err)
	}
	second, err := next(l)
	if err != nil || idsOf(second) != "1b 2c" || !l.done {
		t.Fatalf("page 2 = ids %q last %v, %v; want the held 1b then 2c, and the end", idsOf(second), l.done, err)
	}
	if got := strings.Join(*afters, ","); got != ","+uB {
		t.Errorf("cursors %q, want none then %s", got, uB)
	}
}

func TestListerGivesEachFileOnceWhateverItsSpelling(t *testing.T) {
	// A later page repeats A in upper case in the cursor's second, and B from behind the
	// cursor; a page repeats a non-UUID id: each file is found once.
	l, _ := scriptedLister(t,
		pageOf(true, uA+"@1", "odd@1", "odd@1", uB+"@1"),
		pageOf(true, strings.ToUpper(uA)+"@1", uC+"@2"),
		pageOf(false, uB+"@1", "odd@2", uD+"@3"))
	var ids []string
	found, skipped := 0, 0
	for !l.done {
		page, err := next(l)
		if err != nil {
			t.Fatal(err)
		}
		found, skipped = found+page.found, skipped+len(page.skipped)
		if s := idsOf(page); s != "" {
			ids = append(ids, s)
		}
	}
	if got := strings.Join(ids, " "); got != "0a 1b 2c 3d" || found != 5 || skipped != 1 {
		t.Errorf("ids %q found %d skipped %d; want 0a 1b 2c 3d, 5 found, odd skipped once", got, found, skipped)
	}
}

func TestListerRefusesACursorThatGoesBack(t *testing.T) {
	l, _ := scriptedLister(t, pageOf(true, uA+"@5", uB+"@6"), pageOf(true, uC+"@7", uD+"@1"))
	if _, err := next(l); err != nil {
		t.Fatal(err)
	}
	page, err := next(l)
	if !errors.Is(err, ErrInvalidResponse) || !errors.Is(err, errCursorBack) || page == nil || page.found != 1 {
		t.Errorf("page 2 = %+v, %v; want its files counted and ErrInvalidResponse", page, err)
	}
}

func TestListerForgetsWhatTheCursorHasPassed(t *testing.T) {
	var files []string
	for i := range 100 {
		files = append(files, uuid.NewSHA1(uuid.Nil, []byte{byte(i)}).String()+fmt.Sprintf("@%d", i/2))
	}
	l, _ := scriptedLister(t, pageOf(true, files[:50]...), pageOf(true, files[50:]...), pageOf(false))
	for !l.done {
		if _, err := next(l); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(l.taken); n > 52 {
		t.Errorf("the lister keeps %d ids after 100 files, want those of the last page's time only", n)
	}
}

// scriptedEnds returns two listers of scripted servers, oldest first and newest first,
// linked as the two ends of one listing.
func scriptedEnds(t *testing.T, ascPages, descPages []string) (asc, desc *lister) {
	t.Helper()
	asc, _ = scriptedLister(t, ascPages...)
	desc, _ = scriptedLister(t, descPages...)
	desc.desc, asc.other, desc.other = true, desc, asc
	return asc, desc
}

func TestListersFromBothEndsGiveEachFileOnce(t *testing.T) {
	// Each end stops at the first file the other holds: there the listing is complete.
	asc, desc := scriptedEnds(t,
		[]string{pageOf(true, uA+"@1", uB+"@2"), pageOf(false, uC+"@3", uD+"@4")},
		[]string{pageOf(true, uD+"@4", uC+"@3"), pageOf(true, uB+"@2", uA+"@1")})
	var ids []string
	found := 0
	for _, l := range []*lister{asc, desc, asc, desc} {
		page, err := next(l)
		if err != nil {
			t.Fatal(err)
		}
		found += page.found
		ids = append(ids, idsOf(page))
	}
	if got := strings.Join(ids, "|"); got != "0a|3d|1b|2c" || found != 4 || !asc.met || !desc.met {
		t.Errorf("ids by page %q, found %d, met %v %v; want 0a|3d|1b|2c (the cursor files held back), 4, both met", got, found, asc.met, desc.met)
	}
}

func TestListerNewestFirstTakesNothingFromAPageNotInThatOrder(t *testing.T) {
	for name, page := range map[string]string{
		"oldest first": pageOf(true, uA+"@1", uB+"@2"),
		"one time":     pageOf(true, uC+"@3", uD+"@3"),
	} {
		t.Run(name, func(t *testing.T) {
			_, desc := scriptedEnds(t, []string{pageOf(false)}, []string{page})
			got, err := next(desc)
			if err != nil || got.found != 0 || len(got.ids) != 0 || !desc.done || desc.met || len(desc.taken) != 0 {
				t.Errorf("page = %+v, %v, done %v; want nothing taken and the end of that listing", got, err, desc.done)
			}
		})
	}
}

func TestListersFromBothEndsTakeEveryFileOfATieAtTheirMeeting(t *testing.T) {
	// B, C and D share a time, which both ends list by id: the oldest-first end meets the
	// other past the tie, not at B, the tied file the other took.
	asc, desc := scriptedEnds(t,
		[]string{pageOf(true, uA+"@1"), pageOf(true, uB+"@2"), pageOf(false, uC+"@2", uD+"@2", uE+"@3")},
		[]string{pageOf(true, uE+"@3", uB+"@2")})
	var ids []string
	for _, l := range []*lister{asc, desc, asc, asc} {
		if l.done {
			t.Fatalf("the oldest-first end stopped after pages %q", ids)
		}
		page, err := next(l)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, idsOf(page))
	}
	if got := strings.Join(ids, "|"); got != "|4e|0a|2c 3d" || !asc.met || !slices.Equal(desc.held, []uuid.UUID{uuid.MustParse(uB)}) {
		t.Errorf("ids by page %q, met %v, held %v; want |4e|0a|2c 3d, met, 1b held by the newest-first end", got, asc.met, desc.held)
	}
}
