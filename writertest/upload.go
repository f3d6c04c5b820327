package writertest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// defaultMaxStored is the largest upload whose bytes a Server keeps unless
// WithMaxStoredBytes says otherwise.
const defaultMaxStored = 16 << 20

// WithMaxStoredBytes sets the largest upload, in bytes, whose content the Server keeps for
// download. Of a larger upload it keeps only Size and SHA256, so that tests can upload
// large streams without the fake holding them in memory; downloading such a file answers
// 500. Default 16 MiB.
func WithMaxStoredBytes(n int64) Option { return func(o *options) { o.maxStored = n } }

// upload handles POST /v1/files. It requires Content-Length (a chunked body gets 411), a
// Content-Type that parses as a media type, and a Content-Disposition with a file name
// (filename, or filename* per RFC 8187, which wins); a missing name gets 400 "filename
// doesn't exist", as Writer answers. graphId, if given, must be a UUID. The new file starts
// in_progress and reaches completed after the processing delay. As Writer does, the answer
// shows graph_ids empty; the link appears on later reads.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength < 0 {
		writeFail(w, http.StatusLengthRequired, "fail.badRequest", "fail.badRequest.invalidParameters", "Content-Length header is required")
		return
	}
	contentType := r.Header.Get("Content-Type")
	if _, _, err := mime.ParseMediaType(contentType); err != nil {
		badParam(w, "Content-Type must be the file's media type")
		return
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
	name := params["filename"]
	if err != nil || name == "" {
		badParam(w, "filename doesn't exist")
		return
	}
	var graphIDs []string
	if g := r.URL.Query().Get("graphId"); g != "" {
		u, err := uuid.Parse(g)
		if err != nil {
			badParam(w, "graphId must be a UUID")
			return
		}
		graphIDs = []string{u.String()}
	}

	hash := sha256.New()
	var kept *bytes.Buffer
	dst := io.Writer(hash)
	if r.ContentLength <= s.opt.maxStored {
		kept = bytes.NewBuffer(make([]byte, 0, r.ContentLength))
		dst = io.MultiWriter(hash, kept)
	}
	n, err := io.Copy(dst, r.Body)
	if err != nil || n != r.ContentLength {
		badParam(w, "the body is shorter than Content-Length")
		return
	}

	now := time.Now().UTC()
	f := &file{File: File{
		ID:          uuid.NewString(),
		Name:        name,
		Status:      StatusInProgress,
		GraphIDs:    graphIDs,
		CreatedAt:   now,
		ContentType: contentType,
		Size:        n,
		SHA256:      hex.EncodeToString(hash.Sum(nil)),
	}, readyAt: now.Add(s.opt.delay), outcome: StatusCompleted}
	if kept != nil {
		f.Content = kept.Bytes()
	}
	s.mu.Lock()
	s.files[fileKey(f.ID)] = f
	s.sorted = nil
	out := f.File
	s.mu.Unlock()
	out.GraphIDs = nil
	writeJSON(w, http.StatusOK, fileResponse(out))
}
