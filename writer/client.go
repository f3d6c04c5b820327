package writer

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Client calls Writer's File API. Create one with NewClient and share it: it is safe for
// concurrent use and keeps its connections alive between calls.
type Client struct {
	// Files is the File API: the operations under /v1/files and the workflow built on them.
	Files *FilesService
	// Graphs is the part of the Knowledge Graph API that files need: the operations under
	// /v1/graphs that read a graph's file counts and put files in it or take them out.
	Graphs *GraphsService

	hc      *http.Client // the caller's copy; its CheckRedirect keeps the key on the API
	baseURL *url.URL
	server  string // baseURL with a trailing slash, as the generated request builders want it
	key     *apiKey

	maxRetries     int
	policy         RetryPolicy // defaults filled in
	requestTimeout time.Duration
	logger         *slog.Logger     // nil: silent
	hook           func(RetryEvent) // nil: none
	pace           *pace            // nil: unpaced
	budget         *budget          // nil: unlimited

	common service
}

// service is the value behind each resource service (FilesService, ...): a pointer back at
// the Client. A service type is declared as a struct of the same field, so that go doc
// shows no unexported type, and converted from *service.
type service struct{ client *Client }

// NewClient returns a Client configured by opts. Without WithAPIKey it reads the key from
// WRITER_API_KEY; without WithBaseURL, the base URL from WRITER_BASE_URL, else
// https://api.writer.com; it adds the headers of WRITER_CUSTOM_HEADERS (see WithHeader), and
// logs to stderr when WRITER_LOG=debug (see WithLogger). With WithoutEnvironment it reads
// none of these variables. It returns an *InputError (ErrInvalidInput) when no key is found,
// or a key, a header or an option is invalid; it never panics.
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{
		maxRetries:     defaultMaxRetries,
		requestTimeout: defaultRequestTimeout,
		retryBudget:    defaultRetryBudget,
	}
	for _, opt := range opts {
		if opt.apply == nil {
			continue
		}
		if err := opt.apply(&cfg); err != nil {
			return nil, err
		}
	}
	if !cfg.withoutEnv {
		if err := cfg.fromEnvironment(); err != nil {
			return nil, err
		}
	}
	switch {
	case cfg.apiKey == "" && cfg.withoutEnv:
		return nil, inputErr("API key", -1, "", "is missing: pass writer.WithAPIKey (WithoutEnvironment reads no "+envAPIKey+")")
	case cfg.apiKey == "":
		return nil, inputErr("API key", -1, "", "is missing: set "+envAPIKey+" or pass writer.WithAPIKey")
	}
	if cfg.baseURL == "" {
		cfg.baseURL = defaultBaseURL
	}
	base, err := parseBaseURL(cfg.baseURL, cfg.allowHTTP, cfg.apiKey)
	if err != nil {
		return nil, err
	}

	hc := &http.Client{Transport: newTransport()}
	if cfg.httpClient != nil {
		copied := *cfg.httpClient
		hc = &copied
	}
	key := newAPIKey(base, cfg.apiKey, cfg.headers)
	hc.CheckRedirect = key.redirectPolicy(hc.CheckRedirect)
	c := &Client{
		hc:             hc,
		baseURL:        base,
		server:         base.String() + "/",
		key:            key,
		maxRetries:     cfg.maxRetries,
		policy:         withPolicyDefaults(cfg.policy),
		requestTimeout: cfg.requestTimeout,
		logger:         cfg.logger,
		hook:           cfg.retryHook,
		pace:           newPace(cfg.pace, cfg.limiter),
		budget:         newBudget(cfg.retryBudget),
	}
	c.common.client = c
	c.Files = (*FilesService)(&c.common)
	c.Graphs = (*GraphsService)(&c.common)
	return c, nil
}

// fromEnvironment fills in from the environment what the options left unset: the API key
// (WRITER_API_KEY, checked), the base URL (WRITER_BASE_URL), the logger (WRITER_LOG=debug)
// and the headers of WRITER_CUSTOM_HEADERS that no WithHeader gave.
func (cfg *config) fromEnvironment() error {
	if cfg.apiKey == "" {
		if key := os.Getenv(envAPIKey); key != "" {
			if err := checkAPIKey(envAPIKey, key); err != nil {
				return err
			}
			cfg.apiKey = key
		}
	}
	if !cfg.baseURLSet {
		cfg.baseURL = os.Getenv(envBaseURL)
	}
	if !cfg.loggerSet && strings.EqualFold(os.Getenv(envLog), "debug") {
		cfg.logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	headers, err := parseCustomHeaders(os.Getenv(envCustomHeaders))
	if err != nil {
		return err
	}
	for name, v := range headers {
		if _, given := cfg.headers[name]; !given {
			if cfg.headers == nil {
				cfg.headers = http.Header{}
			}
			cfg.headers[name] = v
		}
	}
	return nil
}

func withPolicyDefaults(p RetryPolicy) RetryPolicy {
	if p.BaseDelay == 0 {
		p.BaseDelay = defaultBaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = defaultMaxDelay
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = defaultMaxRetryAfter
	}
	return p
}

// Format prints the client as writer.Client{base_url: ..., api_key: [redacted]} for every
// verb, whether the Client or a pointer to it is printed (a nil *Client prints <nil>).
func (c Client) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprintf(f, "writer.Client{base_url: %s, api_key: [redacted]}", c.baseURL.Redacted())
}
