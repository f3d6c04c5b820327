package writer

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/writerfiles/writer-go/api"
)

// TestRetryFilesBodyMatchesGenerated pins the hand-written body to what json.Marshal of the
// generated type produces, so a change of the spec's field names cannot pass unnoticed, and
// checks that ids are sent in lower case.
func TestRetryFilesBodyMatchesGenerated(t *testing.T) {
	for _, ids := range [][]string{
		{"3C90C3CC-0D44-4B50-8888-8DD25736052A"},
		{"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "0a1F7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f"},
	} {
		var parsed []uuid.UUID
		for _, id := range ids {
			parsed = append(parsed, uuid.MustParse(id))
		}
		got := retryFilesBody(ids)
		want, err := json.Marshal(api.RetryFilesRequest{FileIds: parsed})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("retryFilesBody = %s, want %s", got, want)
		}
		if len(got) != cap(got) {
			t.Errorf("retryFilesBody: len %d, cap %d: the buffer is not sized exactly", len(got), cap(got))
		}
	}
}

// TestAppendLowerUUID: every hexadecimal digit, either case, at every position comes out as
// uuid.UUID.String prints it.
func TestAppendLowerUUID(t *testing.T) {
	const valid = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	for at := range len(valid) {
		if valid[at] == '-' {
			continue
		}
		for _, c := range "0123456789abcdefABCDEF" {
			s := valid[:at] + string(c) + valid[at+1:]
			u, ok := parseUUID(s)
			if !ok {
				t.Fatalf("parseUUID(%q) refused it", s)
			}
			if got := string(appendLowerUUID(nil, s)); got != u.String() {
				t.Errorf("appendLowerUUID(%q) = %q, want %q", s, got, u.String())
			}
		}
	}
}

// TestRetryFilesResponseDecodesAsGenerated: with or without the fast path, every body
// decodes to what encoding/json makes of it in the generated type.
func TestRetryFilesResponseDecodesAsGenerated(t *testing.T) {
	for _, body := range []string{
		`{"success":true}`, `{"success": true}`, `{"success":false}`, `{}`,
		`{"success":true,"other":1}`, ` {"success":true}`, `{"success":null}`,
	} {
		var want api.RetryFilesResponse
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		var got retryFilesResponse
		if !got.decodeFast([]byte(body)) {
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("%s: %v", body, err)
			}
		}
		if (got.Success == nil) != (want.Success == nil) || (got.Success != nil && *got.Success != *want.Success) {
			t.Errorf("%s: Success = %v, want %v", body, show(got.Success), show(want.Success))
		}
	}
	var fast retryFilesResponse
	if !fast.decodeFast([]byte(`{"success":true}`)) {
		t.Error(`decodeFast does not recognise {"success":true}`)
	}
}

func show(b *bool) string {
	if b == nil {
		return "nil"
	}
	return fmt.Sprint(*b)
}
