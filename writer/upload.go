package writer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/writerfiles/writer-go/api"
)

// UploadParams is a file to upload with FilesService.Upload. Only Name is required.
type UploadParams struct {
	// Name is the file's name, sent in Content-Disposition: any valid UTF-8 without control
	// characters.
	Name string
	// Body streams the file's bytes; Upload never closes it. A nil Body is an empty file.
	Body io.Reader
	// ContentType is the file's media type, such as "application/pdf". When empty, it is
	// taken from Name's extension (Writer's supported types first, then
	// mime.TypeByExtension), else from the first 512 bytes of Body (http.DetectContentType).
	ContentType string
	// Size is Body's length in bytes. When 0 it is measured: the rest of a regular *os.File
	// (by Stat) or of an io.ReaderAt and io.Seeker body such as *bytes.Reader (by seeking).
	// A Size given for such a body must match what it holds. Writer requires the size
	// (Content-Length), so a body that cannot be measured (a pipe, a network stream) needs
	// Size, unless AllowUnknownSize. Such a body must hold exactly Size bytes: Upload reads
	// at most Size bytes and one more to check that the body ends there (so a stream that
	// stays open after Size bytes holds the upload until it ends), and a body that holds
	// more or fewer fails the upload before its last byte is sent, with an *InputError for
	// UploadParams.Size.
	Size int64
	// GraphID adds the file to this Knowledge Graph (query graphId), a UUID. Writer shows
	// the link in File.GraphIDs only on later reads, not in Upload's answer.
	GraphID string
	// AllowUnknownSize sends a body that cannot be measured, with Size 0, in chunks without
	// Content-Length. Writer declares Content-Length required, so such an upload is likely
	// refused (writertest answers 411); use it only with a server known to accept it.
	AllowUnknownSize bool
}

// Upload uploads a file and returns it as Writer stored it, with Status StatusInProgress:
// one POST /v1/files (operationId gatewayUploadFile) whose body is the raw bytes of p.Body,
// with Content-Type, Content-Length and Content-Disposition: attachment with p.Name (quoted,
// plus an RFC 8187 filename* when the name is not ASCII; see docs/files.md).
//
// The body is streamed. A regular *os.File or an io.ReaderAt and io.Seeker body is sent
// from its current offset to its end and can be replayed; any other body gets one attempt.
//
// Bad params are an *InputError (Field "UploadParams.Name", ...) before any request; a body
// that cannot be measured and does not hold exactly Size bytes fails the request before its
// last byte, with an *InputError for UploadParams.Size. An upload is retried only when it
// cannot have been processed (connection not made, 429, x-should-retry: true). Failures
// return *Error: ErrBadRequest, ErrTooLarge (413), ErrRateLimited, ErrServer (507 is
// Writer's storage quota), the other status sentinels, and ErrInvalidResponse for an answer
// that is not a file_response.
func (s *FilesService) Upload(ctx context.Context, p UploadParams) (File, error) {
	if err := s.client.key.checkFileName(p.Name); err != nil {
		return File{}, err
	}
	if p.ContentType != "" {
		if err := s.client.key.checkMediaType(p.ContentType); err != nil {
			return File{}, err
		}
	}
	var params api.GatewayUploadFileParams
	if p.GraphID != "" {
		u, ok := parseUUID(p.GraphID)
		if !ok {
			return File{}, s.client.key.inputErr("UploadParams.GraphID", -1, p.GraphID, "is not a UUID (8-4-4-4-12 hexadecimal digits)")
		}
		params.GraphId = &u
	}
	src, err := uploadBody(p.Body, p.Size, p.AllowUnknownSize)
	if err != nil {
		return File{}, err
	}
	contentType := p.ContentType
	if contentType == "" {
		if contentType, err = src.detectContentType(p.Name); err != nil {
			return File{}, err
		}
	}
	params.ContentDisposition = contentDisposition(p.Name)
	params.ContentType = contentType
	params.ContentLength = src.size

	r, err := s.client.do(ctx, s.uploadOperation(&params, contentType, src))
	if src.exact != nil {
		_ = src.exact.Close()
		var sizeErr *InputError
		if failed := src.exact.failure(); errors.As(failed, &sizeErr) {
			return File{}, failed
		}
	}
	if err != nil {
		return File{}, err
	}
	return r.file()
}

// uploadOperation is the POST /v1/files of a checked upload. Each attempt after the first
// reads the body again from src.getBody; without it, the upload gets one attempt.
func (s *FilesService) uploadOperation(params *api.GatewayUploadFileParams, contentType string, src *uploadSource) *operation {
	return &operation{id: opUpload, unsafe: true, once: src.getBody == nil, request: func(n int) (*http.Request, error) {
		body := src.body
		if n > 1 {
			b, err := src.getBody()
			if err != nil {
				return nil, fmt.Errorf("replay request body: %w", err)
			}
			body = b
		}
		req, err := api.NewGatewayUploadFileRequestWithBody(s.client.server, params, contentType, body)
		if err == nil {
			src.frame(req)
		}
		return req, err
	}}
}

// uploadSource is a checked upload body: what to send and how to frame it.
type uploadSource struct {
	body    io.Reader
	size    int64                         // bytes; -1 sends chunked
	getBody func() (io.ReadCloser, error) // nil: the body cannot be replayed
	exact   *exactReader                  // the body that cannot be measured, read to exactly size; nil for others
}

// uploadBody checks body and size (0: measure it) and prepares the request body. A regular
// *os.File, or a body that is an io.ReaderAt and io.Seeker, is read through
// io.SectionReaders from its current offset, so every attempt gets a fresh reader.
func uploadBody(body io.Reader, size int64, allowUnknown bool) (*uploadSource, error) {
	switch {
	case size < 0:
		return nil, inputErr("UploadParams.Size", -1, fmt.Sprint(size), "is negative; give the size in bytes, or 0 to measure the body")
	case body == nil && size == 0:
		return emptySource(), nil
	case body == nil:
		return nil, inputErr("UploadParams.Body", -1, "", "is nil, but Size is not 0")
	}
	if rs, ok := measurable(body); ok {
		off, err := rs.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, inputErr("UploadParams.Body", -1, "", "cannot seek: "+err.Error())
		}
		end, err := rs.Seek(0, io.SeekEnd)
		if err == nil {
			_, err = rs.Seek(off, io.SeekStart)
		}
		if err != nil {
			return nil, inputErr("UploadParams.Body", -1, "", "cannot seek: "+err.Error())
		}
		left := end - off
		if size == 0 {
			size = left
		}
		if size != left {
			return nil, inputErr("UploadParams.Size", -1, fmt.Sprint(size), fmt.Sprintf("does not match the %d bytes left in Body", left))
		}
		if size == 0 {
			return emptySource(), nil
		}
		return &uploadSource{
			body: io.NewSectionReader(rs, off, size),
			size: size,
			getBody: func() (io.ReadCloser, error) {
				return io.NopCloser(io.NewSectionReader(rs, off, size)), nil
			},
		}, nil
	}
	switch {
	case size == 0 && !allowUnknown:
		return nil, inputErr("UploadParams.Size", -1, "", "is needed: Body cannot be measured (it is not a regular file nor an io.ReaderAt and io.Seeker), and Writer requires Content-Length; or set UploadParams.AllowUnknownSize")
	case size == 0:
		size = -1
	}
	if size < 0 {
		// NopCloser: the transport closes the request body, and the caller's body stays theirs.
		return &uploadSource{body: io.NopCloser(body), size: size}, nil
	}
	exact := &exactReader{r: body, size: size, left: size}
	return &uploadSource{body: exact, size: size, exact: exact}, nil
}

// exactReader hands over exactly size bytes of r, the body of an upload that cannot be
// measured, and fails when r holds more or fewer: before handing over the last byte it reads
// one byte ahead, so that a server never receives a complete request from a body longer
// than Size. Its failure is an *InputError for UploadParams.Size, which Upload returns. Close
// (the transport's, or Upload's when the call ends) stops all further reads of r: the
// caller's body is never read after Upload returns, beyond a read already under way.
type exactReader struct {
	r          io.Reader
	size, left int64 // bytes in all, and still to hand over

	closed atomic.Bool
	mu     sync.Mutex // guards failed, which Upload reads once the call is over
	failed error
}

// errBodyClosed ends a read of an upload body after the transport or Upload closed it.
var errBodyClosed = errors.New("upload body read after the request ended")

func (e *exactReader) Read(p []byte) (int, error) {
	if e.closed.Load() {
		return 0, errBodyClosed
	}
	if err := e.failure(); err != nil {
		return 0, err
	}
	if e.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	switch {
	case e.left == 0:
		// The last bytes go only with a body that ends there: handed over with the error,
		// they would complete the request's Content-Length.
		if err := e.checkEnd(); err != io.EOF { //nolint:errorlint // checkEnd returns io.EOF itself
			return 0, err
		}
		return n, io.EOF
	case errors.Is(err, io.EOF):
		return n, e.fail(inputErr("UploadParams.Size", -1, fmt.Sprint(e.size), fmt.Sprintf("is more than Body holds: it ended after %d bytes", e.size-e.left)))
	case err != nil:
		return n, e.fail(err)
	}
	return n, nil
}

// checkEnd reads one byte ahead once size bytes were read: io.EOF when r ends there, else
// the *InputError of a body longer than size.
func (e *exactReader) checkEnd() error {
	var b [1]byte
	for range 100 { // io.Reader allows (0, nil); io.ReadFull's patience
		n, err := e.r.Read(b[:])
		switch {
		case n > 0:
			return e.fail(inputErr("UploadParams.Size", -1, fmt.Sprint(e.size), "is less than Body holds: it has more bytes after Size"))
		case errors.Is(err, io.EOF):
			return io.EOF
		case err != nil:
			return e.fail(err)
		}
	}
	return e.fail(io.ErrNoProgress)
}

// fail records err as the reader's failure, returned by every later Read.
func (e *exactReader) fail(err error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failed = err
	return err
}

// failure returns the reader's failure, or nil.
func (e *exactReader) failure() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.failed
}

// Close stops all later reads; it does not close r, which stays the caller's.
func (e *exactReader) Close() error {
	e.closed.Store(true)
	return nil
}

// readSeekerAt is a body that can be measured and replayed.
type readSeekerAt interface {
	io.ReaderAt
	io.Seeker
}

// measurable returns body as a readSeekerAt when it is one and is not an *os.File other
// than a regular file (a pipe or a terminal, which cannot seek).
func measurable(body io.Reader) (readSeekerAt, bool) {
	rs, ok := body.(readSeekerAt)
	if f, isFile := body.(*os.File); ok && isFile {
		fi, err := f.Stat()
		ok = err != nil || fi.Mode().IsRegular() // a Stat error shows in the Seek that follows
	}
	return rs, ok
}

// detectContentType returns the media type of a file named name whose bytes src holds:
// by the name's extension, else by its first 512 bytes (http.DetectContentType), which
// src then still sends.
func (src *uploadSource) detectContentType(name string) (string, error) {
	ext := strings.ToLower(path.Ext(name))
	if t := writerMediaTypes[ext]; t != "" {
		return t, nil
	}
	if t := mime.TypeByExtension(ext); ext != "" && t != "" {
		return t, nil
	}
	if src.size == 0 {
		return http.DetectContentType(nil), nil
	}
	head := make([]byte, sniffLen)
	if src.size > 0 && src.size < sniffLen {
		head = head[:src.size]
	}
	var n int
	var err error
	if ra, ok := src.body.(io.ReaderAt); ok {
		n, err = ra.ReadAt(head, 0)
	} else {
		n, err = io.ReadFull(src.body, head)
		src.body = io.NopCloser(io.MultiReader(bytes.NewReader(head[:n]), src.body))
	}
	if src.exact != nil && src.exact.failure() != nil {
		// io.ReadFull drops the error of a read that filled head: a body longer than Size.
		err = src.exact.failure()
	}
	var sizeErr *InputError
	if errors.As(err, &sizeErr) {
		return "", err
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", inputErr("UploadParams.Body", -1, "", "cannot be read to detect its content type: "+err.Error())
	}
	return http.DetectContentType(head[:n]), nil
}

// sniffLen is how many bytes http.DetectContentType considers.
const sniffLen = 512

// writerMediaTypes are the media types of the extensions Writer's upload supports (the spec's
// Content-Type description), which mime.TypeByExtension does not know on every system.
var writerMediaTypes = map[string]string{
	".txt":  "text/plain",
	".doc":  "application/msword",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".ppt":  "application/vnd.ms-powerpoint",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".jpg":  "image/jpeg",
	".jpeg": "image/jpeg",
	".png":  "image/png",
	".eml":  "message/rfc822",
	".html": "text/html",
	".htm":  "text/html",
	".pdf":  "application/pdf",
	".srt":  "application/x-subrip",
	".csv":  "text/csv",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".mp3":  "audio/mpeg",
	".mp4":  "video/mp4",
}

func emptySource() *uploadSource {
	return &uploadSource{body: http.NoBody, getBody: func() (io.ReadCloser, error) { return http.NoBody, nil }}
}

// frame sets the request's length: net/http ignores the generated Content-Length header
// parameter and reads ContentLength instead (0 with a body would send it chunked).
func (src *uploadSource) frame(req *http.Request) {
	req.ContentLength = src.size
	if src.size < 0 {
		req.Header.Del("Content-Length")
	}
}

// checkFileName refuses names that cannot be sent in a header or are empty; its errors show
// no secret of k.
func (k *apiKey) checkFileName(name string) error {
	if name == "" {
		return inputErr("UploadParams.Name", -1, "", "is empty")
	}
	if !utf8.ValidString(name) {
		return k.inputErr("UploadParams.Name", -1, name, "is not valid UTF-8")
	}
	for i, r := range name {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return k.inputErr("UploadParams.Name", -1, name, fmt.Sprintf("has a control character at byte %d", i))
		}
	}
	return nil
}

// checkMediaType refuses a content type that is not a media type; its errors show no secret
// of k.
func (k *apiKey) checkMediaType(contentType string) error {
	mediaType, _, err := mime.ParseMediaType(contentType)
	typ, sub, _ := strings.Cut(mediaType, "/")
	if err != nil || typ == "" || sub == "" || strings.TrimSpace(contentType) != contentType {
		return k.inputErr("UploadParams.ContentType", -1, contentType, "is not a media type such as application/pdf")
	}
	for i := range len(contentType) {
		if b := contentType[i]; b < ' ' || b >= 0x7f {
			return k.inputErr("UploadParams.ContentType", -1, contentType, fmt.Sprintf("has a control or non-ASCII byte at %d", i))
		}
	}
	return nil
}

// contentDisposition returns the Content-Disposition of an upload of a file named name (a
// checked name): attachment with a quoted filename, plus filename* (RFC 8187) when the
// name is not ASCII. mime.FormatMediaType is not used: for a non-ASCII name it writes only
// filename*, and a server that ignores filename* would then see no name at all.
func contentDisposition(name string) string {
	var b strings.Builder
	b.WriteString(`attachment; filename="`)
	ascii := true
	for _, r := range name {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= utf8.RuneSelf:
			ascii = false
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	if !ascii {
		b.WriteString("; filename*=UTF-8''")
		for i := range len(name) {
			if c := name[i]; isAttrChar(c) {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		}
	}
	return b.String()
}

// isAttrChar reports whether c may appear unencoded in an RFC 8187 ext-value.
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
