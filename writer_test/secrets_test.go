package writer_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/writerfiles/writer-go/writer"
	"github.com/writerfiles/writer-go/writertest"
)

// secretKey is recognisable wherever it might leak.
const secretKey = "sk-TEST-SECRET-1234"

// printings returns v printed with every verb a caller might use.
func printings(v any) string {
	return fmt.Sprintf("%v|%+v|%#v|%s|%q|%d|%x", v, v, v, v, v, v, v)
}

func TestKeyNeverPrinted(t *testing.T) {
	srv := writertest.NewServer(t, writertest.WithAPIKey(secretKey))
	seedFailed(srv)
	// The description escapes a character of the key, as a JSON encoder may: only the
	// decoded text holds the key.
	echo := failBody("fail.unauthorized", "fail.unauthorized.badToken", "token "+strings.Replace(secretKey, "-", `\u002d`, 1)+" is revoked, "+secretKey)
	srv.FailNext(1, writertest.Fault{Status: http.StatusUnauthorized, Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {secretKey}}, Body: echo})
	srv.FailNext(1, writertest.Fault{Status: http.StatusBadRequest, Header: http.Header{"Content-Type": {"text/plain"}}, Body: "you sent Bearer " + secretKey})
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/plain"}}, Body: "not json " + secretKey})

	opts := []writer.Option{writer.WithBaseURL(srv.URL), writer.WithAPIKey(secretKey), fastRetries, writer.WithRequestsPerMinute(writer.NoRateLimit)}
	client, err := writer.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{client, *client} {
		if got, want := fmt.Sprintf("%+v", v), "writer.Client{base_url: "+srv.URL+", api_key: [redacted]}"; got != want {
			t.Errorf("%%+v of %T = %s, want %s", v, got, want)
		}
	}
	printed := map[string]string{
		"*Client":  printings(client),
		"Client":   printings(*client),
		"Files":    printings(client.Files),
		"options":  printings(opts) + printings(opts[1]),
		"policy":   printings(writer.RetryPolicy{}),
		"zero":     printings(writer.Client{}) + printings((*writer.Client)(nil)),
		"Retry ok": "",
	}
	for i := range 3 {
		err := client.Files.Retry(context.Background(), []string{idA})
		apiErr := asError(t, err)
		name := fmt.Sprintf("error %d", i)
		printed[name] = printings(err) + err.Error()
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			printed[name] += printings(e)
		}
		printed[name+" fields"] = string(apiErr.Body) + apiErr.Description + apiErr.Type + apiErr.Key + apiErr.RequestID
		if !bytes.Contains(apiErr.Body, []byte("[redacted]")) {
			t.Errorf("%s: body %q does not show where the key was redacted", name, apiErr.Body)
		}
	}
	if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
		t.Fatalf("Retry with the right key = %v", err)
	}
	if !srv.Requests()[3].Authorized {
		t.Fatal("the key was not sent to the API host")
	}
	for name, s := range printed {
		if strings.Contains(s, secretKey) {
			t.Errorf("%s shows the API key: %s", name, s)
		}
	}
}

func TestKeyNeverInInputErrors(t *testing.T) {
	for name, opt := range map[string]writer.Option{
		"key with CR LF":   writer.WithAPIKey(secretKey + "\r\nX-Injected: 1"),
		"key with space":   writer.WithAPIKey("Bearer " + secretKey),
		"userinfo in URL":  writer.WithBaseURL("https://user:" + secretKey + "@api.writer.com"),
		"key as URL":       writer.WithBaseURL(secretKey),
		"CR LF in URL":     writer.WithBaseURL("https://api.writer.com/\r\nAuthorization: " + secretKey),
		"http to non-loop": writer.WithBaseURL("http://" + secretKey + ".example.com"),
	} {
		t.Run(name, func(t *testing.T) {
			client, err := writer.NewClient(writer.WithAPIKey("k"), opt)
			if !errors.Is(err, writer.ErrInvalidInput) || client != nil {
				t.Fatalf("NewClient = %v, %v; want ErrInvalidInput", client, err)
			}
			if name != "http to non-loop" && name != "key as URL" && strings.Contains(printings(err), secretKey) {
				t.Errorf("error shows the key: %v", err)
			}
		})
	}
	t.Run("environment key with LF", func(t *testing.T) {
		t.Setenv("WRITER_API_KEY", secretKey+"\n")
		_, err := writer.NewClient()
		if !errors.Is(err, writer.ErrInvalidInput) || strings.Contains(printings(err), secretKey) {
			t.Errorf("NewClient = %v; want ErrInvalidInput without the key", err)
		}
	})
}

// keyRecorder is a server that records the Authorization header of each request and
// answers {"success": true}.
type keyRecorder struct {
	mu   sync.Mutex
	auth []string
}

func (k *keyRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	k.mu.Lock()
	k.auth = append(k.auth, r.Header.Get("Authorization"))
	k.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"success":true}`)
}

func TestRedirectToAnotherHostCarriesNoKey(t *testing.T) {
	api := writertest.NewServer(t, writertest.WithAPIKey(secretKey))
	other := &keyRecorder{}
	elsewhere := httptest.NewServer(other) // 127.0.0.1 too, another port: another host
	defer elsewhere.Close()

	client, err := writer.NewClient(writer.WithBaseURL(api.URL), writer.WithAPIKey(secretKey), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		api.FailNext(1, writertest.Fault{Status: status, Header: http.Header{"Location": {elsewhere.URL + "/v1/files/retry"}}})
		if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
			t.Fatalf("Retry redirected with %d = %v", status, err)
		}
	}
	other.mu.Lock()
	defer other.mu.Unlock()
	if len(other.auth) != 3 {
		t.Fatalf("the other host got %d requests, want 3", len(other.auth))
	}
	for i, a := range other.auth {
		if a != "" {
			t.Errorf("redirect %d to another host carried Authorization %q", i, a)
		}
	}
	if reqs := api.Requests(); len(reqs) != 3 || !reqs[0].Authorized {
		t.Errorf("the API host got %d requests (authorized %v), want 3 with the key", len(reqs), len(reqs) > 0 && reqs[0].Authorized)
	}
}

func TestRedirectOnTheAPIHostKeepsKey(t *testing.T) {
	client, srv := setup(t, nil)
	seedFailed(srv)
	srv.FailNext(1, writertest.Fault{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {srv.URL + "/v1/files/retry"}}})
	if err := client.Files.Retry(context.Background(), []string{idA}); err != nil {
		t.Fatalf("Retry = %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || !reqs[0].Authorized || !reqs[1].Authorized {
		t.Errorf("got %d requests, want 2, both with the key", len(reqs))
	}
}

func TestHTTPBaseURLNeedsLoopbackOrOptIn(t *testing.T) {
	for _, u := range []string{"http://api.writer.com", "http://10.0.0.1:8080", "http://127.0.0.1.example.com"} {
		_, err := writer.NewClient(writer.WithAPIKey("k"), writer.WithBaseURL(u))
		if !errors.Is(err, writer.ErrInvalidInput) || !strings.Contains(err.Error(), "WithInsecureHTTP") {
			t.Errorf("NewClient(%s) = %v, want ErrInvalidInput naming WithInsecureHTTP", u, err)
		}
		if _, err := writer.NewClient(writer.WithAPIKey("k"), writer.WithBaseURL(u), writer.WithInsecureHTTP()); err != nil {
			t.Errorf("NewClient(%s, WithInsecureHTTP) = %v, want nil", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost", "http://[::1]:9000", "https://api.writer.com"} {
		if _, err := writer.NewClient(writer.WithAPIKey("k"), writer.WithBaseURL(u)); err != nil {
			t.Errorf("NewClient(%s) = %v, want nil", u, err)
		}
	}
	for _, u := range []string{"ftp://api.writer.com", "api.writer.com", "https://", "https://api.writer.com?x=1"} {
		if _, err := writer.NewClient(writer.WithAPIKey("k"), writer.WithBaseURL(u)); !errors.Is(err, writer.ErrInvalidInput) {
			t.Errorf("NewClient(%s) = %v, want ErrInvalidInput", u, err)
		}
	}
}

func TestIDsCannotInjectHeadersOrPaths(t *testing.T) {
	client, srv := setup(t, nil)
	for _, id := range []string{
		idA + "\r\nX-Injected: 1",
		idA[:35] + "\n",
		"../" + idA[3:],
		idA[:8] + "/" + idA[9:],
		idA + "%0d%0a",
	} {
		err := client.Files.Retry(context.Background(), []string{idB, id})
		if !errors.Is(err, writer.ErrInvalidInput) || !strings.Contains(err.Error(), "file_ids[1]") {
			t.Errorf("Retry(%q) = %v, want ErrInvalidInput naming file_ids[1]", id, err)
		}
		if strings.ContainsAny(err.Error(), "\r\n") {
			t.Errorf("error for %q spans lines: %q", id, err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("server got %d requests, want none", n)
	}
}

// TestKeyEchoedByServerNeverShown covers the paths where a server's echo of the
// Authorization header could reach an error or a log record: a request id on a 200 that is
// still an error (success false, deleted false), and a transport error that quotes a
// malformed response.
func TestKeyEchoedByServerNeverShown(t *testing.T) {
	srv := writertest.NewServer(t, writertest.WithAPIKey(secretKey))
	srv.AddFiles(writertest.File{ID: idA, Name: "a.pdf", Status: writertest.StatusFailed})
	echo := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"Bearer " + secretKey}}
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: echo, Body: `{"success":false}`})
	srv.FailNext(1, writertest.Fault{Status: http.StatusOK, Header: echo, Body: `{"id":"` + idA + `","deleted":false}`})

	// A raw server whose answer is a malformed header line holding the key.
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = bufio.NewReader(conn).ReadString('\n')
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nBearer "+secretKey+"\r\n\r\n")
			conn.Close()
		}
	}()

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(secretKey), writer.WithLogger(logger), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := writer.NewClient(writer.WithBaseURL("http://"+ln.Addr().String()), writer.WithAPIKey(secretKey),
		writer.WithLogger(logger), writer.WithMaxRetries(0), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{
		"retry success false":  client.Files.Retry(t.Context(), []string{idA}),
		"delete deleted false": client.Files.Delete(t.Context(), idA),
		"malformed response":   raw.Files.Retry(t.Context(), []string{idA}),
	}
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(printings(err), secretKey) {
			t.Errorf("%s: error shows the key: %v", name, err)
		}
	}
	if strings.Contains(logs.String(), secretKey) {
		t.Errorf("debug log shows the key:\n%s", logs.String())
	}
}

func TestBaseURLEndingInV1IsRefused(t *testing.T) {
	for _, u := range []string{"https://api.writer.com/v1", "https://api.writer.com/v1/", "https://proxy.example/writer/v1"} {
		_, err := writer.NewClient(writer.WithAPIKey(secretKey), writer.WithBaseURL(u))
		if !errors.Is(err, writer.ErrInvalidInput) || !strings.Contains(err.Error(), "/v1") {
			t.Errorf("NewClient(WithBaseURL(%q)) = %v, want ErrInvalidInput about /v1", u, err)
		}
	}
	if _, err := writer.NewClient(writer.WithAPIKey(secretKey), writer.WithBaseURL("https://proxy.example/writer")); err != nil {
		t.Errorf("a path prefix without /v1 is refused: %v", err)
	}
}

// TestKeysThatLookRightAreRefusedBeforeAnyRequest: a key with a space, a control or format
// character or a character that is not ASCII anywhere, given to WithAPIKey or in
// WRITER_API_KEY, is an *InputError naming the character and its position, never the key,
// and no request is sent.
func TestKeysThatLookRightAreRefusedBeforeAnyRequest(t *testing.T) {
	for _, tt := range []struct {
		name, key, reason string
	}{
		{"trailing no-break space", secretKey + "\u00a0", "a no-break space (U+00A0) at character 20 of 20 (its end)"},
		{"line separator", secretKey + "\u2028", "a line separator (U+2028) at character 20 of 20 (its end)"},
		{"byte order mark", "\ufeff" + secretKey, "a byte order mark (U+FEFF) at character 1 of 20 (its start)"},
		{"zero-width space", "sk-TEST\u200b-SECRET-1234", "a zero-width space (U+200B) at character 8 of 20"},
		{"ideographic space", secretKey + "\u3000", "a space character (U+3000) at character 20 of 20 (its end)"},
		{"non-ASCII letter", "sk-TÉST-SECRET-1234", "a character that is not ASCII (U+00C9) at character 5 of 19"},
		{"next line", secretKey + "\u0085", "a control character (U+0085) at character 20 of 20 (its end)"},
		{"trailing space", secretKey + " ", "a space at character 20 of 20 (its end)"},
		{"leading tab", "\t" + secretKey, "a tab at character 1 of 20 (its start)"},
		{"line feed", secretKey + "\n", "a line feed at character 20 of 20 (its end)"},
		{"carriage return", secretKey + "\r", "a carriage return at character 20 of 20 (its end)"},
		{"NUL", "sk-TEST\x00-SECRET-1234", "a control character (U+0000) at character 8 of 20"},
		{"DEL", secretKey + "\x7f", "a delete character (U+007F) at character 20 of 20 (its end)"},
		{"not UTF-8", secretKey + "\xff", "a byte that is not UTF-8 (0xFF) at character 20 of 20 (its end)"},
		{"bearer prefix", "Bearer " + secretKey, "a space at character 7 of 26"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := writertest.NewServer(t)
			base := []writer.Option{writer.WithBaseURL(srv.URL), writer.WithRequestsPerMinute(writer.NoRateLimit)}
			cases := map[string][]writer.Option{"WithAPIKey": append([]writer.Option{writer.WithAPIKey(tt.key)}, base...)}
			if !strings.Contains(tt.key, "\x00") { // an environment variable cannot hold NUL
				cases["WRITER_API_KEY"] = base
				t.Setenv("WRITER_API_KEY", tt.key)
			}
			for field, opts := range cases {
				client, err := writer.NewClient(opts...)
				var ie *writer.InputError
				if client != nil || !errors.Is(err, writer.ErrInvalidInput) || !errors.As(err, &ie) {
					t.Fatalf("%s: NewClient = %v, %v; want an *InputError", field, client, err)
				}
				if want := "has " + tt.reason + "; an API key is printable ASCII without spaces"; ie.Field != field || ie.Reason != want || ie.Value != "" {
					t.Errorf("%s: got %+v, want Field %s, Reason %q and no Value", field, *ie, field, want)
				}
				if strings.Contains(printings(err), "SECRET") {
					t.Errorf("%s: the error shows the key: %v", field, err)
				}
			}
			if n := len(srv.Requests()); n != 0 {
				t.Errorf("the server got %d requests, want none", n)
			}
		})
	}
	t.Run("option wins over a bad environment key", func(t *testing.T) {
		t.Setenv("WRITER_API_KEY", secretKey+"\u00a0")
		client, srv := setup(t, []writertest.Option{writertest.WithAPIKey(secretKey)}, writer.WithAPIKey(secretKey))
		if _, err := client.Files.Get(context.Background(), idA); !errors.Is(err, writer.ErrNotFound) {
			t.Fatalf("Get = %v, want ErrNotFound from an authorized request", err)
		}
		if reqs := srv.Requests(); len(reqs) != 1 || !reqs[0].Authorized {
			t.Errorf("got %d requests, want 1 with the key", len(reqs))
		}
	})
}

// TestSecretPassedAsAnIDNeverShown: the API key, or a value of the caller's headers, passed
// by mistake where an id or a name goes is "[redacted]" in the *InputError that refuses it
// and in the FileID and GraphID of the *Error of a call that sent it, and in the path of
// its log records.
func TestSecretPassedAsAnIDNeverShown(t *testing.T) {
	const headerSecret = "gw-SECRET-header-42"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	client, err := writer.NewClient(writer.WithBaseURL(srv.URL), writer.WithAPIKey(secretKey), writer.WithHeader("X-Gateway-Token", headerSecret),
		writer.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		writer.WithMaxRetries(0), writer.WithRequestsPerMinute(writer.NoRateLimit))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, secret := range []string{secretKey, headerSecret} {
		inputErrs := map[string]error{
			"Retry":                func() error { return client.Files.Retry(ctx, []string{idA, secret}) }(),
			"Graphs.Get":           func() error { _, err := client.Graphs.Get(ctx, secret); return err }(),
			"Graphs.AddFile graph": func() error { _, err := client.Graphs.AddFile(ctx, secret, idA); return err }(),
			"UploadParams.GraphID": func() error {
				_, err := client.Files.Upload(ctx, writer.UploadParams{Name: "a.txt", GraphID: secret})
				return err
			}(),
			"UploadParams.Name": func() error {
				_, err := client.Files.Upload(ctx, writer.UploadParams{Name: secret + "\x00"})
				return err
			}(),
			"ListOptions.GraphID": func() error {
				_, err := client.Files.ListPage(ctx, &writer.ListOptions{GraphID: secret}, writer.Cursor{})
				return err
			}(),
			"Get with a slash": func() error { _, err := client.Files.Get(ctx, secret+"/x"); return err }(),
		}
		for name, err := range inputErrs {
			var ie *writer.InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.Value, "[redacted]") {
				t.Errorf("%s(%s) = %v; want an *InputError whose Value shows [redacted]", name, secret, err)
			}
			if strings.Contains(printings(err), "SECRET") {
				t.Errorf("%s: the error shows the secret: %v", name, err)
			}
		}
		apiErrs := map[string]error{
			"Get":               func() error { _, err := client.Files.Get(ctx, secret); return err }(),
			"Delete":            client.Files.Delete(ctx, secret),
			"Download":          func() error { _, err := client.Files.Download(ctx, secret); return err }(),
			"Graphs.AddFile":    func() error { _, err := client.Graphs.AddFile(ctx, graphA, secret); return err }(),
			"Graphs.RemoveFile": client.Graphs.RemoveFile(ctx, graphA, secret),
		}
		for name, err := range apiErrs {
			var apiErr *writer.Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || apiErr.FileID != "[redacted]" {
				t.Errorf("%s(%s) = %v; want the server's 404 with FileID [redacted]", name, secret, err)
			}
			if strings.Contains(printings(err), "SECRET") {
				t.Errorf("%s: the error shows the secret: %v", name, err)
			}
		}
	}
	if !strings.Contains(logs.String(), "[redacted]") || strings.Contains(logs.String(), "SECRET") {
		t.Errorf("debug log: want the paths with [redacted], never the secret:\n%s", logs.String())
	}
}
