package connections

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
)

// pageCSS is the result page's only style; the CSP allows exactly it.
const pageCSS = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f6f8;color:#1d2630;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;box-shadow:0 4px 24px rgba(0,0,0,.08);padding:2.5rem 3rem;max-width:32rem;text-align:center}
h1{font-size:1.4rem;margin:.5rem 0 1rem}.ok h1{color:#1b7f4b}.err h1{color:#b3261e}
.icon{font-size:2.5rem}p{line-height:1.5;margin:0}.brand{margin-top:1.5rem;font-size:.85rem;color:#6b7785}`

var pageCSP = "default-src 'none'; style-src 'sha256-" + func() string {
	sum := sha256.Sum256([]byte(pageCSS))
	return base64.StdEncoding.EncodeToString(sum[:])
}() + "'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// html/template escapes every value, so a vendor error echoed in the
// message cannot inject markup.
var page = template.Must(template.New("result").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}} · Pierre</title><style>{{.CSS}}</style></head>
<body><main class="{{if .OK}}ok{{else}}err{{end}}">
<div class="icon" aria-hidden="true">{{if .OK}}✓{{else}}✕{{end}}</div>
<h1>{{.Title}}</h1><p>{{.Message}}</p><p class="brand">Pierre Fitness Intelligence</p>
</main></body></html>
`))

// CallbackHandler serves GET /api/oauth/callback/{provider}: the vendor
// redirects the user's browser here after consent. The state parameter
// identifies the user, so the route needs no Pierre login.
func (m *Manager) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := m.Complete(r.Context(), r.PathValue("provider"), r.URL.Query())
		title := res.DisplayName + " connected"
		if !res.OK {
			title = "Could not connect " + res.DisplayName
		}
		var buf bytes.Buffer
		if err := page.Execute(&buf, map[string]any{"Title": title, "Message": res.Message, "OK": res.OK,
			"CSS": template.CSS(pageCSS)}); err != nil {
			http.Error(w, "could not render the result page", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", pageCSP)
		// The URL carried a code and state; do not leak it onwards.
		h.Set("Referrer-Policy", "no-referrer")
		w.WriteHeader(res.Status)
		w.Write(buf.Bytes())
	})
}
