package writer

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Defaults, named in the doc comments of the options that change them.
const (
	defaultBaseURL        = "https://api.writer.com"
	defaultMaxRetries     = 4
	defaultBaseDelay      = 500 * time.Millisecond
	defaultMaxDelay       = 8 * time.Second
	defaultMaxRetryAfter  = 60 * time.Second
	defaultRequestTimeout = 180 * time.Second
)

// Environment variables read by NewClient when the matching option is not given.
const (
	envAPIKey  = "WRITER_API_KEY" //nolint:gosec // G101: the variable's name, not a credential
	envBaseURL = "WRITER_BASE_URL"
	envLog     = "WRITER_LOG"
)

// config is what the options set; NewClient turns it into a Client.
type config struct {
	apiKey         string
	baseURL        string
	httpClient     *http.Client
	allowHTTP      bool
	maxRetries     int
	policy         RetryPolicy
	requestTimeout time.Duration
	logger         *slog.Logger
	retryHook      func(RetryEvent)
	pace           int         // requests per minute; 0: defaultRequestsPerMinute
	limiter        Limiter     // replaces pace when set
	retryBudget    int         // tokens; NoRetryBudget: off
	headers        http.Header // WithHeader, then the other names of WRITER_CUSTOM_HEADERS
	baseURLSet     bool        // WithBaseURL was given
	loggerSet      bool        // WithLogger was given
	withoutEnv     bool        // WithoutEnvironment: read no environment variable
}

// An Option configures a Client in NewClient: one of the With functions below. Options
// validate their arguments: NewClient returns the first option error, an *InputError
// (ErrInvalidInput). The zero Option does nothing.
type Option struct {
	apply func(*config) error
}

// option returns the Option that applies f.
func option(f func(*config) error) Option { return Option{apply: f} }

// WithAPIKey sets the API key sent as "Authorization: Bearer <key>" to the API host.
// Default: the WRITER_API_KEY environment variable. Writer's keys are printable ASCII: a
// key with a space, a control or format character or a character that is not ASCII
// anywhere (a no-break space or a line separator copied from a web page, say) is an
// *InputError naming the character and its position, and so is such a WRITER_API_KEY
// when no WithAPIKey is given. The key never appears in errors, logs or printed values.
func WithAPIKey(key string) Option {
	return option(func(c *config) error {
		if err := checkAPIKey("WithAPIKey", key); err != nil {
			return err
		}
		c.apiKey = key
		return nil
	})
}

// WithBaseURL sets the API's base URL, scheme and host and an optional path prefix that is
// kept in front of every operation path (https://proxy.example/writer gives
// https://proxy.example/writer/v1/files). Default: the WRITER_BASE_URL environment variable,
// else https://api.writer.com. An http:// URL is refused unless its host is loopback or
// WithInsecureHTTP is given.
func WithBaseURL(rawURL string) Option {
	return option(func(c *config) error {
		c.baseURL, c.baseURLSet = rawURL, true
		return nil
	})
}

// WithoutEnvironment makes NewClient read no environment variable: not WRITER_API_KEY (the
// key must come from WithAPIKey), WRITER_BASE_URL, WRITER_CUSTOM_HEADERS nor WRITER_LOG. A
// client for a test server, such as writertest.Server.Client, is then the same whatever the
// environment of the process holds.
func WithoutEnvironment() Option {
	return option(func(c *config) error {
		c.withoutEnv = true
		return nil
	})
}

// WithInsecureHTTP allows an http:// base URL to a host that is not loopback. The API key
// then crosses the network in clear text.
func WithInsecureHTTP() Option {
	return option(func(c *config) error {
		c.allowHTTP = true
		return nil
	})
}

// WithHTTPClient sets the *http.Client whose transport, redirect policy, jar and timeout the
// client uses. It is copied, never modified; the copy's CheckRedirect also drops the
// Authorization header on a redirect to any other scheme, host or port than the base URL's,
// and stops after 10 redirects. Default: a client whose transport opens at most 32
// connections per host and keeps them all alive between calls.
func WithHTTPClient(hc *http.Client) Option {
	return option(func(c *config) error {
		if hc == nil {
			return inputErr("WithHTTPClient", -1, "", "is nil")
		}
		c.httpClient = hc
		return nil
	})
}

// WithMaxRetries sets how many times a failed request may be retried (0 turns retries off).
// Default: 4, so a call sends at most 5 requests and, without server hints, waits about
// 7.5 s in all (0.5 + 1 + 2 + 4 s, less jitter). See docs/retries.md.
func WithMaxRetries(n int) Option {
	return option(func(c *config) error {
		if n < 0 {
			return inputErr("WithMaxRetries", -1, fmt.Sprint(n), "is negative")
		}
		c.maxRetries = n
		return nil
	})
}

// RetryPolicy is the schedule of waits between attempts. A zero field takes its default.
// The n-th retry waits BaseDelay*2^(n-1), capped at MaxDelay (at MaxRetryAfter for the
// calls of RetryFailed, RetryFailedAndWait and WaitProcessed, which make at least 8
// retries unless WithMaxRetries(0)), less up to 25% jitter. A
// server's retry-after-ms or Retry-After replaces the step; a hint longer than
// MaxRetryAfter, or than the context's remaining time, ends the call at once with an *Error
// matching ErrRateLimited whose RetryAfter is the hint. A step longer than the context's
// remaining time ends the call at once with the last attempt's error.
type RetryPolicy struct {
	// BaseDelay is the first backoff step. Default 500 ms.
	BaseDelay time.Duration
	// MaxDelay caps one backoff step. Default 8 s.
	MaxDelay time.Duration
	// MaxRetryAfter is the longest server-requested wait that is honoured. Default 60 s.
	MaxRetryAfter time.Duration
}

// WithRetryPolicy sets the backoff schedule. Negative durations are refused.
func WithRetryPolicy(p RetryPolicy) Option {
	return option(func(c *config) error {
		if p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
			return inputErr("WithRetryPolicy", -1, "", "has a negative duration")
		}
		c.policy = p
		return nil
	})
}

// WithRequestTimeout bounds each attempt's wait for response headers (sending the request
// included; reading a response body, such as a download, excluded). An attempt that times
// out is retried like a connection error (an upload only as the upload rule allows); when
// the last one timed out, the *Error matches ErrAttemptTimeout and context.DeadlineExceeded
// (never context.Canceled), and its cause reports Timeout() true. 0 turns the bound off.
// Default: 180 s, as Writer's SDKs. The caller's context bounds the whole call, retries
// included.
func WithRequestTimeout(d time.Duration) Option {
	return option(func(c *config) error {
		if d < 0 {
			return inputErr("WithRequestTimeout", -1, d.String(), "is negative")
		}
		c.requestTimeout = d
		return nil
	})
}

// WithRequestsPerMinute sets the Client's pace: every attempt of every call, retries
// included, waits its turn in a token bucket of n requests per minute and burst 1
// (golang.org/x/time/rate), shared by all goroutines using the Client. A 429 halves the
// pace, once per burst; each answer that is not 429 gives back a twentieth of n. Default
// 400, Writer's limit per account; NoRateLimit turns pacing off (as in tests against a fake).
func WithRequestsPerMinute(n int) Option {
	return option(func(c *config) error {
		if n < NoRateLimit {
			return inputErr("WithRequestsPerMinute", -1, fmt.Sprint(n), "is negative (use writer.NoRateLimit to turn pacing off)")
		}
		c.pace = n
		return nil
	})
}

// WithLimiter paces the Client with l instead of WithRequestsPerMinute: one l.Wait before
// every attempt of every call. Use one backed by a shared store (such as Redis) to keep
// several processes within one account's limit. After a 429 the Client holds its attempts
// back for the server's wait (Retry-After, at most RetryPolicy.MaxRetryAfter; else 1 s);
// l's own pace is l's.
func WithLimiter(l Limiter) Option {
	return option(func(c *config) error {
		if l == nil {
			return inputErr("WithLimiter", -1, "", "is nil")
		}
		c.limiter = l
		return nil
	})
}

// WithRetryBudget sets the Client's retry budget, a token bucket shared by all its calls:
// it starts with n tokens, a retry takes 5 (10 after an attempt that timed out, none after
// a 429, which halves the pace instead) and a call that succeeds gives 1 back, up to n.
// With fewer than a retry's cost left, a call that would be retried fails at once with its
// last attempt's *Error, which then also matches ErrRetryBudgetExhausted. So when Writer
// keeps failing, the Client adds at most about n/5 retries to the requests it is asked to
// send. Default (and 0) 500, the AWS SDKs' retry quota; NoRetryBudget turns it off.
func WithRetryBudget(n int) Option {
	return option(func(c *config) error {
		if n < NoRetryBudget {
			return inputErr("WithRetryBudget", -1, fmt.Sprint(n), "is negative (use writer.NoRetryBudget to turn the budget off)")
		}
		c.retryBudget = cmp.Or(n, defaultRetryBudget)
		return nil
	})
}

// WithLogger sets the logger that receives one Debug record per HTTP attempt (method, path,
// status, attempt, retry, wait, duration, and error for a transport failure; never header
// values or bodies). Default: silent, unless WRITER_LOG=debug, which logs to stderr;
// WithLogger(nil) is silent even then.
func WithLogger(l *slog.Logger) Option {
	return option(func(c *config) error {
		c.logger, c.loggerSet = l, true
		return nil
	})
}

// RetryEvent describes a retry about to happen: an attempt failed in a way that is retried,
// and the client is about to wait Wait before the next one.
type RetryEvent struct {
	// Operation is the spec's operationId, for example "gatewayGetFile"; for Client.Do, the
	// name given in its Request.
	Operation string
	// Method and Path are the failed attempt's HTTP method and URL path, as sent but for a
	// copy of the API key in the path (an id passed by mistake), which is "[redacted]".
	Method, Path string
	// Attempt is the number of the attempt that failed, from 1.
	Attempt int
	// Wait is how long the client waits before the next attempt.
	Wait time.Duration
	// StatusCode is the failed attempt's HTTP status, or 0 when no response arrived.
	StatusCode int
	// Err is the transport error when no response arrived (the API key removed), else nil.
	Err error
}

// WithRetryHook sets a function called before each wait for a retry, on the goroutine of
// the call, which waits for it to return: keep it quick. Default (and nil): none.
func WithRetryHook(hook func(RetryEvent)) Option {
	return option(func(c *config) error {
		c.retryHook = hook
		return nil
	})
}

// checkAPIKey refuses a key that Writer cannot have issued, as the value of field (the
// option or environment variable it came from): Writer's keys are printable ASCII without
// spaces, so a space, a control or format character, or any character that is not ASCII
// (such as a no-break space copied from a web page) is refused, named with its position.
// Its errors never quote the key.
func checkAPIKey(field, key string) error {
	if key == "" {
		return inputErr(field, -1, "", "is empty")
	}
	n := utf8.RuneCountInString(key)
	pos := 0
	for i, r := range key {
		pos++
		if r > ' ' && r < 0x7f {
			continue
		}
		where := fmt.Sprintf("at character %d of %d", pos, n)
		switch pos {
		case 1:
			where += " (its start)"
		case n:
			where += " (its end)"
		}
		return inputErr(field, -1, "", "has "+keyCharacter(key[i:], r)+" "+where+"; an API key is printable ASCII without spaces")
	}
	return nil
}

// keyCharacter names r, the first rune of s, a character that an API key cannot hold.
// Only characters that are not in any key are shown, as code points.
func keyCharacter(s string, r rune) string {
	if _, size := utf8.DecodeRuneInString(s); r == utf8.RuneError && size == 1 {
		return fmt.Sprintf("a byte that is not UTF-8 (0x%02X)", s[0])
	}
	names := map[rune]string{
		' ': "a space", '\t': "a tab", '\n': "a line feed", '\r': "a carriage return",
		0x7f: "a delete character (U+007F)", 0xa0: "a no-break space (U+00A0)",
		0x2028: "a line separator (U+2028)", 0x2029: "a paragraph separator (U+2029)",
		0xfeff: "a byte order mark (U+FEFF)", 0x200b: "a zero-width space (U+200B)",
	}
	if name, ok := names[r]; ok {
		return name
	}
	kind := "a character that is not ASCII"
	switch {
	case unicode.IsControl(r):
		kind = "a control character"
	case unicode.IsSpace(r), unicode.Is(unicode.Zs, r):
		kind = "a space character"
	case unicode.Is(unicode.Cf, r):
		kind = "an invisible format character"
	}
	return fmt.Sprintf("%s (U+%04X)", kind, r)
}

// parseBaseURL checks a base URL. Its errors never show user information or the API key.
func parseBaseURL(raw string, allowHTTP bool, key string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		reason := "is not a URL"
		var ue *url.Error
		if errors.As(err, &ue) && !strings.Contains(raw, "@") && !strings.Contains(ue.Err.Error(), key) {
			reason = ue.Err.Error()
		}
		return nil, inputErr("base URL", -1, "", reason)
	}
	hasUser := u.User != nil
	u.User = nil
	shown := u.Redacted()
	if strings.Contains(shown, key) {
		shown = ""
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, inputErr("base URL", -1, shown, "must start with https:// (or http:// for a loopback host)")
	case u.Host == "":
		return nil, inputErr("base URL", -1, shown, "has no host")
	case hasUser:
		return nil, inputErr("base URL", -1, shown, "must not carry user information; use WithAPIKey")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, inputErr("base URL", -1, shown, "must not have a query or fragment")
	case u.Scheme == "http" && !allowHTTP && !isLoopback(u.Hostname()):
		return nil, inputErr("base URL", -1, shown, "is http:// to a host that is not loopback; use https:// or WithInsecureHTTP")
	case strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/v1"):
		// The operation paths of the spec start with /v1: this would request /v1/v1/files.
		return nil, inputErr("base URL", -1, shown, "ends in /v1; give the API's root, such as https://api.writer.com")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
