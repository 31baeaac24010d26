// Package athletedata is the one place tools read an athlete's data from.
// It picks the provider (the one the caller names, else the user's
// connected provider by priority), opens the user's client, and returns the
// data together with the name of the provider it came from.
package athletedata

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
)

// Connection states reported by get_connection_status.
const (
	StateConnected      = "connected"
	StateNotConnected   = "not_connected"
	StateNotConfigured  = "not_configured"
	StateReauthRequired = "reauth_required"
)

// Connection is a user's link to one provider.
type Connection struct {
	State       string     `json:"status"`
	ConnectedAt *time.Time `json:"connected_at,omitempty"`
	Scopes      []string   `json:"scopes,omitempty"`
	// Message explains a state that needs action.
	Message string `json:"message,omitempty"`
	// Sync is the progress of Pierre's copy of this provider's data; nil
	// when no copy is kept.
	Sync *SyncStatus `json:"sync_status,omitempty"`
}

// SyncStatus reports how complete and how fresh Pierre's copy is.
type SyncStatus struct {
	Phase      string     `json:"phase"`  // backfill or incremental
	Status     string     `json:"status"` // idle, running or failed
	Percent    float64    `json:"percent"`
	Activities int        `json:"activities_synced"`
	SyncedAt   *time.Time `json:"synced_at,omitempty"`
	Error      string     `json:"error,omitempty"`
}

// Connector knows which providers a user has connected and opens clients
// acting for the user.
type Connector interface {
	// Connections reports the state of every registered provider.
	Connections(ctx context.Context, p auth.Principal) (map[string]Connection, error)
	// Client opens the user's client for a provider, or returns a
	// *provider.Error of kind KindNotConnected, KindNotConfigured or
	// KindReauthRequired.
	Client(ctx context.Context, p auth.Principal, name string) (provider.Client, error)
}

// Service reads athlete data.
type Service struct {
	reg             *provider.Registry
	conn            Connector
	defaultProvider string
}

// New returns the service. defaultProvider (PIERRE_DEFAULT_PROVIDER) is
// preferred over the priority order when the user has connected it.
func New(reg *provider.Registry, conn Connector, defaultProvider string) *Service {
	return &Service{reg: reg, conn: conn, defaultProvider: defaultProvider}
}

// Registry returns the provider registry.
func (s *Service) Registry() *provider.Registry { return s.reg }

// Connections reports the user's connections to every provider.
func (s *Service) Connections(ctx context.Context, p auth.Principal) (map[string]Connection, error) {
	return s.conn.Connections(ctx, p)
}

// SyncReporter is a Connector that also knows how complete and fresh
// Pierre's copy of each provider's data is.
type SyncReporter interface {
	ConnectionsWithSync(ctx context.Context, p auth.Principal) (map[string]Connection, error)
}

// ConnectionsWithSync is Connections with each connection's sync status,
// when the connector keeps a copy (costlier: for status answers only).
func (s *Service) ConnectionsWithSync(ctx context.Context, p auth.Principal) (map[string]Connection, error) {
	if r, ok := s.conn.(SyncReporter); ok {
		return r.ConnectionsWithSync(ctx, p)
	}
	return s.conn.Connections(ctx, p)
}

// candidates orders provider names for automatic selection: the priority
// list with a non-synthetic default provider first, synthetic always last so
// that connecting a real provider takes over from demo data.
func (s *Service) candidates(priority []string) []string {
	order := slices.Clone(priority)
	if s.defaultProvider != "" && s.defaultProvider != provider.Synthetic {
		order = slices.DeleteFunc(order, func(n string) bool { return n == s.defaultProvider })
		order = append([]string{s.defaultProvider}, order...)
	}
	return order
}

// Resolve returns the provider to read from and the user's client for it.
// want is the data kind needed; priority is provider.ActivityPriority or
// provider.SleepPriority.
func (s *Service) Resolve(ctx context.Context, p auth.Principal, requested string, want provider.Capability, priority []string) (string, provider.Client, error) {
	if requested != "" {
		prov, ok := s.reg.Get(requested)
		if !ok {
			return "", nil, &provider.Error{Provider: requested, Kind: provider.KindNotConfigured,
				Message: fmt.Sprintf("unknown provider %q; known providers: %v", requested, s.reg.Names())}
		}
		if !prov.Descriptor().Capabilities.Has(want) {
			return "", nil, provider.Unsupported(requested, want.String()+" data")
		}
		c, err := s.conn.Client(ctx, p, requested)
		return requested, c, err
	}
	conns, err := s.conn.Connections(ctx, p)
	if err != nil {
		return "", nil, fmt.Errorf("load connections: %w", err)
	}
	for _, name := range s.candidates(priority) {
		prov, ok := s.reg.Get(name)
		if !ok || conns[name].State != StateConnected || !prov.Descriptor().Capabilities.Has(want) {
			continue
		}
		c, err := s.conn.Client(ctx, p, name)
		return name, c, err
	}
	return "", nil, &provider.Error{Provider: "any", Kind: provider.KindNotConnected,
		Message: "no connected provider offers " + want.String() + " data"}
}

// ActivityQuery selects activities for get_activities.
type ActivityQuery struct {
	Limit  int
	Offset int
	After  time.Time // exclusive; zero: unbounded
	Before time.Time // exclusive; zero: unbounded
	// Sport keeps only this sport, or this family when it is a family name
	// ("run" matches trail and virtual runs).
	Sport fitness.Sport
}

// ActivityList is a page of activities and where they came from.
type ActivityList struct {
	Provider   string
	Activities []fitness.Activity
	HasMore    bool
}

// maxPages bounds how many provider pages one request may walk.
const maxPages = 50

// Activities returns activities newest first, filtered and paged.
func (s *Service) Activities(ctx context.Context, p auth.Principal, requested string, q ActivityQuery) (ActivityList, error) {
	name, c, err := s.Resolve(ctx, p, requested, provider.CapActivities, provider.ActivityPriority)
	if err != nil {
		return ActivityList{}, err
	}
	out := ActivityList{Provider: name, Activities: make([]fitness.Activity, 0, q.Limit)}
	skip := q.Offset
	pq := provider.ActivityQuery{After: q.After, Before: q.Before, Limit: min(200, q.Offset+q.Limit+1)}
	for range maxPages {
		page, err := c.Activities(ctx, pq)
		if err != nil {
			return ActivityList{}, err
		}
		for i := range page.Activities {
			a := &page.Activities[i]
			if q.Sport != "" && a.Sport != q.Sport && a.Sport.Family() != q.Sport {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			if len(out.Activities) == q.Limit {
				out.HasMore = true
				return out, nil
			}
			out.Activities = append(out.Activities, *a)
		}
		if page.Next == "" {
			return out, nil
		}
		pq.Cursor = page.Next
	}
	out.HasMore = true
	return out, nil
}

// Athlete returns the athlete profile.
func (s *Service) Athlete(ctx context.Context, p auth.Principal, requested string) (string, fitness.Athlete, error) {
	name, c, err := s.Resolve(ctx, p, requested, provider.CapAthlete, provider.ActivityPriority)
	if err != nil {
		return "", fitness.Athlete{}, err
	}
	a, err := c.Athlete(ctx)
	return name, a, err
}

// Stats returns aggregate statistics.
func (s *Service) Stats(ctx context.Context, p auth.Principal, requested string) (string, fitness.Stats, error) {
	name, c, err := s.Resolve(ctx, p, requested, provider.CapStats, provider.ActivityPriority)
	if err != nil {
		return "", fitness.Stats{}, err
	}
	st, err := c.Stats(ctx)
	return name, st, err
}

// Activity returns one activity.
func (s *Service) Activity(ctx context.Context, p auth.Principal, requested, id string) (string, fitness.Activity, error) {
	name, c, err := s.Resolve(ctx, p, requested, provider.CapActivities, provider.ActivityPriority)
	if err != nil {
		return "", fitness.Activity{}, err
	}
	a, err := c.Activity(ctx, id)
	return name, a, err
}

// Streams returns an activity's samples.
func (s *Service) Streams(ctx context.Context, p auth.Principal, requested, id string) (string, fitness.Streams, error) {
	name, c, err := s.Resolve(ctx, p, requested, provider.CapStreams, provider.ActivityPriority)
	if err != nil {
		return "", fitness.Streams{}, err
	}
	st, err := c.Streams(ctx, id)
	return name, st, err
}

// Sleep returns sleep sessions ending in [from, to], from the sleep
// provider (chosen by the sleep priority when not named).
func (s *Service) Sleep(ctx context.Context, p auth.Principal, requested string, from, to time.Time) (string, []fitness.SleepSession, error) {
	name, c, err := s.Resolve(ctx, p, requested, provider.CapSleep, provider.SleepPriority)
	if err != nil {
		return "", nil, err
	}
	out, err := c.Sleep(ctx, from, to)
	return name, out, err
}

// Recovery returns daily readiness records in [from, to].
func (s *Service) Recovery(ctx context.Context, p auth.Principal, requested string, from, to time.Time) (string, []fitness.DailyRecovery, error) {
	name, c, err := s.Resolve(ctx, p, requested, provider.CapRecovery, provider.SleepPriority)
	if err != nil {
		return "", nil, err
	}
	out, err := c.Recovery(ctx, from, to)
	return name, out, err
}

// Health returns body metrics in [from, to].
func (s *Service) Health(ctx context.Context, p auth.Principal, requested string, from, to time.Time) (string, []fitness.HealthMetrics, error) {
	name, c, err := s.Resolve(ctx, p, requested, provider.CapHealth, provider.SleepPriority)
	if err != nil {
		return "", nil, err
	}
	out, err := c.Health(ctx, from, to)
	return name, out, err
}
