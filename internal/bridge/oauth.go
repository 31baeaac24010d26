package bridge

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// DefaultCallbackPort is the loopback port the browser returns to after
// sign-in, as in the original client.
const DefaultCallbackPort = 35535

// AuthError means the bridge could not obtain credentials; retrying the
// same message will not help, so the host gets the reason at once.
type AuthError struct{ Err error }

func (e *AuthError) Error() string { return "sign-in to the Pierre server failed: " + e.Err.Error() }
func (e *AuthError) Unwrap() error { return e.Err }

// OAuthLogin signs in the way the MCP authorization specification
// describes: on the server's 401 it discovers the protected-resource and
// authorization-server metadata, registers itself once per server (RFC
// 7591), sends the user's browser through the server's login and consent
// pages with PKCE, receives the code on a loopback callback (RFC 8252) and
// exchanges it. The registration and tokens are kept in Store, so later runs
// start signed in; access tokens are renewed silently with the refresh
// token, and when that fails the next 401 starts a new sign-in.
type OAuthLogin struct {
	ServerURL string
	Store     Store
	HTTP      *http.Client
	Log       *slog.Logger
	// ClientID and ClientSecret name a client registered beforehand
	// (--oauth-client-id); empty means register dynamically.
	ClientID     string
	ClientSecret string
	// CallbackPort is the loopback port for the redirect (default 35535).
	CallbackPort int
	// OpenBrowser shows the authorization URL to the user. Nil opens the
	// system browser; the URL is always logged on stderr too, so
	// --no-browser just leaves this to the user.
	OpenBrowser func(url string) error
	// NoBrowser only prints the URL.
	NoBrowser bool
	// Prompt receives the sign-in URL as a line of its own (stderr in the
	// binary; stdout belongs to MCP). Nil logs it instead.
	Prompt io.Writer
	// Timeout bounds how long the user has to finish signing in (default
	// 5 minutes).
	Timeout time.Duration

	mu    sync.Mutex
	creds *Credentials
}

// TokenSource implements auth.OAuthHandler.
func (o *OAuthLogin) TokenSource(context.Context) (oauth2.TokenSource, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.loadLocked()
	if o.creds == nil || o.creds.AccessToken == "" {
		return nil, nil // the first request gets 401 and Authorize signs in
	}
	return oauthSource{o}, nil
}

func (o *OAuthLogin) loadLocked() {
	if o.creds != nil {
		return
	}
	c, err := o.Store.Load(o.ServerURL)
	if err != nil {
		o.log().Warn("could not read stored credentials; signing in again", "store", o.Store.Describe(), "err", err)
		return
	}
	if c != nil && c.Method == "oauth" {
		o.creds = c
	}
}

func (o *OAuthLogin) log() *slog.Logger {
	if o.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Log
}

func (o *OAuthLogin) httpClient() *http.Client {
	if o.HTTP == nil {
		return http.DefaultClient
	}
	return o.HTTP
}

func (o *OAuthLogin) oauthConfig() *oauth2.Config {
	c := o.creds
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		Endpoint: oauth2.Endpoint{TokenURL: c.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
}

type oauthSource struct{ o *OAuthLogin }

// Token renews the access token a minute before it expires. If renewal
// fails it hands back the old token: the server then answers 401 and
// Authorize starts a fresh sign-in, which is the only way out.
func (s oauthSource) Token() (*oauth2.Token, error) {
	o := s.o
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.creds
	tok := &oauth2.Token{AccessToken: c.AccessToken, RefreshToken: c.RefreshToken, Expiry: c.Expiry, TokenType: "Bearer"}
	if c.Expiry.IsZero() || time.Until(c.Expiry) > time.Minute || c.RefreshToken == "" {
		return tok, nil
	}
	if err := o.refreshLocked(context.Background()); err != nil {
		o.log().Warn("could not renew the access token; will sign in again", "err", err)
		return tok, nil
	}
	c = o.creds
	return &oauth2.Token{AccessToken: c.AccessToken, RefreshToken: c.RefreshToken, Expiry: c.Expiry, TokenType: "Bearer"}, nil
}

func (o *OAuthLogin) refreshLocked(ctx context.Context) error {
	c := o.creds
	if c == nil || c.RefreshToken == "" || c.TokenURL == "" {
		return errors.New("no refresh token")
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.httpClient())
	tok, err := o.oauthConfig().TokenSource(ctx, &oauth2.Token{RefreshToken: c.RefreshToken, Expiry: time.Unix(1, 0)}).Token()
	if err != nil {
		return fmt.Errorf("refresh: %w", err)
	}
	return o.keepLocked(tok)
}

func (o *OAuthLogin) keepLocked(tok *oauth2.Token) error {
	c := *o.creds
	c.AccessToken, c.Expiry, c.TokenType = tok.AccessToken, tok.Expiry, "Bearer"
	if tok.RefreshToken != "" {
		c.RefreshToken = tok.RefreshToken
	}
	o.creds = &c
	if err := o.Store.Save(&c); err != nil {
		// Still usable for this run; the user signs in again next time.
		o.log().Warn("could not store the tokens", "store", o.Store.Describe(), "err", err)
	}
	return nil
}

// Authorize implements auth.OAuthHandler: it renews the token, or signs in.
func (o *OAuthLogin) Authorize(ctx context.Context, req *http.Request, resp *http.Response) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.loadLocked()
	// Another request may have signed in while this one waited.
	if o.creds != nil && o.creds.AccessToken != "" && req != nil &&
		req.Header.Get("Authorization") != "Bearer "+o.creds.AccessToken {
		resp.Body.Close()
		return nil
	}
	if o.creds != nil && o.creds.RefreshToken != "" {
		if err := o.refreshLocked(ctx); err == nil {
			resp.Body.Close()
			return nil
		}
	}
	if err := o.signInLocked(ctx, req, resp); err != nil {
		return &AuthError{Err: err}
	}
	return nil
}

// signInLocked runs the whole authorization-code flow.
func (o *OAuthLogin) signInLocked(ctx context.Context, req *http.Request, resp *http.Response) error {
	port := o.CallbackPort
	if port == 0 {
		port = DefaultCallbackPort
	}
	redirect := "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"
	hc := o.httpClient()

	// Discovery, to find where to register and exchange. The go-sdk handler
	// below repeats it and validates the answers; registering ourselves is
	// what lets the registration outlive this process.
	prmURL := o.ServerURL + "/.well-known/oauth-protected-resource"
	if cs, err := oauthex.ParseWWWAuthenticate(resp.Header.Values("WWW-Authenticate")); err == nil {
		for _, c := range cs {
			if u := c.Params["resource_metadata"]; u != "" {
				prmURL = u
			}
		}
	}
	prm, err := oauthex.GetProtectedResourceMetadata(ctx, prmURL, o.ServerURL+"/mcp", hc)
	if err != nil {
		return fmt.Errorf("read the server's protected-resource metadata at %s: %w", prmURL, err)
	}
	if len(prm.AuthorizationServers) == 0 {
		return fmt.Errorf("the server's metadata at %s names no authorization server", prmURL)
	}
	issuer := prm.AuthorizationServers[0]
	asm, err := auth.GetAuthServerMetadata(ctx, issuer, hc)
	if err != nil {
		return fmt.Errorf("read the authorization server metadata of %s: %w", issuer, err)
	}
	if asm == nil {
		return fmt.Errorf("%s publishes no authorization server metadata", issuer)
	}

	c := o.creds
	switch {
	case o.ClientID != "":
		c = &Credentials{ServerURL: o.ServerURL, Method: "oauth", ClientID: o.ClientID, ClientSecret: o.ClientSecret,
			RedirectURI: redirect, Issuer: issuer}
	case c == nil || c.ClientID == "" || c.Issuer != issuer || c.RedirectURI != redirect:
		if asm.RegistrationEndpoint == "" {
			return fmt.Errorf("%s does not offer dynamic client registration", issuer)
		}
		reg, err := oauthex.RegisterClient(ctx, asm.RegistrationEndpoint, &oauthex.ClientRegistrationMetadata{
			RedirectURIs:            []string{redirect},
			TokenEndpointAuthMethod: "none",
			GrantTypes:              []string{"authorization_code", "refresh_token"},
			ResponseTypes:           []string{"code"},
			ClientName:              "Pierre MCP client (pierre-mcp-client)",
		}, hc)
		if err != nil {
			return fmt.Errorf("register with %s: %w", asm.RegistrationEndpoint, err)
		}
		c = &Credentials{ServerURL: o.ServerURL, Method: "oauth", ClientID: reg.ClientID, ClientSecret: reg.ClientSecret,
			RedirectURI: redirect, Issuer: issuer}
		o.log().Info("registered with the Pierre server", "client_id", reg.ClientID)
	}
	c.TokenURL = asm.TokenEndpoint
	o.creds = c
	if err := o.Store.Save(c); err != nil {
		o.log().Warn("could not store the client registration", "store", o.Store.Describe(), "err", err)
	}

	creds := &oauthex.ClientCredentials{ClientID: c.ClientID, Issuer: issuer}
	if c.ClientSecret != "" {
		creds.ClientSecretAuth = &oauthex.ClientSecretAuth{ClientSecret: c.ClientSecret}
	}
	h, err := auth.NewAuthorizationCodeHandler(&auth.AuthorizationCodeHandlerConfig{
		PreregisteredClient:      creds,
		RedirectURL:              redirect,
		AuthorizationCodeFetcher: o.fetchCode(port),
		RequestRefreshToken:      true,
		AcceptUnadvertisedIss:    true,
		Client:                   hc,
	})
	if err != nil {
		return err
	}
	if err := h.Authorize(ctx, req, resp); err != nil {
		return err
	}
	ts, err := h.TokenSource(ctx)
	if err != nil || ts == nil {
		return fmt.Errorf("no token after sign-in: %v", err)
	}
	tok, err := ts.Token()
	if err != nil {
		return err
	}
	o.log().Info("signed in to the Pierre server", "credentials", o.Store.Describe())
	return o.keepLocked(tok)
}

var callbackPage = template.Must(template.New("cb").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pierre</title>
<style>body{font-family:system-ui,sans-serif;background:#0f172a;color:#e2e8f0;display:grid;place-items:center;height:100vh;margin:0}
main{max-width:32rem;padding:2rem;border-radius:12px;background:#1e293b}h1{color:{{.Colour}}}</style></head>
<body><main><h1>{{.Title}}</h1><p>{{.Message}}</p></main></body></html>`))

// fetchCode returns the go-sdk AuthorizationCodeFetcher: it listens on the
// loopback port, shows the user the authorization URL, and waits for the
// browser to come back with the code.
func (o *OAuthLogin) fetchCode(port int) auth.AuthorizationCodeFetcher {
	return func(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			return nil, fmt.Errorf("listen for the sign-in callback on 127.0.0.1:%d (use --callback-port to pick another): %w", port, err)
		}
		results := make(chan *auth.AuthorizationResult, 1)
		failures := make(chan error, 1)
		srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/callback" {
				http.NotFound(w, r)
				return
			}
			q := r.URL.Query()
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if e := q.Get("error"); e != "" {
				msg := e
				if d := q.Get("error_description"); d != "" {
					msg += ": " + d
				}
				callbackPage.Execute(w, map[string]string{"Title": "Sign-in failed", "Colour": "#f87171", "Message": msg})
				select {
				case failures <- fmt.Errorf("the server refused the sign-in: %s", msg):
				default:
				}
				return
			}
			if q.Get("code") == "" {
				w.WriteHeader(http.StatusBadRequest)
				callbackPage.Execute(w, map[string]string{"Title": "Sign-in failed", "Colour": "#f87171", "Message": "The callback carried no authorization code."})
				return
			}
			callbackPage.Execute(w, map[string]string{"Title": "Signed in to Pierre", "Colour": "#34d399",
				"Message": "You can close this window and return to your assistant."})
			select {
			case results <- &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}:
			default:
			}
		})}
		go srv.Serve(ln)
		defer srv.Close()

		if o.Prompt != nil {
			fmt.Fprintf(o.Prompt, "Sign in to Pierre: open this URL in your browser:\n  %s\n", args.URL)
		} else {
			o.log().Warn("sign in to Pierre: open this URL in your browser", "url", args.URL)
		}
		if !o.NoBrowser {
			open := o.OpenBrowser
			if open == nil {
				open = openSystemBrowser
			}
			if err := open(args.URL); err != nil {
				o.log().Warn("could not open a browser; open the URL above yourself", "err", err)
			}
		}
		timeout := o.Timeout
		if timeout == 0 {
			timeout = 5 * time.Minute
		}
		select {
		case res := <-results:
			return res, nil
		case err := <-failures:
			return nil, err
		case <-time.After(timeout):
			return nil, fmt.Errorf("nobody finished signing in within %s", timeout)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func openSystemBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	return cmd.Start()
}
