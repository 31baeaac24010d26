// Package connectiontools declares connect_provider and
// disconnect_provider, the tools that link a user's fitness accounts.
package connectiontools

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/connections"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/tools"
)

// Category of these tools in listings.
const Category = "connections"

// Connector starts and ends connections (connections.Manager).
type Connector interface {
	Begin(ctx context.Context, p auth.Principal, name string) (connections.Authorization, error)
	Disconnect(ctx context.Context, p auth.Principal, name string) (connections.Disconnection, error)
}

// Register adds the tools. names are the providers offered (the registry).
func Register(r *tools.Registry, c Connector, reg *provider.Registry) {
	var names []string
	for _, n := range reg.Names() {
		if n != provider.Synthetic {
			names = append(names, n)
		}
	}
	r.Add(
		tools.New(tools.Spec{
			Name: "connect_provider", Title: "Connect a fitness provider", Category: Category,
			Description: "Start connecting the user's account at a fitness provider (Strava, Garmin, Fitbit, WHOOP, COROS, " +
				"Terra). Returns {provider, authorization_url, expires_at, pkce}: give the URL to the user to open in a " +
				"browser and approve; the link works once and for 10 minutes. When the user has approved, the connection " +
				"shows in get_connection_status (and an oauth_completed event is sent on /notifications/sse). Also use it " +
				"to reconnect a provider whose status is reauth_required.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider": tools.Enum("The provider to connect.", names...),
			}, "provider"),
			Annotations: tools.Annotations{OpenWorld: true},
		}, connect(c)),
		tools.New(tools.Spec{
			Name: "disconnect_provider", Title: "Disconnect a fitness provider", Category: Category,
			Description: "Disconnect the user's account at a fitness provider: revokes Pierre's access at the vendor where " +
				"the vendor allows it, deletes the stored tokens and clears cached data from that provider. Use it when the " +
				"user asks to unlink an account. Returns {provider, was_connected, revoked_at_vendor, message}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider": tools.Enum("The provider to disconnect.", names...),
			}, "provider"),
			Annotations: tools.Annotations{Destructive: true, Idempotent: true, OpenWorld: true},
		}, disconnect(c)),
	)
}

type providerArgs struct {
	Provider string `json:"provider"`
}

type connectAnswer struct {
	connections.Authorization
	ExpiresInSeconds int    `json:"expires_in_seconds"`
	Instructions     string `json:"instructions"`
}

func connect(c Connector) tools.Handler[providerArgs] {
	return func(ctx context.Context, call *tools.Call, in providerArgs) (any, error) {
		a, err := c.Begin(ctx, call.Principal, in.Provider)
		if errors.Is(err, connections.ErrBuiltin) {
			return nil, tools.Invalid("provider", in.Provider+" is built in and always connected")
		}
		if err != nil {
			return nil, err
		}
		return connectAnswer{Authorization: a, ExpiresInSeconds: int(time.Until(a.ExpiresAt).Seconds()),
			Instructions: fmt.Sprintf("Ask the user to open authorization_url in a browser and approve access within "+
				"10 minutes; then call get_connection_status to confirm that %s is connected.", in.Provider)}, nil
	}
}

func disconnect(c Connector) tools.Handler[providerArgs] {
	return func(ctx context.Context, call *tools.Call, in providerArgs) (any, error) {
		d, err := c.Disconnect(ctx, call.Principal, in.Provider)
		if errors.Is(err, connections.ErrBuiltin) {
			return nil, tools.Invalid("provider", in.Provider+" is built in and cannot be disconnected")
		}
		if err != nil {
			return nil, err
		}
		return d, nil
	}
}
