package oauth2server

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pierre-fitness/pierre/internal/store"
)

func FuzzAuthorizeParams(f *testing.F) {
	f.Add("response_type=code&client_id=mcp_client_1&redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Fcb&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=x&scope=fitness%3Aread&resource=https%3A%2F%2Fp.example%2Fmcp")
	f.Add("client_id=a&client_id=b")
	f.Add("response_type=token&client_id=c&redirect_uri=https://x/cb&code_challenge_method=plain&code_challenge=abc")
	f.Add("client_id=c&redirect_uri=http://[::1]:1/cb&scope=%00%20offline_access%20admin&resource=https://p.example/mcp/")
	f.Add("%zz=1&client_id=;")
	s := &Server{cfg: Config{BaseURL: "https://p.example", Resource: "https://p.example/mcp"}}
	c := store.OAuthClient{ID: "mcp_client_1", RedirectURIs: []string{"http://127.0.0.1/cb", "https://x/cb"}, GrantTypes: []string{"authorization_code"}}
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw)
		p, e := parseAuthorizeParams(v)
		if e != nil {
			if e.Code != "invalid_request" || e.Description == "" {
				t.Fatalf("parse error %+v", e)
			}
			return
		}
		if p.ClientID == "" || p.RedirectURI == "" {
			t.Fatalf("accepted without client_id or redirect_uri: %+v", p)
		}
		if matchRedirect(c.RedirectURIs, p.RedirectURI) {
			// A matching redirect is one registration would accept.
			if err := checkRedirectURI(p.RedirectURI); err != nil {
				t.Fatalf("matched %q that registration refuses: %v", p.RedirectURI, err)
			}
			out := redirectWith(p.RedirectURI, url.Values{"code": {"c"}, "state": {p.State}})
			if u, err := url.Parse(out); err != nil || u.Query().Get("code") != "c" {
				t.Fatalf("redirect %q lost the code: %v", out, err)
			}
		}
		scope, e := s.checkAuthorize(p, c)
		if e != nil {
			if e.Description == "" || e.Status != 400 {
				t.Fatalf("check error %+v", e)
			}
			return
		}
		if p.ResponseType != "code" || p.ChallengeMethod != "S256" || !validChallenge(p.Challenge) {
			t.Fatalf("accepted without S256 PKCE: %+v", p)
		}
		for _, sc := range strings.Fields(scope) {
			if !slices.Contains(Scopes, sc) {
				t.Fatalf("granted unsupported scope %q", sc)
			}
		}
		if p.Resource != "" && strings.TrimSuffix(p.Resource, "/") != s.cfg.Resource {
			t.Fatalf("accepted resource %q", p.Resource)
		}
		// The parameters survive the round trip through the login and
		// consent forms.
		back, e := parseAuthorizeParams(p.values())
		if e != nil || back != p {
			t.Fatalf("round trip: %+v -> %+v %v", p, back, e)
		}
	})
}

func FuzzTokenParams(f *testing.F) {
	f.Add("grant_type=authorization_code&code=abc&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_id=x")
	f.Add("grant_type=refresh_token&refresh_token=mrt_x&scope=fitness%3Aread")
	f.Add("grant_type=client_credentials&scope=a+b&resource=https://p/mcp")
	f.Add("grant_type=password&username=a")
	f.Add("grant_type=authorization_code&grant_type=refresh_token")
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw)
		p, e := parseTokenParams(v)
		if e != nil {
			if (e.Code != "invalid_request" && e.Code != "unsupported_grant_type") || e.Status != 400 || e.Description == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		switch p.GrantType {
		case "authorization_code":
			if p.Code == "" || p.RedirectURI == "" || !validVerifier(p.Verifier) {
				t.Fatalf("code grant accepted with missing parts: %+v", p)
			}
			verifierMatches(p.Verifier, p.Code)
		case "refresh_token":
			if p.RefreshToken == "" {
				t.Fatalf("refresh grant without a token: %+v", p)
			}
		case "client_credentials":
		default:
			t.Fatalf("accepted grant %q", p.GrantType)
		}
		if _, e := narrowScope(p.Scope, defaultScope); e == nil {
			// Whatever is granted is within what was allowed.
			got, _ := narrowScope(p.Scope, defaultScope)
			for _, sc := range strings.Fields(got) {
				if !strings.Contains(defaultScope, sc) {
					t.Fatalf("narrowed to %q", got)
				}
			}
		}
	})
}

func FuzzRedirectURI(f *testing.F) {
	for _, s := range []string{"https://a.example/cb", "http://127.0.0.1:80/cb", "http://localhost/x?y=1", "http://evil.example/cb",
		"https://a/#f", "javascript:alert(1)", "http://127.0.0.1.evil.example/cb", "http://[::1]/", "https://u:p@a/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if checkRedirectURI(raw) != nil {
			return
		}
		u, err := url.Parse(raw)
		if err != nil || u.Fragment != "" || strings.ContainsAny(raw, "#*") || u.User != nil {
			t.Fatalf("accepted %q", raw)
		}
		if u.Scheme != "https" && !(u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
			t.Fatalf("accepted non-https, non-loopback %q", raw)
		}
	})
}
