package writer

import (
	"bytes"
	"context"
	"net/http"
)

// FilesService is Writer's File API (spec tag "File API", paths under /v1/files).
type FilesService service

// Retry asks Writer to process the given failed files again: one POST /v1/files/retry
// (operationId gatewayRetryFailedFiles) with body retry_files_request {"file_ids": [...]}.
//
// fileIDs are file ids as UUIDs (8-4-4-4-12 hexadecimal digits). They are checked before
// any request is sent: an empty list, or an id that is not a UUID, returns an error matching
// ErrInvalidInput that names the position and the value. A repeated id is sent once (the
// published example repeats one id; processing a file twice at once has no use).
//
// Retrying is asynchronous: nil means Writer accepted the request (status 200) and the files
// are queued; poll their status with GET /v1/files/{file_id}. The response field "success" is
// optional in the spec: when absent, the 200 alone counts as accepted; "success": false
// returns an *Error with StatusCode 200 matching ErrRetryNotAccepted. Other failures return
// *Error matching the status sentinels (ErrUnauthorized, ErrNotFound, ErrRateLimited,
// ErrServer, ...). The call is retried as the client's retry policy allows: queueing a file
// again is harmless.
func (s *FilesService) Retry(ctx context.Context, fileIDs []string) error {
	ids, err := checkUUIDs("file_ids", fileIDs)
	if err != nil {
		return err
	}
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
		return &Error{Operation: opRetry, StatusCode: resp.StatusCode, RequestID: requestID(resp.Header),
			Attempts: cl.attempts, Err: ErrRetryNotAccepted}
	}
	return nil
}
