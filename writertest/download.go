package writertest

import (
	"net/http"
	"strconv"
)

// download handles GET /v1/files/{file_id}/download: the stored bytes with the stored
// Content-Type (application/octet-stream when none) and Content-Length. A file whose
// content was not kept (see WithMaxStoredBytes) answers 500. The spec declares only
// application/octet-stream, but Writer may send the file's own type: serving the
// stored type is the fake's one deliberate departure from openapi.yaml, so that clients
// are tested against both.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.files[fileKey(r.PathValue("file_id"))]
	var content []byte
	var contentType string
	var kept bool
	if ok {
		content, contentType = f.Content, f.ContentType
		kept = int64(len(content)) == f.Size
	}
	s.mu.Unlock()
	switch {
	case !ok:
		writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "file not found")
		return
	case !kept:
		writeFail(w, http.StatusInternalServerError, "fail.internalServerError", "fail.internalServerError.generic",
			"writertest: the content of this file was larger than WithMaxStoredBytes and was not kept")
		return
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(content)
}
