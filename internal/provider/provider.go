// Package provider defines what a fitness data provider is to Pierre: a
// descriptor (name, capabilities, OAuth endpoints) and a per-user client that
// reads the vendor's data into the common model of package fitness.
//
// Each vendor lives in its own sub-package (provider/strava, provider/garmin,
// ...) and is registered with one line in the registry.
package provider

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// Names of the providers Pierre knows, in no particular order.
const (
	Strava    = "strava"
	Garmin    = "garmin"
	Fitbit    = "fitbit"
	Whoop     = "whoop"
	Coros     = "coros"
	Terra     = "terra"
	Synthetic = "synthetic"
)

// ActivityPriority is the order in which a connected provider is chosen for
// activity data when a tool call names none (DECISIONS §5).
var ActivityPriority = []string{Strava, Garmin, Fitbit, Whoop, Coros, Terra, Synthetic}

// SleepPriority is the same order for sleep and recovery data.
var SleepPriority = []string{Whoop, Garmin, Fitbit, Terra, Synthetic}

// Capability is a set of data kinds a provider can serve.
type Capability uint16

// Capabilities.
const (
	CapActivities Capability = 1 << iota
	CapAthlete
	CapStats
	CapStreams
	CapSleep
	CapRecovery
	CapHealth
)

var capNames = []struct {
	c    Capability
	name string
}{
	{CapActivities, "activities"},
	{CapAthlete, "athlete"},
	{CapStats, "stats"},
	{CapStreams, "streams"},
	{CapSleep, "sleep"},
	{CapRecovery, "recovery"},
	{CapHealth, "health_metrics"},
}

// Has reports whether all of want are in c.
func (c Capability) Has(want Capability) bool { return c&want == want }

// Names lists the capabilities as stable snake_case strings.
func (c Capability) Names() []string {
	out := []string{}
	for _, n := range capNames {
		if c.Has(n.c) {
			out = append(out, n.name)
		}
	}
	return out
}

// String joins Names with commas.
func (c Capability) String() string { return strings.Join(c.Names(), ",") }

// OAuthSpec describes a vendor's OAuth 2.0 authorization-code flow.
type OAuthSpec struct {
	AuthURL        string
	TokenURL       string
	RevokeURL      string   // empty when the vendor offers no revocation
	Scopes         []string // default scopes requested
	ScopeSeparator string   // " " per RFC 6749; Strava uses ","
	PKCE           bool     // vendor supports RFC 7636 S256
	// AuthParams are extra query parameters on the authorization URL
	// (e.g. Strava approval_prompt=auto).
	AuthParams map[string]string
}

// Descriptor is the static description of a provider.
type Descriptor struct {
	Name         string
	DisplayName  string
	Capabilities Capability
	// OAuth is nil for providers that do not use a classic OAuth flow
	// (synthetic needs nothing; Terra uses an API key and a widget session).
	OAuth      *OAuthSpec
	APIBaseURL string
	// Limitations says, in plain words, what the vendor's API cannot provide,
	// so answers can explain a gap instead of inventing data.
	Limitations []string
}

// Connection is what a client needs to act for one user.
type Connection struct {
	// UserKey identifies the Pierre user (tenant-qualified). The synthetic
	// provider derives its deterministic seed from it.
	UserKey string
	// VendorUserID is the user's id at the vendor, when known.
	VendorUserID string
	// HTTP sends authenticated requests to the vendor (OAuth bearer token
	// with refresh, or an API key). Nil for providers without network access.
	HTTP *http.Client
}

// Provider is a registered provider: its descriptor and a client factory.
type Provider interface {
	Descriptor() Descriptor
	// NewClient returns a client that reads one user's data.
	NewClient(conn Connection) Client
}

// ActivityQuery selects a page of activities, newest first.
type ActivityQuery struct {
	After  time.Time // zero: unbounded; exclusive
	Before time.Time // zero: unbounded; exclusive
	// Limit is the page size wanted; clients clamp it to the vendor maximum.
	Limit int
	// Cursor continues from a previous page's Next; empty for the first page.
	Cursor string
}

// ActivityPage is one page of activities, newest first.
type ActivityPage struct {
	Activities []fitness.Activity
	// Next is the cursor for the following (older) page, or "" at the end.
	Next string
}

// Client reads one user's data from one provider. A method for data the
// provider cannot serve returns an *Error of kind KindUnsupported.
type Client interface {
	Athlete(ctx context.Context) (fitness.Athlete, error)
	Activities(ctx context.Context, q ActivityQuery) (ActivityPage, error)
	Activity(ctx context.Context, id string) (fitness.Activity, error)
	Streams(ctx context.Context, activityID string) (fitness.Streams, error)
	Stats(ctx context.Context) (fitness.Stats, error)
	Sleep(ctx context.Context, from, to time.Time) ([]fitness.SleepSession, error)
	Recovery(ctx context.Context, from, to time.Time) ([]fitness.DailyRecovery, error)
	Health(ctx context.Context, from, to time.Time) ([]fitness.HealthMetrics, error)
}
