package app

import (
	"net/http"

	"github.com/pierre-fitness/pierre/internal/broadcast"
	"github.com/pierre-fitness/pierre/internal/connections"
	"github.com/pierre-fitness/pierre/internal/notify"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/tools/connectiontools"
)

// assembleConnections builds the provider registry (every vendor, plus
// builtin such as synthetic), the connection manager that replaces the
// builtin connector, and the notification hub.
func (a *App) assembleConnections(bus broadcast.Bus, builtin ...provider.Provider) {
	reg, apps := connections.Registry(a.Config.Lookup, a.Config.BaseURL, nil, builtin...)
	a.Providers = reg
	a.Notify = notify.New(bus)
	var cache connections.Cache
	if a.Redis != nil {
		cache = connections.NewRedisCache(a.Redis, "pierre:cache:")
	}
	a.Connections = connections.New(connections.Options{Registry: reg, Apps: apps, Store: a.Store, Vault: a.Vault,
		Cache: cache, Notifier: a.Notify, Log: a.Log})
}

// registerConnectionTools adds connect_provider and disconnect_provider.
func (a *App) registerConnectionTools() {
	connectiontools.Register(a.Tools, a.Connections, a.Providers)
}

// mountConnections adds the vendor OAuth callback and the notification stream.
func (a *App) mountConnections(mux *http.ServeMux, authn func(http.Handler) http.Handler) {
	mux.Handle("GET /api/oauth/callback/{provider}", a.Connections.CallbackHandler())
	mux.Handle("GET /notifications/sse", authn(a.Notify.Handler()))
}
