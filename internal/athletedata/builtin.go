package athletedata

import (
	"context"
	"fmt"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/provider"
)

// BuiltinConnector connects every user to the providers that need no
// account (the synthetic provider) and reports the others as not
// configured. The OAuth-backed connector replaces it once provider
// credentials are set.
type BuiltinConnector struct {
	Registry *provider.Registry
}

// UserKey identifies a user across tenants, for per-user seeds and caches.
func UserKey(p auth.Principal) string { return p.TenantID + "/" + p.UserID }

// Connections implements Connector.
func (b BuiltinConnector) Connections(_ context.Context, _ auth.Principal) (map[string]Connection, error) {
	out := map[string]Connection{}
	for _, n := range b.Registry.Names() {
		p, _ := b.Registry.Get(n)
		if p.Descriptor().OAuth == nil && n == provider.Synthetic {
			out[n] = Connection{State: StateConnected, Message: "built in; no account needed"}
		} else {
			out[n] = Connection{State: StateNotConfigured, Message: "this server has no OAuth application for " + p.Descriptor().DisplayName}
		}
	}
	return out, nil
}

// Client implements Connector.
func (b BuiltinConnector) Client(_ context.Context, pr auth.Principal, name string) (provider.Client, error) {
	p, ok := b.Registry.Get(name)
	if !ok {
		return nil, &provider.Error{Provider: name, Kind: provider.KindNotConfigured, Message: fmt.Sprintf("unknown provider %q", name)}
	}
	if name != provider.Synthetic {
		return nil, &provider.Error{Provider: name, Kind: provider.KindNotConfigured,
			Message: p.Descriptor().DisplayName + " is not configured on this server"}
	}
	return p.NewClient(provider.Connection{UserKey: UserKey(pr)}), nil
}
