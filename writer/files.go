package writer

import (
	"bytes"
	"context"
	"errors"
	"net/http"
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
// The workflow built on them, paced by a client-side rate limiter:
//
//	RetryFailed     retry every failed file, page by page, in batches
//	WaitProcessed   poll files until none is in_progress
type FilesService service

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

// ErrNotDeleted means DELETE /v1/files/{file_id} answered 200 with "deleted": false.
var ErrNotDeleted = errors.New("writer: file not deleted")

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
// fileID is checked before any request: an empty id, "." or "..", or one containing '/',
// '\', '?', '#', '%', a control character or invalid UTF-8 returns an error matching
// ErrInvalidInput naming file_id. Ids need not be UUIDs (the spec declares a string).
// Failures return *Error: ErrNotFound for an unknown id, ErrGone for a deleted or expired
// file, and the other status sentinels. The call is retried as the client's policy allows.
func (s *FilesService) Get(ctx context.Context, fileID string) (File, error) {
	if err := checkFileID("file_id", -1, fileID); err != nil {
		return File{}, err
	}
	return s.sendFile(ctx, &call{op: opGet}, func(ctx context.Context) (*http.Response, error) {
		return s.client.api.GatewayGetFile(ctx, fileID)
	})
}

// sendFile runs an operation whose 200 body is file_response and converts the body to a File.
func (s *FilesService) sendFile(ctx context.Context, cl *call, fn func(context.Context) (*http.Response, error)) (File, error) {
	resp, err := s.client.send(ctx, cl, fn)
	if err != nil {
		return File{}, err
	}
	var out api.FileResponse
	if err := decodeJSON(resp, cl, &out); err != nil {
		return File{}, err
	}
	return fileFrom(out), nil
}

// Delete removes a file permanently: DELETE /v1/files/{file_id} (operationId
// gatewayDeleteFile), answered by delete_file_response {id, deleted}.
//
// fileID is checked as in Get. Failures return *Error matching the status sentinels
// (ErrNotFound for an unknown id); a 200 with "deleted": false returns *Error matching
// ErrNotDeleted. DELETE is idempotent and is retried as the client's policy allows: if an
// attempt deleted the file but its answer was lost, the retry answers 404, so ErrNotFound
// with Error.Attempts > 1 means the file is gone all the same.
func (s *FilesService) Delete(ctx context.Context, fileID string) error {
	if err := checkFileID("file_id", -1, fileID); err != nil {
		return err
	}
	cl := &call{op: opDelete}
	resp, err := s.client.send(ctx, cl, func(ctx context.Context) (*http.Response, error) {
		return s.client.api.GatewayDeleteFile(ctx, fileID)
	})
	if err != nil {
		return err
	}
	var out api.DeleteFileResponse
	if err := decodeJSON(resp, cl, &out); err != nil {
		return err
	}
	if !out.Deleted {
		e := responseError(cl, resp, nil)
		e.Err = ErrNotDeleted
		return e
	}
	return nil
}

// Retry asks Writer to process the given failed files again: one POST /v1/files/retry
// (operationId gatewayRetryFailedFiles) with body retry_files_request {"file_ids": [...]}.
//
// fileIDs are file ids as UUIDs (8-4-4-4-12 hexadecimal digits). They are checked before
// any request is sent: an empty list, or an id that is not a UUID, returns an error matching
// ErrInvalidInput that names the position and the value. A repeated id is sent once (the
// published example repeats one id; processing a file twice at once has no use).
//
// Retrying is asynchronous: nil means Writer accepted the request (status 200) and the files
// are queued; poll their status with Get or WaitProcessed. The response field "success" is
// optional in the spec: when absent, the 200 alone counts as accepted; "success": false
// returns an *Error with StatusCode 200 matching ErrRetryNotAccepted. Other failures return
// *Error matching the status sentinels (ErrUnauthorized, ErrNotFound, ErrRateLimited,
// ErrServer, ...). The call is retried as the client's retry policy allows: queueing a file
// again is harmless. To retry every failed file, use RetryFailed.
func (s *FilesService) Retry(ctx context.Context, fileIDs []string) error {
	ids, err := checkUUIDs("file_ids", fileIDs)
	if err != nil {
		return err
	}
	return s.retry(ctx, ids)
}

// retry sends one POST /v1/files/retry with ids, UUIDs in canonical form that checkUUIDs or
// parseUUID accepted. The request body is written by retryFilesBody (see jsonbody.go).
func (s *FilesService) retry(ctx context.Context, ids []string) error {
	body := retryFilesBody(ids)
	cl := &call{op: opRetry}
	resp, err := s.client.send(ctx, cl, func(ctx context.Context) (*http.Response, error) {
		return s.client.api.GatewayRetryFailedFilesWithBody(ctx, "application/json", bytes.NewReader(body))
	})
	if err != nil {
		return err
	}
	var out retryFilesResponse
	if err := decodeJSON(resp, cl, &out); err != nil {
		return err
	}
	if out.Success != nil && !*out.Success {
		e := responseError(cl, resp, nil)
		e.Err = ErrRetryNotAccepted
		return e
	}
	return nil
}
