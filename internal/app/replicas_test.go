package app_test

import (
	"net/http"
	"os"
	"testing"

	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/store/storetest"
)

// TestReplicasShareStateThroughPostgresAndRedis runs two server replicas on
// one PostgreSQL database and one Redis, as behind a load balancer: a
// logout on one is honoured by the other at once, and the login rate limit
// is shared.
func TestReplicasShareStateThroughPostgresAndRedis(t *testing.T) {
	redisURL := os.Getenv("PIERRE_TEST_REDIS_URL")
	if redisURL == "" || os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip("needs PIERRE_TEST_POSTGRES_URL and PIERRE_TEST_REDIS_URL (`.ci/run` sets both)")
	}
	db := storetest.DatabaseURL(t, config.Postgres)
	mek := "K7xL9mP2qR4vT6yZ8aB0cD2eF4gH6iJ8kL0mN2oP4qR="
	// Replicas behind one load balancer share the public URL (token issuer).
	shared := []string{"REDIS_URL", redisURL, "PIERRE_MASTER_ENCRYPTION_KEY", mek, "PIERRE_BASE_URL", "https://pierre.example.com"}
	a := startServerOn(t, db, shared...)
	b := startServerOn(t, db, shared...)

	var admin tokenBody
	if r := a.do(t, "POST", "/admin/setup", "", map[string]string{"email": "admin@example.com", "password": pw}, &admin); r.StatusCode != 201 {
		t.Fatalf("setup on A: %d", r.StatusCode)
	}
	// B verifies A's token (same signing key from the shared database)…
	if r := b.do(t, "GET", "/api/auth/me", admin.AccessToken, nil, nil); r.StatusCode != 200 {
		t.Fatalf("replica B refuses replica A's token: %d", r.StatusCode)
	}
	// …and hears A's logout without waiting for the periodic sync.
	if r := a.do(t, "POST", "/api/auth/logout", admin.AccessToken, nil, nil); r.StatusCode != 204 {
		t.Fatalf("logout on A: %d", r.StatusCode)
	}
	var e errBody
	if r := b.do(t, "GET", "/api/auth/me", admin.AccessToken, nil, &e); r.StatusCode != 401 {
		t.Fatalf("replica B still accepts a token logged out on A: %d", r.StatusCode)
	}

	// The login limit (10/min per address) counts attempts on both replicas.
	var last *http.Response
	for i := range 12 {
		s := a
		if i%2 == 1 {
			s = b
		}
		last = s.do(t, "POST", "/api/auth/login", "", map[string]string{"email": "x@example.com", "password": "wrong wrong wrong"}, &e)
	}
	if last.StatusCode != 429 {
		t.Fatalf("12 attempts across two replicas: last answer %d, want 429", last.StatusCode)
	}
	var h map[string]any
	a.do(t, "GET", "/health", "", nil, &h)
	if h["redis"].(map[string]any)["status"] != "ok" || h["database"].(map[string]any)["driver"] != "postgres" {
		t.Fatalf("health: %v", h)
	}
}
