package writertest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// maxJSONBody bounds, in bytes, what the Server reads of a JSON request body: the request
// log keeps at most this much of one, and retry and addFileToGraph answer a longer body 400,
// as one that does not decode (Writer's own bound is not documented).
const maxJSONBody = 1 << 20

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/files/retry", s.retry)
	mux.HandleFunc("GET /v1/files/{file_id}", s.getFile)
	mux.HandleFunc("GET /v1/files", s.listFiles)
	mux.HandleFunc("POST /v1/files", s.upload)
	mux.HandleFunc("GET /v1/files/{file_id}/download", s.download)
	mux.HandleFunc("DELETE /v1/files/{file_id}", s.deleteFile)
	s.graphRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "no operation at "+r.Method+" "+r.URL.Path)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.delay(r) {
			return
		}
		authorized := s.authorized(r)
		if s.fault(w, r, authorized) {
			return
		}
		s.record(r, authorized)
		if !authorized {
			writeFail(w, http.StatusUnauthorized, "fail.unauthorized", "fail.unauthorized.badToken", "invalid or missing API key")
			return
		}
		if s.rateLimit(w) {
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// retry handles POST /v1/files/retry: every id must be a stored file (the fake answers 404
// for an unknown id, as Writer's behaviour is not documented); failed files move to
// in_progress and, after the processing delay, to their outcome; files in other statuses
// are left as they are. It answers {"success": true}.
func (s *Server) retry(w http.ResponseWriter, r *http.Request) {
	var req api.RetryFilesRequest
	if err := decodeJSON(w, r, &req); err != nil {
		writeFail(w, http.StatusBadRequest, "fail.badRequest", "fail.badRequest.invalidParameters", "invalid request body: "+err.Error())
		return
	}
	if len(req.FileIds) == 0 {
		writeFail(w, http.StatusBadRequest, "fail.badRequest", "fail.badRequest.invalidParameters", "file_ids must not be empty")
		return
	}
	for _, id := range req.FileIds {
		if _, err := uuid.Parse(id); err != nil || len(id) != 36 {
			writeFail(w, http.StatusBadRequest, "fail.badRequest", "fail.badRequest.invalidParameters", "file_ids: "+strconv.Quote(id)+" is not a UUID")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range req.FileIds {
		if _, ok := s.files[fileKey(id)]; !ok {
			writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "file "+id+" not found")
			return
		}
	}
	now := time.Now()
	for _, id := range req.FileIds {
		f := s.files[fileKey(id)]
		f.RetryRequests++
		if s.snapshot(f, now).Status != StatusFailed {
			continue
		}
		f.Status = StatusInProgress
		f.readyAt = now.Add(s.opt.delay)
		f.outcome = s.opt.outcome(f.ID)
	}
	success := true
	writeJSON(w, http.StatusOK, api.RetryFilesResponse{Success: &success})
}

// getFile handles GET /v1/files/{file_id}; an unknown (or deleted) id answers 404.
func (s *Server) getFile(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.files[fileKey(r.PathValue("file_id"))]
	var out File
	if ok {
		out = s.snapshot(f, time.Now())
	}
	s.mu.Unlock()
	if !ok {
		writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "file not found")
		return
	}
	writeJSON(w, http.StatusOK, fileResponse(out))
}

// deleteFile handles DELETE /v1/files/{file_id}: the file is removed, and later reads,
// downloads and deletes of it answer 404 (Writer may answer 410 for a deleted file; the
// fake keeps no trace of it). It answers delete_file_response {id, deleted: true}.
func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("file_id")
	s.mu.Lock()
	_, ok := s.files[fileKey(id)]
	delete(s.files, fileKey(id))
	s.sorted = nil
	s.mu.Unlock()
	if !ok {
		writeFail(w, http.StatusNotFound, "fail.notFound", "fail.notFound.resource", "file not found")
		return
	}
	deleted := true
	writeJSON(w, http.StatusOK, api.DeleteFileResponse{Id: id, Deleted: &deleted})
}

// fileResponse converts a File held by the Server, whose graph ids are UUIDs in canonical
// form (AddFiles), to the spec's file_response.
func fileResponse(f File) api.FileResponse {
	out := api.FileResponse{Id: f.ID, Name: f.Name, Status: string(f.Status), CreatedAt: f.CreatedAt, GraphIds: make([]uuid.UUID, len(f.GraphIDs))}
	for i, g := range f.GraphIDs {
		out.GraphIds[i] = uuid.MustParse(g)
	}
	return out
}

// decodeJSON decodes the JSON request body into v, reading at most maxJSONBody bytes of it.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody)).Decode(v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeFail(w, http.StatusInternalServerError, "fail.internalServerError", "fail.internalServerError.generic", "encode response")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeFail writes Writer's error body, the spec's fail_response.
func writeFail(w http.ResponseWriter, status int, tpe, key, description string) {
	body, _ := json.Marshal(api.FailResponse{
		Tpe:    tpe,
		Errors: []api.FailMessage{{Description: description, Key: key, Extras: map[string]any{}}},
		Extras: map[string]any{},
	})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
