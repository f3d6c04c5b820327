package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// floor is the hand-written net/http call that the client is measured against: what a
// careful programmer writes without a client library. It marshals the same body, sets the
// same headers, sends it over a reused connection, reads and decodes the response, closes.
type floor struct {
	hc   *http.Client
	base string // the server's base URL
	url  string // the retry operation's full URL
	auth string // "Bearer <key>"
}

// tunedTransport is the floor's transport: Go's defaults with an idle pool sized for the
// benchmarks' concurrency (Go keeps only 2 idle connections per host by default).
func tunedTransport() *http.Transport {
	t := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = 100
	t.IdleConnTimeout = 90 * time.Second
	return t
}

func newFloor(baseURL string) *floor {
	return &floor{
		hc:   &http.Client{Transport: tunedTransport()},
		base: baseURL,
		url:  baseURL + "/v1/files/retry",
		auth: "Bearer " + apiKey,
	}
}

type retryRequest struct {
	FileIDs []string `json:"file_ids"`
}

type retryResponse struct {
	Success *bool `json:"success"`
}

func (f *floor) retry(ctx context.Context, ids []string) error {
	body, err := json.Marshal(retryRequest{FileIDs: ids})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	var out retryResponse
	if err := f.doJSON(req, &out); err != nil {
		return err
	}
	if out.Success != nil && !*out.Success {
		return fmt.Errorf("retry not accepted")
	}
	return nil
}

// doJSON is the floor's round trip: it adds the key and User-Agent, sends req, reads the whole
// response, checks for 200 and decodes the JSON body into out.
func (f *floor) doJSON(req *http.Request, out any) error {
	req.Header.Set("Authorization", f.auth)
	req.Header.Set("User-Agent", "writer-go-bench-floor")
	resp, err := f.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	return json.Unmarshal(data, out)
}
