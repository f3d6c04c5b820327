package writertest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/writerfiles/writer-go/writer"
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

// graphForms are one graph id in the forms uuid.Parse takes.
var graphForms = []string{testGraph, strings.ToUpper(testGraph), strings.ReplaceAll(testGraph, "-", ""), "urn:uuid:" + testGraph, "{" + testGraph + "}"}

const testGraph = "31a8b75a-9a90-432f-8861-942229125333"

// TestAddFilesCanonicalGraphIDs: a graph id that uuid.Parse takes in any form is kept in
// canonical form, so that the file is counted in its graph, listed under graph_id and shown
// with the graph's id, as a file added with the canonical id is.
func TestAddFilesCanonicalGraphIDs(t *testing.T) {
	const graph = testGraph
	const file = "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f"
	for _, form := range graphForms {
		srv := NewServer(t)
		srv.AddGraphs(Graph{ID: graph, Name: "Docs"})
		srv.AddFiles(File{ID: file, Name: "a.pdf", Status: writer.StatusFailed, GraphIDs: []string{form}})
		if f, _ := srv.File(file); !slices.Equal(f.GraphIDs, []string{graph}) {
			t.Errorf("%s: File.GraphIDs = %q, want the canonical id", form, f.GraphIDs)
		}
		client := srv.Client()
		g, err := client.Graphs.Get(t.Context(), graph)
		if err != nil || g.ID != graph || g.FileStatus != (writer.GraphFileStatus{Total: 1, Failed: 1}) {
			t.Errorf("%s: graph %+v, %v; want %s holding the one failed file", form, g, err, graph)
		}
		var listed []string
		for f, err := range client.Files.List(t.Context(), &writer.ListOptions{GraphID: graph}) {
			if err != nil {
				t.Fatal(err)
			}
			listed = append(listed, f.ID)
		}
		if !slices.Equal(listed, []string{file}) {
			t.Errorf("%s: listing with graph_id gave %q, want the file", form, listed)
		}
	}
}

// TestAddGraphsCanonicalID: AddGraphs keeps a graph's id as AddFiles keeps a file's graph ids.
func TestAddGraphsCanonicalID(t *testing.T) {
	for _, form := range graphForms {
		srv := NewServer(t)
		srv.AddGraphs(Graph{ID: form, Name: "Docs"})
		srv.AddFiles(File{ID: "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f", Status: writer.StatusCompleted, GraphIDs: []string{form}})
		g, err := srv.Client().Graphs.Get(t.Context(), testGraph)
		if err != nil || g.ID != testGraph || g.FileStatus != (writer.GraphFileStatus{Total: 1, Completed: 1}) {
			t.Errorf("%s: graph %+v, %v; want %s holding the one completed file", form, g, err, testGraph)
		}
	}
}

func TestAddFilesRefusesAGraphIDThatIsNotAUUID(t *testing.T) {
	srv := NewServer(t)
	tb := &fatalTB{TB: t}
	srv.tb = tb
	srv.AddFiles(File{ID: "a", GraphIDs: []string{"31a8b75a-9a90-432f-8861-942229125333"}}, File{ID: "b", GraphIDs: []string{"docs"}})
	if !strings.Contains(tb.msg, `file "b": graph id "docs" is not a UUID`) {
		t.Errorf("Fatalf message %q, want one naming the file and the graph id", tb.msg)
	}
	if len(srv.files) != 0 {
		t.Errorf("stored %d files, want none of a call that failed", len(srv.files))
	}

	started := Start()
	defer started.Close()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `"docs"`) {
			t.Errorf("recovered %v, want a panic naming the graph id", r)
		}
	}()
	started.AddFiles(File{ID: "b", GraphIDs: []string{"docs"}})
}
