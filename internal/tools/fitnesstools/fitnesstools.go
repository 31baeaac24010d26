// Package fitnesstools declares the core data tools: get_activities,
// get_athlete, get_stats and get_connection_status.
package fitnesstools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/tools"
)

// Category of these tools in listings.
const Category = "core_fitness"

// ProviderArg is the optional provider argument shared by data tools.
func ProviderArg(reg *provider.Registry) *tools.Schema {
	return tools.Enum("Provider to read from. Omit to use the user's connected provider by priority "+
		"(strava, garmin, fitbit, whoop, coros, terra, then synthetic demo data).", reg.Names()...)
}

// Sports accepted by the sport_type filter: families and exact types.
var Sports = []string{
	string(fitness.SportRun), string(fitness.SportTrailRun), string(fitness.SportVirtualRun),
	string(fitness.SportRide), string(fitness.SportVirtualRide), string(fitness.SportMountainBike),
	string(fitness.SportGravelRide), string(fitness.SportEBikeRide), string(fitness.SportSwim),
	string(fitness.SportWalk), string(fitness.SportHike), string(fitness.SportRowing),
	string(fitness.SportNordicSki), string(fitness.SportAlpineSki), string(fitness.SportStrength),
	string(fitness.SportYoga), string(fitness.SportWorkout), string(fitness.SportOther),
}

// ParseDateOrTime reads a date (start of that day, UTC) or an RFC 3339
// date-time. The schema has already checked the shape.
func ParseDateOrTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	s = strings.Replace(strings.Replace(s, " ", "T", 1), "t", "T", 1)
	s = strings.Replace(s, "z", "Z", 1)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04", s); err == nil {
		return t, nil
	}
	return time.Time{}, tools.Invalid(field, "is not a valid date or date-time: "+s)
}

// Syncer runs a sync of a user's provider data now, reporting progress
// (Pierre's activity store); nil when no copy is kept.
type Syncer interface {
	SyncNow(ctx context.Context, p auth.Principal, provider string, progress func(store.SyncState)) (store.SyncState, error)
}

// Register adds the core fitness tools. syncer may be nil.
func Register(r *tools.Registry, data *athletedata.Service, syncer Syncer) {
	reg := data.Registry()
	r.Add(
		tools.New(tools.Spec{
			Name: "get_activities", Title: "Get activities", Category: Category,
			Description: "List the athlete's recorded workouts, newest first: sport, start time, duration, distance, " +
				"elevation, heart rate, power and whether second-by-second streams exist. Use it to see what the athlete " +
				"did, to find activity ids for analysis tools, or to filter by sport and date range. " +
				"Returns {provider, activities[], count, offset, has_more}.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":   ProviderArg(reg),
				"limit":      tools.Integer("How many activities to return (default 10).", 1, 200),
				"offset":     tools.Integer("How many matching activities to skip, for paging (default 0).", 0, 10000),
				"before":     tools.DateOrTime("Only activities that started before this date or date-time (exclusive)."),
				"after":      tools.DateOrTime("Only activities that started after this date or date-time (exclusive)."),
				"sport_type": tools.Enum("Only this sport; a family name (run, ride) includes its variants.", Sports...),
			}),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, getActivities(data)),
		tools.New(tools.Spec{
			Name: "get_athlete", Title: "Get athlete profile", Category: Category,
			Description: "Get the athlete's profile from a provider: name, sex, birth date, weight, height, FTP, " +
				"max and resting heart rate, location. Use it before analyses that need physiology (zones, " +
				"nutrition). Returns {provider, athlete}.",
			Input:       tools.Object(map[string]*tools.Schema{"provider": ProviderArg(reg)}),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, getAthlete(data)),
		tools.New(tools.Spec{
			Name: "get_stats", Title: "Get training totals", Category: Category,
			Description: "Get aggregate training totals per sport (run, ride, swim, other, all): count, distance in " +
				"meters, moving time in seconds and elevation gain, for the last 4 weeks, year to date and all time. " +
				"Use it for volume questions (\"how much did I ride this year?\"). Returns {provider, stats}.",
			Input:       tools.Object(map[string]*tools.Schema{"provider": ProviderArg(reg)}),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, getStats(data)),
		tools.New(tools.Spec{
			Name: "get_connection_status", Title: "Get provider connections", Category: Category,
			Description: "List every fitness provider this server offers with the user's connection status " +
				"(connected, not_connected, not_configured, reauth_required) and the data each can provide, plus which " +
				"provider answers activity and sleep questions when none is named. Call it first when unsure where " +
				"data comes from. Each connected provider shows sync_status: how complete and fresh Pierre's own copy of " +
				"its data is. Pass sync_now with a provider name to bring that copy up to date first (progress is " +
				"reported while it runs). Returns {providers[], activity_provider, sleep_provider}.",
			Input: tools.Object(map[string]*tools.Schema{
				"sync_now": tools.Enum("Sync this provider's data into Pierre now and wait for it (up to 2 minutes) before answering.", reg.Names()...),
			}),
			Annotations: tools.Annotations{Idempotent: true, OpenWorld: true},
		}, connectionStatus(data, syncer)),
	)
}

type activitiesArgs struct {
	Provider string `json:"provider"`
	Limit    *int   `json:"limit"`
	Offset   int    `json:"offset"`
	Before   string `json:"before"`
	After    string `json:"after"`
	Sport    string `json:"sport_type"`
}

type activitiesAnswer struct {
	Provider   string             `json:"provider"`
	Activities []fitness.Activity `json:"activities"`
	Count      int                `json:"count"`
	Offset     int                `json:"offset"`
	HasMore    bool               `json:"has_more"`
}

func getActivities(data *athletedata.Service) tools.Handler[activitiesArgs] {
	return func(ctx context.Context, c *tools.Call, in activitiesArgs) (any, error) {
		q := athletedata.ActivityQuery{Limit: 10, Offset: in.Offset, Sport: fitness.Sport(in.Sport)}
		if in.Limit != nil {
			q.Limit = *in.Limit
		}
		var err error
		if q.Before, err = ParseDateOrTime("before", in.Before); err != nil {
			return nil, err
		}
		if q.After, err = ParseDateOrTime("after", in.After); err != nil {
			return nil, err
		}
		if !q.Before.IsZero() && !q.After.IsZero() && !q.After.Before(q.Before) {
			return nil, tools.Invalid("after", "must be earlier than before (the range is reversed or empty)")
		}
		list, err := data.Activities(ctx, c.Principal, in.Provider, q)
		if err != nil {
			return nil, err
		}
		return activitiesAnswer{Provider: list.Provider, Activities: list.Activities,
			Count: len(list.Activities), Offset: in.Offset, HasMore: list.HasMore}, nil
	}
}

type providerArgs struct {
	Provider string `json:"provider"`
}

func getAthlete(data *athletedata.Service) tools.Handler[providerArgs] {
	return func(ctx context.Context, c *tools.Call, in providerArgs) (any, error) {
		name, a, err := data.Athlete(ctx, c.Principal, in.Provider)
		if err != nil {
			return nil, err
		}
		return map[string]any{"provider": name, "athlete": a}, nil
	}
}

func getStats(data *athletedata.Service) tools.Handler[providerArgs] {
	return func(ctx context.Context, c *tools.Call, in providerArgs) (any, error) {
		name, s, err := data.Stats(ctx, c.Principal, in.Provider)
		if err != nil {
			return nil, err
		}
		return map[string]any{"provider": name, "stats": s}, nil
	}
}

type providerStatus struct {
	Name         string     `json:"name"`
	DisplayName  string     `json:"display_name"`
	Status       string     `json:"status"`
	Capabilities []string   `json:"capabilities"`
	ConnectedAt  *time.Time `json:"connected_at,omitempty"`
	Message      string     `json:"message,omitempty"`
	Limitations  []string   `json:"limitations,omitempty"`
	// Sync is Pierre's copy of this provider's data (progress, freshness).
	Sync *athletedata.SyncStatus `json:"sync_status,omitempty"`
}

type statusArgs struct {
	SyncNow string `json:"sync_now"`
}

func connectionStatus(data *athletedata.Service, syncer Syncer) tools.Handler[statusArgs] {
	return func(ctx context.Context, c *tools.Call, in statusArgs) (any, error) {
		if in.SyncNow != "" {
			if syncer == nil {
				return nil, tools.Invalid("sync_now", "this server keeps no copy of provider data (PIERRE_SYNC=off)")
			}
			// Opening the client checks the connection (and names the fix).
			if _, _, err := data.Resolve(ctx, c.Principal, in.SyncNow, 0, nil); err != nil {
				return nil, err
			}
			sctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
			_, err := syncer.SyncNow(sctx, c.Principal, in.SyncNow, func(st store.SyncState) {
				total := float64(max(st.Total, st.Done))
				c.Progress(ctx, float64(st.Done), total, fmt.Sprintf("%s: %d activities copied (%s)", in.SyncNow, st.Done, st.Phase))
			})
			cancel()
			if err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("sync %s: %w", in.SyncNow, err)
			}
		}
		conns, err := data.ConnectionsWithSync(ctx, c.Principal)
		if err != nil {
			return nil, err
		}
		reg := data.Registry()
		out := []providerStatus{}
		for _, n := range reg.Names() {
			p, _ := reg.Get(n)
			d := p.Descriptor()
			conn := conns[n]
			out = append(out, providerStatus{Name: n, DisplayName: d.DisplayName, Status: conn.State,
				Capabilities: d.Capabilities.Names(), ConnectedAt: conn.ConnectedAt, Message: conn.Message,
				Limitations: d.Limitations, Sync: conn.Sync})
		}
		pick := func(want provider.Capability, prio []string) string {
			name, _, err := data.Resolve(ctx, c.Principal, "", want, prio)
			if err != nil {
				return ""
			}
			return name
		}
		return map[string]any{
			"providers":         out,
			"activity_provider": pick(provider.CapActivities, provider.ActivityPriority),
			"sleep_provider":    pick(provider.CapSleep, provider.SleepPriority),
		}, nil
	}
}
