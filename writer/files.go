package writer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/writerfiles/writer-go/api"
)

// FilesService is Writer's File API (spec tag "File API", paths under /v1/files), reached
// as Client.Files. Each method checks its arguments before any request (ErrInvalidInput),
// and returns *Error for every failure that reached the network.
//
// The six operations, one request each (retried as the client's RetryPolicy allows):
//
//	List, ListPage  GET    /v1/files                          gatewayGetFiles
//	Get             GET    /v1/files/{file_id}                gatewayGetFile
//	Upload          POST   /v1/files                          gatewayUploadFile
//	Download        GET    /v1/files/{file_id}/download       gatewayDownloadFile
//	Delete          DELETE /v1/files/{file_id}                gatewayDeleteFile
//	Retry           POST   /v1/files/retry                    gatewayRetryFailedFiles
//
// The workflow built on them (every call of the Client waits for its pace):
//
//	RetryFailed         retry every failed file, page by page, in batches
//	RetryFailedAndWait  RetryFailed, then wait for the accepted files by list pages
//	WaitProcessed       poll files until none is in_progress
type FilesService struct {
	client *Client
}

// File is a file stored by Writer: the spec's file_response.
type File struct {
	// ID is file_response.id. It is usually a UUID, but the spec declares a plain string.
	ID string
	// Name is the file name given at upload (file_response.name).
	Name string
	// CreatedAt is when the file was uploaded (file_response.created_at, RFC 3339).
	CreatedAt time.Time
	// GraphIDs are the ids (UUIDs) of the Knowledge Graphs the file belongs to
	// (file_response.graph_ids). Empty in the answer to Upload even when a graph was given:
	// Writer shows the link only on later reads.
	GraphIDs []string
	// Status is the file's processing status (file_response.status).
	Status Status
	// Extra holds the properties of file_response that the spec this version was generated
	// from does not declare, keyed by name, as raw JSON; nil when there are none.
	Extra map[string]json.RawMessage
}

// Status is a file's processing status, file_response.status. The spec gives the field no
// enum: values other than the constants below are kept as Writer sent them.
type Status string

// The processing statuses Writer documents.
const (
	// StatusInProgress: the file is being processed (after upload or retry).
	StatusInProgress Status = "in_progress"
	// StatusCompleted: the file was processed.
	StatusCompleted Status = "completed"
	// StatusFailed: processing failed; FilesService.Retry can queue it again.
	StatusFailed Status = "failed"
)

// fileFrom converts the generated file_response to a File.
func fileFrom(r api.FileResponse) File {
	f := File{ID: r.Id, Name: r.Name, CreatedAt: r.CreatedAt, Status: Status(r.Status), GraphIDs: make([]string, len(r.GraphIds))}
	for i, g := range r.GraphIds {
		f.GraphIDs[i] = g.String()
	}
	return f
}

// Get returns one file's metadata and status: GET /v1/files/{file_id} (operationId
// gatewayGetFile).
//
// fileID is checked first: an empty id, "." or "..", or one containing '/', '\', '?', '#',
// '%', a control character or invalid UTF-8 is an *InputError for file_id. Ids need not be
// UUIDs (the spec declares a string). Failures return *Error: ErrNotFound for an unknown id,
// ErrGone for a deleted or expired file, ErrInvalidResponse for an answer that is not a
// file_response about fileID, and the other status sentinels; the *Error's FileID is fileID.
func (s *FilesService) Get(ctx context.Context, fileID string) (File, error) {
	if err := s.client.key.checkFileID("file_id", -1, fileID); err != nil {
		return File{}, err
	}
	r, err := s.client.do(ctx, &operation{id: opGet, request: func(int) (*http.Request, error) {
		return api.NewGatewayGetFileRequest(s.client.server, fileID)
	}})
	if err != nil {
		return File{}, s.client.key.withIDs(err, fileID, "")
	}
	f, err := r.file()
	if err == nil && !sameID(f.ID, fileID) {
		err = r.fail(fmt.Errorf("%w: the answer is about file %q, not the one asked for", ErrInvalidResponse, oneLine(r.key.redact(f.ID), 80)))
	}
	if err != nil {
		return File{}, s.client.key.withIDs(err, fileID, "")
	}
	return f, nil
}

// file decodes the answer as a file_response, whose required properties must be present.
func (r *reply) file() (File, error) {
	var out api.FileResponse
	body, err := r.decodeShaped(&out, fileShape)
	if err != nil {
		return File{}, err
	}
	if missing := missingFileProperty(out); missing != "" {
		return File{}, r.fail(fmt.Errorf("%w: file_response without %s", ErrInvalidResponse, missing))
	}
	f := fileFrom(out)
	if body != nil {
		f.Extra = extraOf(body, fileShape[0])
	}
	return f, nil
}

// missingFileProperty names the first required property of file_response that f lacks
// (id, status and created_at count as missing when empty, graph_ids when absent or null),
// or returns "". A missing name reads as "".
func missingFileProperty(f api.FileResponse) string {
	switch {
	case f.Id == "":
		return "id"
	case f.Status == "":
		return "status"
	case f.CreatedAt.IsZero():
		return "created_at"
	case f.GraphIds == nil:
		return "graph_ids"
	}
	return ""
}

// sameID reports whether an answer's id names the file asked for: equal, or the same UUID
// in another case.
func sameID(got, asked string) bool {
	return got == asked || (len(got) == 36 && strings.EqualFold(got, asked))
}

// Delete removes a file permanently: DELETE /v1/files/{file_id} (operationId
// gatewayDeleteFile). Success is 204 No Content, or 2xx with delete_file_response
// {"id": fileID, "deleted": true}.
//
// fileID is checked as in Get. Failures return *Error (FileID: fileID) matching the status
// sentinels (ErrNotFound for an unknown id), ErrNotDeleted for "deleted": false, and
// ErrInvalidResponse for a body without id or deleted, or about another id. DELETE is
// retried as the client's policy allows: ErrNotFound with Error.Attempts > 1 means an
// earlier attempt may have deleted the file.
func (s *FilesService) Delete(ctx context.Context, fileID string) error {
	if err := s.client.key.checkFileID("file_id", -1, fileID); err != nil {
		return err
	}
	var out api.DeleteFileResponse
	err := s.client.doJSON(ctx, &operation{id: opDelete, request: func(int) (*http.Request, error) {
		return api.NewGatewayDeleteFileRequest(s.client.server, fileID)
	}}, &out, deletedFile(&out, fileID))
	return s.client.key.withIDs(err, fileID, "")
}

// deletedFile returns the check of out, the delete_file_response of a call about fileID:
// ErrInvalidResponse for a body without id or deleted or about another file, ErrNotDeleted
// for "deleted": false.
func deletedFile(out *api.DeleteFileResponse, fileID string) func(r *reply) error {
	return func(r *reply) error {
		switch {
		case out.Id == "" || out.Deleted == nil:
			return r.fail(fmt.Errorf("%w: delete_file_response without id or deleted", ErrInvalidResponse))
		case !sameID(out.Id, fileID):
			return r.fail(fmt.Errorf("%w: the answer is about file %q, not the one asked for", ErrInvalidResponse, oneLine(r.key.redact(out.Id), 80)))
		case !*out.Deleted:
			return r.fail(ErrNotDeleted)
		}
		return nil
	}
}

// Retry asks Writer to process the given failed files again: one POST /v1/files/retry
// (operationId gatewayRetryFailedFiles) with retry_files_request {"file_ids": [...]}.
//
// fileIDs must be UUIDs (8-4-4-4-12 hexadecimal digits); an empty list or another id is an
// *InputError for file_ids naming the position. A repeated id is sent once. nil means
// Writer accepted the request (200, or 204 No Content) and queued the files: poll them with
// Get or WaitProcessed. "success": false is an *Error matching ErrRetryNotAccepted; other
// failures return *Error matching the status sentinels. Queueing a file twice is harmless,
// so the call is retried as the client's policy allows. To retry every failed file, use
// RetryFailed.
func (s *FilesService) Retry(ctx context.Context, fileIDs []string) error {
	ids, err := s.client.key.checkUUIDs("file_ids", fileIDs)
	if err != nil {
		return err
	}
	return s.retry(ctx, ids)
}

// retry sends one POST /v1/files/retry with ids, UUIDs that checkUUIDs or parseUUID accepted,
// in lower case as uuid.UUID.String writes them.
func (s *FilesService) retry(ctx context.Context, ids []string) error {
	body := api.RetryFilesRequest{FileIds: lowerUUIDs(ids)}
	var out api.RetryFilesResponse
	return s.client.doJSON(ctx, &operation{id: opRetry, request: func(int) (*http.Request, error) {
		return api.NewGatewayRetryFailedFilesRequest(s.client.server, body)
	}}, &out, func(r *reply) error {
		if out.Success != nil && !*out.Success {
			return r.fail(ErrRetryNotAccepted)
		}
		return nil
	})
}
