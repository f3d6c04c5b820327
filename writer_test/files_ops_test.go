package writer_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

func TestGetReturnsTheFile(t *testing.T) {
	client, srv := setup(t, nil)
	created := time.Date(2024, 7, 10, 13, 34, 28, 301201000, time.UTC)
	srv.AddFiles(writertest.File{ID: idA, Name: "example.pdf", Status: writertest.StatusCompleted, GraphIDs: []string{graphA}, CreatedAt: created})

	f, err := client.Files.Get(context.Background(), idA)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if f.ID != idA || f.Name != "example.pdf" || f.Status != writer.StatusCompleted || !f.CreatedAt.Equal(created) ||
		len(f.GraphIDs) != 1 || f.GraphIDs[0] != graphA {
		t.Errorf("Get = %+v", f)
	}
}

func TestGetKeepsUnknownStatusAndNonUUIDIDs(t *testing.T) {
	client, srv := setup(t, nil)
	srv.AddFiles(writertest.File{ID: "file_123", Name: "a.txt", Status: "queued"})
	f, err := client.Files.Get(context.Background(), "file_123")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if f.Status != "queued" || f.ID != "file_123" {
		t.Errorf("Get = %+v, want id file_123 and status queued kept as sent", f)
	}
}

func TestDeleteThenGetAndDownloadAreNotFound(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	ctx := context.Background()
	if err := client.Files.Delete(ctx, idA); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, ok := srv.File(idA); ok {
		t.Error("the server still holds the deleted file")
	}
	if _, err := client.Files.Get(ctx, idA); !errors.Is(err, writer.ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
	if d, err := client.Files.Download(ctx, idA); !errors.Is(err, writer.ErrNotFound) || d != nil {
		t.Errorf("Download after Delete = %v, %v; want nil, ErrNotFound", d, err)
	}
	if err := client.Files.Delete(ctx, idA); !errors.Is(err, writer.ErrNotFound) {
		t.Errorf("second Delete = %v, want ErrNotFound", err)
	}
	if _, err := client.Files.Get(ctx, idB); err != nil {
		t.Errorf("Get of another file: %v", err)
	}
}

func TestDeleteNotDeletedIsAnError(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"id":"` + idA + `","deleted":false}`})
	err := client.Files.Delete(context.Background(), idA)
	var apiErr *writer.Error
	if !errors.Is(err, writer.ErrNotDeleted) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusOK {
		t.Fatalf("Delete = %v, want *Error with status 200 matching ErrNotDeleted", err)
	}
}

func TestFileIDsThatLeaveThePathAreRefusedBeforeSending(t *testing.T) {
	client, srv := setup(t, nil)
	ctx := context.Background()
	bad := []string{"", ".", "..", "a/b", "../files", "a?b", "a#b", "a%2Fb", `a\b`, "a\nb", "a\x00", "a\x7f", "\xff"}
	ops := map[string]func(string) error{
		"Get":      func(id string) error { _, err := client.Files.Get(ctx, id); return err },
		"Delete":   func(id string) error { return client.Files.Delete(ctx, id) },
		"Download": func(id string) error { _, err := client.Files.Download(ctx, id); return err },
		"WaitProcessed": func(id string) error {
			_, err := client.Files.WaitProcessed(ctx, []string{idA, id}, nil)
			return err
		},
	}
	for name, op := range ops {
		for _, id := range bad {
			err := op(id)
			want := "file_id"
			if name == "WaitProcessed" {
				want = "fileIDs[1]"
			}
			if !errors.Is(err, writer.ErrInvalidInput) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s(%q) = %v, want ErrInvalidInput naming %s", name, id, err, want)
			}
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestPlainFileIDsAreEscapedIntoOnePathSegment(t *testing.T) {
	client, srv := setup(t, nil)
	const id = "file 1+ü"
	srv.AddFiles(writertest.File{ID: id, Name: "x.txt", Status: writertest.StatusCompleted})
	f, err := client.Files.Get(context.Background(), id)
	if err != nil || f.ID != id {
		t.Fatalf("Get(%q) = %+v, %v", id, f, err)
	}
	if got := srv.Requests()[0].Path; got != "/v1/files/"+id {
		t.Errorf("path = %q", got)
	}
}
