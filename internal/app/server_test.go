package app_test

import (
	"net/http"
	"testing"

	"github.com/pierre-fitness/pierre/internal/app/apptest"
	"github.com/pierre-fitness/pierre/internal/config"
)

// testServer wraps apptest.Server with the short names these tests use.
type testServer struct{ *apptest.Server }

var fixedNow = apptest.FixedNow

func envOpts(extraEnv []string) apptest.Options {
	env := map[string]string{}
	for i := 0; i+1 < len(extraEnv); i += 2 {
		env[extraEnv[i]] = extraEnv[i+1]
	}
	return apptest.Options{Env: env}
}

func startServer(t testing.TB, driver config.Driver, extraEnv ...string) *testServer {
	t.Helper()
	return &testServer{apptest.Start(t, driver, envOpts(extraEnv))}
}

// startServerOn starts a server on an existing database, e.g. a second
// replica of the same PostgreSQL schema.
func startServerOn(t testing.TB, db config.DatabaseURL, extraEnv ...string) *testServer {
	t.Helper()
	return &testServer{apptest.StartOn(t, db, envOpts(extraEnv))}
}

func (s *testServer) do(t testing.TB, method, path, token string, body any, out any) *http.Response {
	t.Helper()
	return s.Do(t, method, path, token, body, out)
}

func (s *testServer) stop() { s.Stop() }

type errBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Field     string `json:"field"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

type tokenBody struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	User         struct {
		ID       string `json:"id"`
		TenantID string `json:"tenant_id"`
		Role     string `json:"role"`
		Status   string `json:"status"`
	} `json:"user"`
}

const pw = "correct horse battery staple"
