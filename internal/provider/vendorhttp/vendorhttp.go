// Package vendorhttp is the HTTP helper every vendor client uses (Strava,
// Garmin, Fitbit, WHOOP, COROS, Terra).
//
// It sends GET/POST requests with a context through the authenticated
// *http.Client the caller supplies, bounds the response size, maps HTTP
// statuses onto *provider.Error kinds, retries 429 and 5xx answers with
// exponential backoff and full jitter (honouring Retry-After), and decodes JSON
// into typed values without ever returning a partially decoded one.
//
// Error messages name the vendor, say why and when to retry, and never contain
// tokens, query strings or response bodies.
package vendorhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/provider"
)

// Defaults applied by New for zero Config fields.
const (
	DefaultMaxAttempts  = 3
	DefaultMaxWait      = 30 * time.Second
	DefaultBaseDelay    = 500 * time.Millisecond
	DefaultMaxDelay     = 8 * time.Second
	DefaultMaxBodyBytes = 32 << 20
)

// Sleeper waits for d or until ctx is done, whichever is first. It returns
// ctx.Err() when the context ended the wait.
type Sleeper func(ctx context.Context, d time.Duration) error

// SleepContext is the real Sleeper.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ResponseInfo is what an Observer learns about each HTTP answer (including
// the ones that are retried). It carries no token, query string or body.
type ResponseInfo struct {
	Provider string
	Method   string
	Path     string // URL path only
	Status   int
	Attempt  int // 1-based
	Header   http.Header
	// RateLimit holds Strava-style X-RateLimit-* / X-ReadRateLimit-* usage
	// when the vendor sent them.
	RateLimit *RateLimitUsage
}

// Observer is told about every HTTP answer, so that a shared request budget
// can learn the vendor's published limits and usage. It must be fast and safe
// for concurrent use.
type Observer func(ResponseInfo)

// RetryAfterHint lets a vendor estimate how long to wait after a 429 that
// carried no Retry-After header (e.g. Strava's 15-minute windows). It returns
// 0 when it cannot tell.
type RetryAfterHint func(h http.Header, now time.Time) time.Duration

// Config configures a Client. Zero fields take the defaults above.
type Config struct {
	// Provider is the vendor name used in errors ("strava").
	Provider string
	// DisplayName is the name users know ("Strava"), used in advice such
	// as "reconnect Strava"; Provider when empty.
	DisplayName string
	// BaseURL is prefixed to request paths; overridable for tests.
	BaseURL string
	// HTTP is the authenticated client (OAuth bearer or API-key transport).
	HTTP *http.Client
	// Header holds static headers sent with every request (e.g. Terra's
	// dev-id). Authorization headers belong in the HTTP client's transport.
	Header http.Header

	// MaxAttempts bounds the number of requests for one call (≥ 1).
	MaxAttempts int
	// MaxWait bounds the total time slept between attempts of one call. A
	// Retry-After longer than what is left of it is returned at once as a
	// KindRateLimited error carrying RetryAfter.
	MaxWait time.Duration
	// BaseDelay and MaxDelay shape the backoff: attempt n waits a uniformly
	// random duration in [0, min(MaxDelay, BaseDelay·2^(n-1))) ("full
	// jitter"), or Retry-After when the vendor gave one.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxBodyBytes bounds a response body; larger bodies are KindInvalidData.
	MaxBodyBytes int64

	Now      func() time.Time
	Sleep    Sleeper
	Rand     func() float64 // uniform in [0,1); jitter source
	Observer Observer
	Hint     RetryAfterHint
}

// Option changes a Config. Vendor packages accept Options so callers and
// tests can override base URLs, clocks and retry bounds.
type Option func(*Config)

// WithBaseURL overrides the vendor API base URL (tests point it at httptest).
func WithBaseURL(u string) Option { return func(c *Config) { c.BaseURL = strings.TrimRight(u, "/") } }

// WithRetry sets the attempt bound and the total wait bound.
func WithRetry(maxAttempts int, maxWait time.Duration) Option {
	return func(c *Config) { c.MaxAttempts, c.MaxWait = maxAttempts, maxWait }
}

// WithBackoff sets the backoff base and per-wait cap.
func WithBackoff(base, max time.Duration) Option {
	return func(c *Config) { c.BaseDelay, c.MaxDelay = base, max }
}

// WithMaxBodyBytes bounds response bodies.
func WithMaxBodyBytes(n int64) Option { return func(c *Config) { c.MaxBodyBytes = n } }

// WithClock injects the clock used for HTTP-date Retry-After and deadlines.
func WithClock(now func() time.Time) Option { return func(c *Config) { c.Now = now } }

// WithSleeper injects the sleeper (tests record waits instead of sleeping).
func WithSleeper(s Sleeper) Option { return func(c *Config) { c.Sleep = s } }

// WithRand injects the jitter source.
func WithRand(r func() float64) Option { return func(c *Config) { c.Rand = r } }

// WithObserver installs an Observer of every HTTP answer.
func WithObserver(o Observer) Option { return func(c *Config) { c.Observer = o } }

// WithHeader adds a static request header.
func WithHeader(key, value string) Option {
	return func(c *Config) {
		if c.Header == nil {
			c.Header = http.Header{}
		}
		c.Header.Set(key, value)
	}
}

// Client sends requests to one vendor for one user. Safe for concurrent use.
type Client struct {
	cfg Config
}

// New returns a Client; defaults fill zero fields of cfg, then opts apply.
func New(cfg Config, opts ...Option) *Client {
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.HTTP == nil {
		cfg.HTTP = http.DefaultClient
	}
	if cfg.MaxAttempts < 1 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = DefaultMaxWait
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = DefaultBaseDelay
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = DefaultMaxDelay
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = SleepContext
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.DisplayName == "" {
		cfg.DisplayName = cfg.Provider
	}
	return &Client{cfg: cfg}
}

// Provider returns the vendor name.
func (c *Client) Provider() string { return c.cfg.Provider }

// BaseURL returns the base URL requests are sent to.
func (c *Client) BaseURL() string { return c.cfg.BaseURL }

// Now returns the client's clock reading.
func (c *Client) Now() time.Time { return c.cfg.Now() }

// Request describes one call.
type Request struct {
	Method string     // GET when empty
	Path   string     // appended to BaseURL; must start with "/"
	Query  url.Values // may be nil
	Header http.Header
	Body   []byte // sent as-is; ContentType describes it
	// ContentType of Body; "application/json" when Body is set and this is empty.
	ContentType string
}

// Response is a successful (2xx) answer with its whole body.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req, retrying as configured, and returns the 2xx answer or a
// *provider.Error.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	u := c.cfg.BaseURL + req.Path
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		resp, perr := c.once(ctx, req, u, attempt)
		if perr == nil {
			return resp, nil
		}
		if !perr.Retryable() || ctx.Err() != nil {
			return nil, perr
		}
		if attempt >= c.cfg.MaxAttempts {
			return nil, c.exhausted(perr, attempt)
		}
		wait := c.backoff(attempt)
		if perr.RetryAfter > 0 {
			wait = perr.RetryAfter
			if wait > c.cfg.MaxWait-waited {
				// Longer than we are allowed to wait: tell the caller when.
				return nil, perr
			}
		}
		if waited+wait > c.cfg.MaxWait {
			return nil, c.exhausted(perr, attempt)
		}
		// Context deadlines are wall-clock, whatever clock is injected.
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return nil, perr
		}
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return nil, perr
		}
		waited += wait
	}
}

func (c *Client) backoff(attempt int) time.Duration {
	ceil := float64(c.cfg.BaseDelay) * math.Pow(2, float64(attempt-1))
	if ceil > float64(c.cfg.MaxDelay) {
		ceil = float64(c.cfg.MaxDelay)
	}
	r := c.cfg.Rand()
	if r < 0 || r >= 1 || math.IsNaN(r) {
		r = 0.5
	}
	return time.Duration(r * ceil)
}

func (c *Client) exhausted(perr *provider.Error, attempts int) *provider.Error {
	e := *perr
	e.Message = fmt.Sprintf("%s (gave up after %d attempts)", perr.Message, attempts)
	return &e
}

func (c *Client) once(ctx context.Context, req Request, u string, attempt int) (*Response, *provider.Error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, u, body)
	if err != nil {
		return nil, &provider.Error{Provider: c.cfg.Provider, Kind: provider.KindInvalidData,
			Message: "could not build the request to " + c.cfg.Provider, Err: redact(err)}
	}
	for k, vs := range c.cfg.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	if hreq.Header.Get("Accept") == "" {
		hreq.Header.Set("Accept", "application/json")
	}
	if req.Body != nil {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		hreq.Header.Set("Content-Type", ct)
	}
	resp, err := c.cfg.HTTP.Do(hreq)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, &provider.Error{Provider: c.cfg.Provider, Kind: provider.KindUnavailable,
				Message: fmt.Sprintf("request to %s was cancelled or timed out; try again", c.cfg.DisplayName),
				Err:     ctxErr}
		}
		return nil, &provider.Error{Provider: c.cfg.Provider, Kind: provider.KindUnavailable,
			Message: fmt.Sprintf("could not reach %s (network error); try again in a minute", c.cfg.DisplayName),
			Err:     redact(err)}
	}
	defer resp.Body.Close()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBodyBytes+1))
	c.observe(req.Method, hreq.URL.Path, resp, attempt)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if rerr != nil {
			return nil, &provider.Error{Provider: c.cfg.Provider, Kind: provider.KindUnavailable,
				Status:  resp.StatusCode,
				Message: fmt.Sprintf("the answer from %s was cut off; try again in a minute", c.cfg.DisplayName),
				Err:     redact(rerr)}
		}
		if int64(len(data)) > c.cfg.MaxBodyBytes {
			return nil, &provider.Error{Provider: c.cfg.Provider, Kind: provider.KindInvalidData,
				Status: resp.StatusCode,
				Message: fmt.Sprintf("the answer from %s is larger than the %d-byte limit; ask for a shorter time range",
					c.cfg.Provider, c.cfg.MaxBodyBytes)}
		}
		return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, nil
	}
	return nil, c.statusError(resp)
}

func (c *Client) observe(method, path string, resp *http.Response, attempt int) {
	if c.cfg.Observer == nil {
		return
	}
	info := ResponseInfo{Provider: c.cfg.Provider, Method: method, Path: path,
		Status: resp.StatusCode, Attempt: attempt, Header: resp.Header.Clone()}
	if rl, ok := ParseRateLimitHeaders(resp.Header); ok {
		info.RateLimit = &rl
	}
	c.cfg.Observer(info)
}

// statusError maps a non-2xx status onto a provider error.
func (c *Client) statusError(resp *http.Response) *provider.Error {
	p, name := c.cfg.Provider, c.cfg.DisplayName
	st := resp.StatusCode
	e := &provider.Error{Provider: p, Status: st}
	switch {
	case st == http.StatusUnauthorized:
		e.Kind = provider.KindReauthRequired
		e.Message = fmt.Sprintf("%s no longer accepts Pierre's authorisation (HTTP 401); reconnect %s to continue", name, name)
	case st == http.StatusForbidden:
		e.Kind = provider.KindReauthRequired
		e.Message = fmt.Sprintf("%s refused access (HTTP 403: permission missing or revoked); reconnect %s and grant the requested permissions", name, name)
	case st == http.StatusNotFound:
		e.Kind = provider.KindNotFound
		e.Message = fmt.Sprintf("%s has no such item (HTTP 404)", name)
	case st == http.StatusTooManyRequests:
		e.Kind = provider.KindRateLimited
		now := c.cfg.Now()
		e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), now)
		if e.RetryAfter == 0 && c.cfg.Hint != nil {
			e.RetryAfter = c.cfg.Hint(resp.Header, now)
		}
		if e.RetryAfter > 0 {
			e.Message = fmt.Sprintf("%s rate limit reached (HTTP 429); try again after the wait", name)
		} else {
			e.Message = fmt.Sprintf("%s rate limit reached (HTTP 429); try again in a few minutes", name)
		}
	case st >= 500:
		e.Kind = provider.KindUnavailable
		e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		e.Message = fmt.Sprintf("%s is unavailable (HTTP %d); try again in a few minutes", name, st)
	default:
		e.Kind = provider.KindInvalidData
		e.Message = fmt.Sprintf("%s rejected the request (HTTP %d); this is not fixed by retrying", name, st)
	}
	return e
}

// ParseRetryAfter reads a Retry-After value: delta-seconds or an HTTP-date
// (relative to now). It returns 0 when absent, unparseable or in the past.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(365*24*time.Hour/time.Second) {
			n = int64(365 * 24 * time.Hour / time.Second)
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// RateLimitUsage is Strava's published limits and current usage, from
// X-RateLimit-Limit / X-RateLimit-Usage ("15-minute,daily") and the
// X-ReadRateLimit-* pair for read requests. Zero means not sent.
type RateLimitUsage struct {
	Limit15Min, LimitDaily         int
	Usage15Min, UsageDaily         int
	ReadLimit15Min, ReadLimitDaily int
	ReadUsage15Min, ReadUsageDaily int
}

// ParseRateLimitHeaders extracts RateLimitUsage; ok is false when none of
// the headers were present.
func ParseRateLimitHeaders(h http.Header) (RateLimitUsage, bool) {
	var r RateLimitUsage
	ok := false
	pair := func(name string, a, b *int) {
		v := h.Get(name)
		if v == "" {
			return
		}
		parts := strings.Split(v, ",")
		if len(parts) >= 1 {
			if n, err := strconv.Atoi(strings.TrimSpace(parts[0])); err == nil && n >= 0 {
				*a, ok = n, true
			}
		}
		if len(parts) >= 2 {
			if n, err := strconv.Atoi(strings.TrimSpace(parts[1])); err == nil && n >= 0 {
				*b, ok = n, true
			}
		}
	}
	pair("X-RateLimit-Limit", &r.Limit15Min, &r.LimitDaily)
	pair("X-RateLimit-Usage", &r.Usage15Min, &r.UsageDaily)
	pair("X-ReadRateLimit-Limit", &r.ReadLimit15Min, &r.ReadLimitDaily)
	pair("X-ReadRateLimit-Usage", &r.ReadUsage15Min, &r.ReadUsageDaily)
	return r, ok
}

// redact strips query strings (which may hold tokens, e.g. COROS) from URL
// errors so that even the logged cause carries no secret.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		u := ue.URL
		if p, perr := url.Parse(u); perr == nil {
			p.RawQuery, p.User, p.Fragment = "", nil, ""
			u = p.String()
		} else if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return &url.Error{Op: ue.Op, URL: u, Err: ue.Err}
	}
	return err
}

// Get sends a GET and decodes the JSON answer into a fresh T.
func Get[T any](ctx context.Context, c *Client, path string, q url.Values) (T, error) {
	var zero T
	resp, err := c.Do(ctx, Request{Path: path, Query: q})
	if err != nil {
		return zero, err
	}
	return Decode[T](c.cfg.Provider, resp.Body)
}

// Post sends body as JSON and decodes the JSON answer into a fresh T.
func Post[T any](ctx context.Context, c *Client, path string, body any) (T, error) {
	var zero T
	b, err := json.Marshal(body)
	if err != nil {
		return zero, &provider.Error{Provider: c.cfg.Provider, Kind: provider.KindInvalidData,
			Message: "could not encode the request to " + c.cfg.Provider, Err: err}
	}
	resp, err := c.Do(ctx, Request{Method: http.MethodPost, Path: path, Body: b})
	if err != nil {
		return zero, err
	}
	return Decode[T](c.cfg.Provider, resp.Body)
}

// Decode unmarshals data into a fresh T. On any error it returns the zero T
// and a KindInvalidData error naming the vendor (never quoting the body).
func Decode[T any](vendor string, data []byte) (T, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		var zero T
		return zero, InvalidData(vendor, "malformed JSON", err)
	}
	return v, nil
}

// InvalidData builds the KindInvalidData error for a payload Pierre cannot
// read. why is a short, body-free reason.
func InvalidData(vendor, why string, cause error) *provider.Error {
	return &provider.Error{Provider: vendor, Kind: provider.KindInvalidData,
		Message: fmt.Sprintf("%s sent data Pierre cannot read (%s); retrying will not help until %s fixes it", vendor, why, vendor),
		Err:     sanitizeJSONErr(cause)}
}

// sanitizeJSONErr keeps the type/offset of a JSON error but not the value.
func sanitizeJSONErr(err error) error {
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("json syntax error at offset %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Errorf("json type error: field %q wants %s, got %s", te.Field, te.Type, te.Value)
	}
	return err
}

// NotFound converts a KindNotFound error from the transport into the
// descriptive provider.NotFound error; other errors pass through.
func NotFound(err error, vendor, what, id string) error {
	if provider.KindOf(err) == provider.KindNotFound {
		nf := provider.NotFound(vendor, what, id)
		nf.Err = err
		return nf
	}
	return err
}
