package writertest

import (
	"fmt"
	"strings"
	"testing"
)

func TestAddGraphsRefusesAnIDThatIsNotAUUID(t *testing.T) {
	srv := NewServer(t)
	tb := &fatalTB{TB: t}
	srv.tb = tb
	srv.AddGraphs(Graph{ID: "4d5e6f70-8192-4a3b-9c4d-5e6f708192a3", Name: "Docs"}, Graph{ID: "docs", Name: "Docs"})
	if !strings.Contains(tb.msg, `"docs"`) {
		t.Errorf("Fatalf message %q, want one naming the id", tb.msg)
	}
	if len(srv.graphs) != 0 {
		t.Errorf("stored %d graphs, want none of a call that failed", len(srv.graphs))
	}

	started := Start()
	defer started.Close()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `"docs"`) {
			t.Errorf("recovered %v, want a panic naming the id", r)
		}
	}()
	started.AddGraphs(Graph{ID: "docs"})
}
