package writertest

import (
	"errors"
	"net"
	"net/http"
	"testing"

	"github.com/writerfiles/writer-go/writer"
)

func TestWithListenerServesThere(t *testing.T) {
	l, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(t, WithListener(l))
	if want := "http://" + l.Addr().String(); srv.URL != want {
		t.Errorf("URL = %q, want %q", srv.URL, want)
	}
	if _, err := srv.Client().Files.ListPage(t.Context(), nil, writer.Cursor{}); err != nil {
		t.Errorf("a listing at %s: %v", srv.URL, err)
	}
}

func TestWithAnyAPIKey(t *testing.T) {
	srv := NewServer(t, WithAnyAPIKey())
	for _, key := range []string{"test", srv.APIKey} {
		_, err := srv.Client(writer.WithAPIKey(key)).Files.Get(t.Context(), "0a1f7d3c-5b9e-4c2a-8f6d-1e2b3c4d5e6f")
		if !errors.Is(err, writer.ErrNotFound) {
			t.Errorf("key %q: err = %v, want ErrNotFound (the key accepted)", key, err)
		}
	}
	for _, auth := range []string{"", "Bearer ", "Bearer  ", "Basic dGVzdA=="} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/files", nil)
		if err != nil {
			t.Fatal(err)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %q: status %d, want 401", auth, resp.StatusCode)
		}
	}
}
