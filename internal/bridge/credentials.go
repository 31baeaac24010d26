package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// StaticToken authenticates with a fixed bearer token (--token,
// PIERRE_JWT_TOKEN, or a pk_live_ API key). It cannot renew itself.
type StaticToken struct{ Token string }

// TokenSource implements auth.OAuthHandler.
func (s StaticToken) TokenSource(context.Context) (oauth2.TokenSource, error) {
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: s.Token, TokenType: "Bearer"}), nil
}

// Authorize implements auth.OAuthHandler: a refused static token is final.
func (s StaticToken) Authorize(_ context.Context, _ *http.Request, resp *http.Response) error {
	if resp != nil {
		resp.Body.Close()
	}
	return errors.New("the server refused the token given with --token/PIERRE_JWT_TOKEN (expired or revoked?); " +
		"get a new one, or drop --token to sign in through the browser")
}

// PasswordLogin signs in with an e-mail and password (--user-email,
// --user-password) through /api/auth/login and keeps the session alive with
// its rotating refresh token, remembered in the store.
type PasswordLogin struct {
	ServerURL string
	Email     string
	Password  string
	Store     Store
	HTTP      *http.Client

	mu  sync.Mutex
	tok *oauth2.Token
}

// TokenSource implements auth.OAuthHandler.
func (p *PasswordLogin) TokenSource(ctx context.Context) (oauth2.TokenSource, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tok == nil {
		if c, err := p.Store.Load(p.ServerURL); err == nil && c != nil && c.Method == "password" {
			p.tok = &oauth2.Token{AccessToken: c.AccessToken, RefreshToken: c.RefreshToken, Expiry: c.Expiry, TokenType: "Bearer"}
		}
	}
	if p.tok == nil {
		return nil, nil // the first request gets 401 and Authorize signs in
	}
	return passwordSource{p}, nil
}

type passwordSource struct{ p *PasswordLogin }

// Token renews the access token a minute before it expires.
func (s passwordSource) Token() (*oauth2.Token, error) {
	p := s.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tok != nil && (p.tok.Expiry.IsZero() || time.Until(p.tok.Expiry) > time.Minute) {
		return p.tok, nil
	}
	if err := p.refreshLocked(context.Background()); err != nil {
		if err := p.loginLocked(context.Background()); err != nil {
			return nil, err
		}
	}
	return p.tok, nil
}

// Authorize implements auth.OAuthHandler.
func (p *PasswordLogin) Authorize(ctx context.Context, _ *http.Request, resp *http.Response) error {
	if resp != nil {
		resp.Body.Close()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tok != nil && p.tok.RefreshToken != "" {
		if err := p.refreshLocked(ctx); err == nil {
			return nil
		}
	}
	return p.loginLocked(ctx)
}

type tokenAnswer struct {
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	ExpiresAt    time.Time `json:"expires_at"`
	Error        struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (p *PasswordLogin) post(ctx context.Context, path string, body any) (*tokenAnswer, error) {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.ServerURL+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var ans tokenAnswer
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&ans); err != nil {
		return nil, fmt.Errorf("%s: unreadable answer (%s)", path, resp.Status)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", ans.Error.Code, ans.Error.Message)
	}
	return &ans, nil
}

func (p *PasswordLogin) loginLocked(ctx context.Context) error {
	ans, err := p.post(ctx, "/api/auth/login", map[string]string{"email": p.Email, "password": p.Password})
	if err != nil {
		return fmt.Errorf("sign in as %s: %w", p.Email, err)
	}
	return p.keepLocked(ans)
}

func (p *PasswordLogin) refreshLocked(ctx context.Context) error {
	if p.tok == nil || p.tok.RefreshToken == "" {
		return errors.New("no refresh token")
	}
	ans, err := p.post(ctx, "/api/auth/refresh", map[string]string{"refresh_token": p.tok.RefreshToken})
	if err != nil {
		return err
	}
	return p.keepLocked(ans)
}

func (p *PasswordLogin) keepLocked(ans *tokenAnswer) error {
	p.tok = &oauth2.Token{AccessToken: ans.AccessToken, RefreshToken: ans.RefreshToken, Expiry: ans.ExpiresAt, TokenType: "Bearer"}
	return p.Store.Save(&Credentials{ServerURL: p.ServerURL, Method: "password", AccessToken: ans.AccessToken,
		RefreshToken: ans.RefreshToken, Expiry: ans.ExpiresAt, TokenType: "Bearer"})
}
