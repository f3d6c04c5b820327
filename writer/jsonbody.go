package writer

import (
	"encoding/binary"

	"github.com/writerfiles/writer-go/api"
)

// retryFilesBody is the JSON request body retry_files_request, {"file_ids":["<uuid>",...]},
// for ids that checkUUIDs accepted, each in lower case. It is written directly, not through
// json.Marshal of api.RetryFilesRequest: that marshals each id through
// uuid.UUID.MarshalText, one allocation per id and reflection on every call. A test checks
// both give the same bytes.
func retryFilesBody(ids []string) []byte {
	const head, tail, quotedID = `{"file_ids":[`, `]}`, len(`"00000000-0000-0000-0000-000000000000"`)
	commas := max(len(ids)-1, 0)
	b := make([]byte, 0, len(head)+len(ids)*quotedID+commas+len(tail))
	b = append(b, head...)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = appendLowerUUID(b, id)
		b = append(b, '"')
	}
	return append(b, tail...)
}

// appendLowerUUID appends s, a UUID in canonical form (checked by parseUUID), in lower case.
// In that form only the letters A-F lack the 0x20 bit, which digits, a-f and '-' have: setting
// it lower-cases s, as uuid.UUID.String would print it. The 36 bytes are 4 words of 8 and one
// of 4.
func appendLowerUUID(b []byte, s string) []byte {
	n := len(b)
	b = append(b, s...)
	d := b[n : n+36]
	for i := 0; i < 32; i += 8 {
		binary.LittleEndian.PutUint64(d[i:], binary.LittleEndian.Uint64(d[i:])|0x2020202020202020)
	}
	binary.LittleEndian.PutUint32(d[32:], binary.LittleEndian.Uint32(d[32:])|0x20202020)
	return b
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
