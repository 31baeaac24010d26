package apptest

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Browser is a person at a browser for OAuth tests: it keeps cookies, reads the
// server's HTML forms and submits them, and stops at the redirect back to
// the client.
type Browser struct {
	t             testing.TB
	base          string
	http          *http.Client
	email, passwd string
}

// NewBrowser returns a browser that signs in as email.
func NewBrowser(t testing.TB, base, email, passwd string) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{t: t, base: base, email: email, passwd: passwd,
		http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var (
	e2eHiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
	e2eFormRE   = regexp.MustCompile(`<form method="post" action="([^"]*)"`)
)

func (b *Browser) form(page string) (string, url.Values) {
	m := e2eFormRE.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("page has no form:\n%s", page)
	}
	v := url.Values{}
	for _, h := range e2eHiddenRE.FindAllStringSubmatch(page, -1) {
		v.Add(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	return b.base + html.UnescapeString(m[1]), v
}

func (b *Browser) do(req func() (*http.Response, error)) (*http.Response, string) {
	resp, err := req()
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// Authorize opens the authorization URL, signs in through the login form,
// approves on the consent page and returns the redirect to the client.
func (b *Browser) Authorize(authURL string) *url.URL {
	resp, page := b.do(func() (*http.Response, error) { return b.http.Get(authURL) })
	if resp.StatusCode != 200 || !strings.Contains(page, `autocomplete="current-password"`) {
		b.t.Fatalf("expected the login page: %d\n%s", resp.StatusCode, page)
	}
	action, v := b.form(page)
	v.Set("email", b.email)
	v.Set("password", b.passwd)
	resp, _ = b.do(func() (*http.Response, error) { return b.http.PostForm(action, v) })
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login: %d", resp.StatusCode)
	}
	resp, page = b.do(func() (*http.Response, error) { return b.http.Get(b.base + resp.Header.Get("Location")) })
	if resp.StatusCode != 200 || !strings.Contains(page, `value="approve"`) || !strings.Contains(page, b.email) {
		b.t.Fatalf("expected the consent page for %s: %d\n%s", b.email, resp.StatusCode, page)
	}
	action, v = b.form(page)
	v.Set("action", "approve")
	resp, _ = b.do(func() (*http.Response, error) { return b.http.PostForm(action, v) })
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("code") == "" {
		b.t.Fatalf("approve: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc
}
