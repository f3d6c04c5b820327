package writer

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/writerfiles/writer-go/api"
)

// UploadOptions are the optional parts of an upload. A nil *UploadOptions is the zero value.
type UploadOptions struct {
	// GraphID adds the file to this Knowledge Graph (query graphId), a UUID. Writer shows
	// the link in File.GraphIDs only on later reads, not in Upload's answer.
	GraphID string
	// AllowUnknownSize lets Upload send a body of unknown size (size < 0, body not an
	// io.ReaderAt and io.Seeker) with chunked transfer encoding and no Content-Length.
	// Writer declares Content-Length required, so such an upload is likely refused; use it
	// only with a server known to accept it.
	AllowUnknownSize bool
}

// Upload uploads a file and returns it as Writer stored it, with Status StatusInProgress:
// one POST /v1/files (operationId gatewayUploadFile) whose body is the raw bytes of body,
// with Content-Type: contentType, Content-Length: size and Content-Disposition: attachment
// with name (quoted, plus an RFC 8187 filename* when name is not ASCII; see docs/files.md).
//
// name is any valid UTF-8 without control characters; contentType must parse as a media
// type such as "application/pdf". body is streamed, never closed by Upload; size is its
// length in bytes. An io.ReaderAt and io.Seeker body (*os.File, *bytes.Reader, ...) is sent
// from its current offset to its end, size may then be negative ("all"), and it can be
// replayed; any other body gets one attempt, and needs size >= 0 unless
// opts.AllowUnknownSize.
//
// Bad arguments are an *InputError before any request. An upload is retried only when it
// cannot have been processed (connection not made, 429, x-should-retry: true). Failures
// return *Error: ErrBadRequest, ErrTooLarge (413), ErrRateLimited, ErrServer (507 is
// Writer's storage quota), the other status sentinels, and ErrInvalidResponse for an answer
// that is not a file_response.
func (s *FilesService) Upload(ctx context.Context, name, contentType string, body io.Reader, size int64, opts *UploadOptions) (File, error) {
	if opts == nil {
		opts = &UploadOptions{}
	}
	if err := checkFileName(name); err != nil {
		return File{}, err
	}
	if err := checkMediaType(contentType); err != nil {
		return File{}, err
	}
	var params api.GatewayUploadFileParams
	if opts.GraphID != "" {
		u, ok := parseUUID(opts.GraphID)
		if !ok {
			return File{}, inputErr("UploadOptions.GraphID", -1, opts.GraphID, "is not a UUID (8-4-4-4-12 hexadecimal digits)")
		}
		params.GraphId = &u
	}
	src, err := uploadBody(body, size, opts.AllowUnknownSize)
	if err != nil {
		return File{}, err
	}
	params.ContentDisposition = contentDisposition(name)
	params.ContentType = contentType
	params.ContentLength = src.size

	r, err := s.client.do(ctx, s.uploadOperation(&params, contentType, src))
	if err != nil {
		return File{}, err
	}
	return r.file()
}

// uploadOperation is the POST /v1/files of a checked upload. Each attempt after the first
// reads the body again from src.getBody; without it, the upload gets one attempt.
func (s *FilesService) uploadOperation(params *api.GatewayUploadFileParams, contentType string, src uploadSource) *operation {
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
}

// uploadBody checks body and size and prepares the request body. A body that is an
// io.ReaderAt and io.Seeker is read through io.SectionReaders from its current offset, so
// every attempt gets a fresh reader.
func uploadBody(body io.Reader, size int64, allowUnknown bool) (uploadSource, error) {
	if body == nil {
		if size == 0 {
			return emptySource(), nil
		}
		return uploadSource{}, inputErr("body", -1, "", "is nil")
	}
	type readSeekerAt interface {
		io.ReaderAt
		io.Seeker
	}
	if rs, ok := body.(readSeekerAt); ok {
		off, err := rs.Seek(0, io.SeekCurrent)
		if err != nil {
			return uploadSource{}, inputErr("body", -1, "", "cannot seek: "+err.Error())
		}
		end, err := rs.Seek(0, io.SeekEnd)
		if err == nil {
			_, err = rs.Seek(off, io.SeekStart)
		}
		if err != nil {
			return uploadSource{}, inputErr("body", -1, "", "cannot seek: "+err.Error())
		}
		left := end - off
		if size < 0 {
			size = left
		}
		if size != left {
			return uploadSource{}, inputErr("size", -1, fmt.Sprint(size), fmt.Sprintf("does not match the %d bytes left in body", left))
		}
		if size == 0 {
			return emptySource(), nil
		}
		return uploadSource{
			body: io.NewSectionReader(rs, off, size),
			size: size,
			getBody: func() (io.ReadCloser, error) {
				return io.NopCloser(io.NewSectionReader(rs, off, size)), nil
			},
		}, nil
	}
	switch {
	case size < 0 && !allowUnknown:
		return uploadSource{}, inputErr("size", -1, fmt.Sprint(size),
			"is unknown and body is not an io.ReaderAt and io.Seeker: pass the size in bytes (Writer requires Content-Length), or set UploadOptions.AllowUnknownSize")
	case size < 0:
		size = -1
	case size == 0:
		return emptySource(), nil
	}
	// NopCloser: the transport closes the request body, and the caller's body stays theirs.
	return uploadSource{body: io.NopCloser(body), size: size}, nil
}

func emptySource() uploadSource {
	return uploadSource{body: http.NoBody, getBody: func() (io.ReadCloser, error) { return http.NoBody, nil }}
}

// frame sets the request's length: net/http ignores the generated Content-Length header
// parameter and reads ContentLength instead (0 with a body would send it chunked).
func (src uploadSource) frame(req *http.Request) {
	req.ContentLength = src.size
	if src.size < 0 {
		req.Header.Del("Content-Length")
	}
}

// checkFileName refuses names that cannot be sent in a header or are empty.
func checkFileName(name string) error {
	if name == "" {
		return inputErr("name", -1, "", "is empty")
	}
	if !utf8.ValidString(name) {
		return inputErr("name", -1, name, "is not valid UTF-8")
	}
	for i, r := range name {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return inputErr("name", -1, name, fmt.Sprintf("has a control character at byte %d", i))
		}
	}
	return nil
}

// checkMediaType refuses a content type that is not a media type.
func checkMediaType(contentType string) error {
	if contentType == "" {
		return inputErr("contentType", -1, "", "is empty; give the file's media type, such as application/pdf")
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	typ, sub, _ := strings.Cut(mediaType, "/")
	if err != nil || typ == "" || sub == "" || strings.TrimSpace(contentType) != contentType {
		return inputErr("contentType", -1, contentType, "is not a media type such as application/pdf")
	}
	for i := range len(contentType) {
		if b := contentType[i]; b < ' ' || b >= 0x7f {
			return inputErr("contentType", -1, contentType, fmt.Sprintf("has a control or non-ASCII byte at %d", i))
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
