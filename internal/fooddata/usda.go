package fooddata

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/nutrition"
)

// DefaultBaseURL is the FoodData Central API.
const DefaultBaseURL = "https://api.nal.usda.gov/fdc/v1"

// DefaultDataTypes are searched unless WithDataTypes says otherwise:
// generic foods with full nutrient profiles (Branded adds hundreds of
// thousands of label-only products).
var DefaultDataTypes = []string{"Foundation", "SR Legacy", "Survey (FNDDS)"}

// Retry defaults: up to 2 retries of a 429/503, waiting the Retry-After
// (or 0.5 s, 1 s, … without one) but never more than 10 s per wait; a
// longer Retry-After is returned to the caller as a rate-limit error.
const (
	DefaultMaxRetries = 2
	DefaultMaxWait    = 10 * time.Second
	defaultBackoff    = 500 * time.Millisecond
	maxBodyBytes      = 16 << 20
)

// USDAClient is a FoodData Central API client. It is safe for concurrent
// use.
type USDAClient struct {
	baseURL    string
	apiKey     string
	http       *http.Client
	cache      Cache
	maxRetries int
	maxWait    time.Duration
	backoff    time.Duration
	dataTypes  []string
	sleep      func(ctx context.Context, d time.Duration) error
}

// Option configures a USDAClient.
type Option func(*USDAClient)

// WithBaseURL points the client at another server (tests, proxies).
func WithBaseURL(u string) Option {
	return func(c *USDAClient) { c.baseURL = strings.TrimRight(u, "/") }
}

// WithHTTPClient sets the HTTP client (timeouts, transport).
func WithHTTPClient(h *http.Client) Option { return func(c *USDAClient) { c.http = h } }

// WithCache sets the response cache (NewNoCache() disables caching).
func WithCache(cache Cache) Option { return func(c *USDAClient) { c.cache = cache } }

// WithRetries sets how many times a 429/503 is retried and the longest
// single wait.
func WithRetries(n int, maxWait time.Duration) Option {
	return func(c *USDAClient) { c.maxRetries, c.maxWait = n, maxWait }
}

// WithDataTypes sets the FDC data types searched ("Foundation",
// "SR Legacy", "Survey (FNDDS)", "Branded").
func WithDataTypes(types ...string) Option {
	return func(c *USDAClient) { c.dataTypes = append([]string(nil), types...) }
}

// NewUSDAClient returns a client using apiKey (sent as the api_key query
// parameter). Defaults: DefaultBaseURL, a 10 s HTTP timeout, an in-process
// cache of 1000 entries for 24 h, DefaultDataTypes.
func NewUSDAClient(apiKey string, opts ...Option) (*USDAClient, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, &nutrition.InputError{Field: "USDA_API_KEY", Reason: "empty API key"}
	}
	c := &USDAClient{
		baseURL:    DefaultBaseURL,
		apiKey:     strings.TrimSpace(apiKey),
		http:       &http.Client{Timeout: 10 * time.Second},
		cache:      NewMemoryCache(DefaultCacheSize, DefaultCacheTTL),
		maxRetries: DefaultMaxRetries,
		maxWait:    DefaultMaxWait,
		backoff:    defaultBackoff,
		dataTypes:  DefaultDataTypes,
		sleep:      sleepCtx,
	}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Name implements Source.
func (c *USDAClient) Name() string { return SourceUSDA }

func checkSearchArgs(query string, page, pageSize int) (string, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return "", &nutrition.InputError{Field: "query", Reason: "must not be empty"}
	}
	if len(q) > 200 {
		return "", &nutrition.InputError{Field: "query", Reason: "at most 200 characters"}
	}
	if page < 1 || page > 10000 {
		return "", &nutrition.InputError{Field: "page", Reason: fmt.Sprintf("must be between 1 and 10000, got %d", page)}
	}
	if pageSize < 1 || pageSize > MaxPageSize {
		return "", &nutrition.InputError{Field: "page_size", Reason: fmt.Sprintf("must be between 1 and %d, got %d", MaxPageSize, pageSize)}
	}
	return q, nil
}

func checkFDCID(id int) error {
	if id <= 0 {
		return &nutrition.InputError{Field: "fdc_id", Reason: fmt.Sprintf("must be a positive FDC ID, got %d", id)}
	}
	return nil
}

// Search implements Source with GET /foods/search.
func (c *USDAClient) Search(ctx context.Context, query string, page, pageSize int) (SearchResult, error) {
	q, err := checkSearchArgs(query, page, pageSize)
	if err != nil {
		return SearchResult{}, err
	}
	dt := strings.Join(c.dataTypes, ",")
	key := fmt.Sprintf("fdc:search:%s:%d:%d:%s", dt, pageSize, page, strings.ToLower(q))
	if b, ok := c.cache.Get(ctx, key); ok {
		var r SearchResult
		if json.Unmarshal(b, &r) == nil {
			return r, nil
		}
	}
	params := url.Values{}
	params.Set("query", q)
	params.Set("pageSize", strconv.Itoa(pageSize))
	params.Set("pageNumber", strconv.Itoa(page))
	if dt != "" {
		params.Set("dataType", dt)
	}
	body, err := c.get(ctx, "/foods/search", params)
	if err != nil {
		return SearchResult{}, err
	}
	s, foods, err := parseSearch(body)
	if err != nil {
		return SearchResult{}, &APIError{Kind: KindInvalidData, Status: http.StatusOK, Message: "unreadable search answer", Err: err}
	}
	r := SearchResult{Query: q, Page: page, PageSize: pageSize, TotalHits: s.TotalHits, TotalPages: s.TotalPages, Foods: foods, Source: SourceUSDA}
	if s.CurrentPage > 0 {
		r.Page = s.CurrentPage
	}
	if r.TotalPages == 0 && r.TotalHits > 0 {
		r.TotalPages = (r.TotalHits + pageSize - 1) / pageSize
	}
	if b, err := json.Marshal(r); err == nil {
		c.cache.Set(ctx, key, b)
	}
	return r, nil
}

// Food implements Source with GET /food/{fdcId}.
func (c *USDAClient) Food(ctx context.Context, fdcID int) (Food, error) {
	if err := checkFDCID(fdcID); err != nil {
		return Food{}, err
	}
	key := "fdc:food:" + strconv.Itoa(fdcID)
	if b, ok := c.cache.Get(ctx, key); ok {
		var f Food
		if json.Unmarshal(b, &f) == nil {
			return f, nil
		}
	}
	body, err := c.get(ctx, "/food/"+strconv.Itoa(fdcID), url.Values{})
	if errors.Is(err, errHTTPNotFound) {
		return Food{}, &NotFoundError{FDCID: fdcID}
	}
	if err != nil {
		return Food{}, err
	}
	f, err := parseFood(body)
	if err != nil {
		return Food{}, &APIError{Kind: KindInvalidData, Status: http.StatusOK, Message: "unreadable food answer", Err: err}
	}
	if b, err := json.Marshal(f); err == nil {
		c.cache.Set(ctx, key, b)
	}
	return f, nil
}

var errHTTPNotFound = errors.New("http 404")

// get performs a GET with the API key, retrying 429 and 503 within the
// configured bounds.
func (c *USDAClient) get(ctx context.Context, path string, params url.Values) ([]byte, error) {
	params.Set("api_key", c.apiKey)
	u := c.baseURL + path + "?" + params.Encode()
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, &APIError{Kind: KindBadRequest, Message: "cannot build request", Err: redact(err, c.apiKey)}
		}
		req.Header.Set("Accept", "application/json")
		resp, err := c.http.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &APIError{Kind: KindUnavailable, Message: "request failed: " + redact(err, c.apiKey).Error(), Err: redact(err, c.apiKey)}
		}
		body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusOK:
			if readErr != nil {
				return nil, &APIError{Kind: KindUnavailable, Status: resp.StatusCode, Message: "reading the answer failed", Err: redact(readErr, c.apiKey)}
			}
			return body, nil
		case resp.StatusCode == http.StatusNotFound:
			return nil, errHTTPNotFound
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
			wait, hinted := retryAfter(resp.Header.Get("Retry-After"), time.Now())
			if !hinted {
				wait = c.backoff << attempt
			}
			kind, msg := KindRateLimited, "rate limited (FoodData Central allows 1,000 requests per hour per key)"
			if resp.StatusCode == http.StatusServiceUnavailable {
				kind, msg = KindUnavailable, "service unavailable"
			}
			if attempt >= c.maxRetries || wait > c.maxWait {
				return nil, &APIError{Kind: kind, Status: resp.StatusCode, RetryAfter: wait, Message: msg}
			}
			if err := c.sleep(ctx, wait); err != nil {
				return nil, err
			}
		case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
			return nil, &APIError{Kind: KindUnauthorized, Status: resp.StatusCode, Message: "API key rejected; check USDA_API_KEY"}
		case resp.StatusCode == http.StatusBadRequest:
			return nil, &APIError{Kind: KindBadRequest, Status: resp.StatusCode, Message: "request rejected"}
		default:
			return nil, &APIError{Kind: KindUnavailable, Status: resp.StatusCode, Message: "server error"}
		}
	}
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func sleepCtx(ctx context.Context, d time.Duration) error {
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

// redact removes the API key from an error (net/http errors quote the URL).
func redact(err error, key string) error {
	if err == nil || key == "" {
		return err
	}
	msg := err.Error()
	if !strings.Contains(msg, key) {
		var ue *url.Error
		if errors.As(err, &ue) {
			return fmt.Errorf("%s: %w", ue.Op, ue.Err)
		}
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		inner := strings.ReplaceAll(ue.Err.Error(), key, "REDACTED")
		return errors.New(ue.Op + ": " + inner)
	}
	return errors.New(strings.ReplaceAll(msg, key, "REDACTED"))
}
