package writer

import (
	"encoding/hex"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// retryFilesBody is the JSON request body retry_files_request, {"file_ids":["<uuid>",...]},
// with each id in canonical lower-case form. It is written directly, not through
// json.Marshal of api.RetryFilesRequest: that marshals each id through uuid.UUID.MarshalText,
// one allocation per id and reflection on every call. A test checks both give the same bytes.
func retryFilesBody(ids []uuid.UUID) []byte {
	const head, tail, quotedID = `{"file_ids":[`, `]}`, len(`"00000000-0000-0000-0000-000000000000"`)
	commas := max(len(ids)-1, 0)
	b := make([]byte, 0, len(head)+len(ids)*quotedID+commas+len(tail))
	b = append(b, head...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = appendUUID(b, id)
		b = append(b, '"')
	}
	return append(b, tail...)
}

// appendUUID appends u as 8-4-4-4-12 lower-case hexadecimal digits, as u.String() does,
// without allocating.
func appendUUID(b []byte, u uuid.UUID) []byte {
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], u[10:16])
	return append(b, s[:]...)
}

// A fastDecoder recognises a frequent response body without encoding/json. decodeJSON
// calls decodeFast first and json.Unmarshal only when it reports false.
type fastDecoder interface {
	decodeFast(body []byte) bool
}

// retryFilesResponse is the generated retry_files_response with a fast path for the body
// Writer sends on success, exactly {"success":true}: it is recognised by comparing bytes,
// where json.Unmarshal would scan, reflect and allocate. Any other body goes to encoding/json.
type retryFilesResponse struct {
	api.RetryFilesResponse
	success bool // what Success points at after decodeFast
}

func (r *retryFilesResponse) decodeFast(body []byte) bool {
	if string(body) != `{"success":true}` {
		return false
	}
	r.success = true
	r.Success = &r.success
	return true
}
