package writer

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadBody(t *testing.T) {
	const text = `{"success":true}`
	for _, tc := range []struct {
		name          string
		contentLength int64
		body          io.Reader
		want          string
		wantErr       bool
	}{
		{"length announced", int64(len(text)), strings.NewReader(text), text, false},
		{"length unknown", -1, strings.NewReader(text), text, false},
		{"one byte at a time", int64(len(text)), iotest.OneByteReader(strings.NewReader(text)), text, false},
		{"longer than announced", 4, strings.NewReader(text), text, false},
		{"shorter than announced", 100, strings.NewReader(text), text, false},
		{"empty", 0, strings.NewReader(""), "", false},
		{"length too large to trust", maxResponseBody + 1, strings.NewReader(text), text, false},
		{"read error", int64(len(text)), io.MultiReader(strings.NewReader("{"), iotest.ErrReader(errors.New("reset"))), "{", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := &http.Response{ContentLength: tc.contentLength, Body: io.NopCloser(tc.body)}
			got, err := readBody(resp, maxResponseBody)
			if (err != nil) != tc.wantErr {
				t.Fatalf("readBody error = %v, want error %v", err, tc.wantErr)
			}
			if string(got) != tc.want {
				t.Errorf("readBody = %q, want %q", got, tc.want)
			}
			if tc.name == "length announced" && cap(got) != len(text)+1 {
				t.Errorf("readBody: cap %d, want %d (sized from Content-Length)", cap(got), len(text)+1)
			}
		})
	}
}

func TestReadBodyStopsAtTheLimit(t *testing.T) {
	const text = `{"success":true}`
	for _, n := range []int64{int64(len(text)), -1, 4} {
		resp := &http.Response{ContentLength: n, Body: io.NopCloser(strings.NewReader(text))}
		got, err := readBody(resp, 5)
		if !errors.Is(err, errBodyTooLarge) || len(got) != 5 {
			t.Errorf("Content-Length %d, limit 5: %d bytes, %v; want 5 bytes and errBodyTooLarge", n, len(got), err)
		}
		resp = &http.Response{ContentLength: n, Body: io.NopCloser(strings.NewReader(text))}
		if got, err := readBody(resp, int64(len(text))); err != nil || string(got) != text {
			t.Errorf("Content-Length %d, limit = length: %q, %v; want the body", n, got, err)
		}
	}
}
