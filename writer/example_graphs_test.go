package writer_test

import (
	"context"
	"fmt"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// Ids of the Knowledge Graphs the graph examples seed into their fake.
const (
	docsGraphID  = "4d5e6f70-8192-4a3b-9c4d-5e6f708192a3"
	salesGraphID = "5e6f7081-92a3-4b4c-8d5e-6f708192a3b4"
)

// fakeGraphs starts a fake holding the files of fakeWriter and two graphs: Docs, created
// first, holds the handbook (failed) and the notes (in progress); Sales is empty.
func fakeGraphs() *writertest.Server {
	srv := writertest.Start()
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.AddGraphs(
		writertest.Graph{ID: docsGraphID, Name: "Docs", CreatedAt: created},
		writertest.Graph{ID: salesGraphID, Name: "Sales", CreatedAt: created.Add(time.Hour)},
	)
	srv.AddFiles(
		writertest.File{ID: handbookID, Name: "handbook.pdf", Status: writer.StatusFailed, GraphIDs: []string{docsGraphID}},
		writertest.File{ID: pricingID, Name: "pricing.csv", Status: writer.StatusCompleted},
		writertest.File{ID: notesID, Name: "notes.txt", Status: writer.StatusInProgress, GraphIDs: []string{docsGraphID}},
	)
	return srv
}

func ExampleGraphsService_Get() {
	srv := fakeGraphs()
	defer srv.Close()
	client := srv.Client()

	// One request tells how the graph's files stand.
	g, err := client.Graphs.Get(context.Background(), docsGraphID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fs := g.FileStatus
	fmt.Printf("%s: %d files, %d in progress, %d completed, %d failed\n", g.Name, fs.Total, fs.InProgress, fs.Completed, fs.Failed)
	// Output: Docs: 2 files, 1 in progress, 0 completed, 1 failed
}

func ExampleGraphsService_List() {
	srv := fakeGraphs()
	defer srv.Close()
	client := srv.Client()

	// Every page is requested in turn; the loop ends after the last graph or the first error.
	for g, err := range client.Graphs.List(context.Background(), &writer.GraphListOptions{Order: writer.OrderAsc}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(g.Name, g.FileStatus.Total)
	}
	// Output:
	// Docs 2
	// Sales 0
}

func ExampleGraphsService_ListPage() {
	srv := fakeGraphs()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	opts := &writer.GraphListOptions{Order: writer.OrderAsc, Limit: 1}
	first, err := client.Graphs.ListPage(ctx, opts, writer.Cursor{})
	if err != nil {
		fmt.Println(err)
		return
	}
	next, err := client.Graphs.ListPage(ctx, opts, writer.Cursor{After: first.LastID})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(first.Graphs[0].Name, first.HasMore)
	fmt.Println(next.Graphs[0].Name, next.HasMore)
	// Output:
	// Docs true
	// Sales false
}

func ExampleGraphsService_AddFile() {
	srv := fakeGraphs()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	f, err := client.Graphs.AddFile(ctx, salesGraphID, pricingID)
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := client.Graphs.Get(ctx, salesGraphID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Name, f.GraphIDs)
	fmt.Println(g.Name, g.FileStatus.Total, "file,", g.FileStatus.Completed, "completed")
	// Output:
	// pricing.csv [5e6f7081-92a3-4b4c-8d5e-6f708192a3b4]
	// Sales 1 file, 1 completed
}

func ExampleGraphsService_RemoveFile() {
	srv := fakeGraphs()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	// The file leaves the graph; it stays stored.
	if err := client.Graphs.RemoveFile(ctx, docsGraphID, handbookID); err != nil {
		fmt.Println(err)
		return
	}
	f, err := client.Files.Get(ctx, handbookID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Name, f.Status, f.GraphIDs)
	// Output: handbook.pdf failed []
}
