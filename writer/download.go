package writer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/writerfiles/writer-go/api"
)

// Download is a file's content as GET /v1/files/{file_id}/download returns it. Its Body
// must be closed.
type Download struct {
	// Body streams the file's bytes. A body that ends before Size bytes fails with an
	// *Error wrapping io.ErrUnexpectedEOF instead of ending early, so a short read is never
	// mistaken for the whole file.
	Body io.ReadCloser
	// Size is the file's length in bytes from Content-Length, or -1 when the server did not
	// send one.
	Size int64
	// ContentType is the response's Content-Type: the file's media type, or
	// application/octet-stream (the spec's declared type), also when the server sent none.
	ContentType string
}

// Download returns a file's content as a stream: GET /v1/files/{file_id}/download
// (operationId gatewayDownloadFile) with Accept: application/octet-stream.
//
// fileID is checked as in Get. The status is checked before Download returns: any answer
// but 2xx returns *Error (FileID: fileID) matching the status sentinels (ErrNotFound,
// ErrGone, ...) and no body. The request is retried as the client's policy allows until
// the response headers arrive; reading the body is not retried and is bounded by ctx, not
// by the per-attempt timeout. Reading the body returns *Error (Operation
// gatewayDownloadFile, FileID fileID) for a read that fails, wrapping io.ErrUnexpectedEOF
// when the body ends before Content-Length.
func (s *FilesService) Download(ctx context.Context, fileID string) (*Download, error) {
	if err := s.client.key.checkFileID("file_id", -1, fileID); err != nil {
		return nil, err
	}
	r, err := s.client.do(ctx, &operation{id: opDownload, request: func(int) (*http.Request, error) {
		req, err := api.NewGatewayDownloadFileRequest(s.client.server, fileID)
		if err == nil {
			// The raw bytes, as Writer's SDKs ask for them.
			req.Header.Set("Accept", "application/octet-stream")
		}
		return req, err
	}})
	if err != nil {
		return nil, s.client.key.withIDs(err, fileID, "")
	}
	resp := r.resp
	size := resp.ContentLength
	if size < 0 {
		size = -1
	}
	template := r.fail(nil)
	template.FileID = fileID
	body := &checkedBody{rc: resp.Body, want: size, err: *template, key: r.key}
	contentType := resp.Header.Get("Content-Type")
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return &Download{Body: body, Size: size, ContentType: contentType}, nil
}

// checkedBody counts the bytes read and turns an early end, or any read error, into an
// *Error that says how far the read got.
type checkedBody struct {
	rc   io.ReadCloser
	want int64 // Content-Length, or -1
	got  int64
	err  Error // template of the errors returned
	key  *apiKey
}

func (b *checkedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.got += int64(n)
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, io.EOF) && (b.want < 0 || b.got >= b.want):
		return n, io.EOF
	case errors.Is(err, io.EOF):
		err = io.ErrUnexpectedEOF
	}
	what := "read body"
	if errors.Is(err, io.ErrUnexpectedEOF) {
		what = "body ended"
	}
	e := b.err
	err = b.key.scrub(err)
	if b.want >= 0 {
		e.Err = fmt.Errorf("%s after %d of %d bytes: %w", what, b.got, b.want, err)
	} else {
		e.Err = fmt.Errorf("%s after %d bytes: %w", what, b.got, err)
	}
	return n, &e
}

func (b *checkedBody) Close() error { return b.rc.Close() }
