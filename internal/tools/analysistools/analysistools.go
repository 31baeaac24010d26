// Package analysistools declares the performance-analysis and sleep tools
// (issue 3): activity analysis, metrics, trends, comparisons, patterns,
// recommendations, fitness score, predictions, training load, and the
// sleep and recovery tools. Every formula lives in internal/intelligence;
// this package fetches the athlete's data (internal/athletedata, by
// provider priority), applies the user's settings (internal/usersettings),
// and turns results into answers that carry units, the method used, the
// provider the data came from and a short plain-language summary.
package analysistools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/tools"
	"github.com/pierre-fitness/pierre/internal/tools/fitnesstools"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

// Categories of these tools in listings.
const (
	Category      = "performance_analysis"
	SleepCategory = "sleep_recovery"
)

// Option adjusts Register.
type Option func(*env)

// WithClock sets the clock that defines "today" (tests pin it to the
// synthetic provider's clock). The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(e *env) {
		if now != nil {
			e.now = now
		}
	}
}

// env is what every handler reads from.
type env struct {
	data     *athletedata.Service
	settings usersettings.Reader
	now      func() time.Time
}

// Register adds the 15 analysis and sleep tools.
func Register(r *tools.Registry, data *athletedata.Service, settings usersettings.Reader, opts ...Option) {
	e := &env{data: data, settings: settings, now: time.Now}
	for _, o := range opts {
		o(e)
	}
	r.Add(activityTools(e)...)
	r.Add(trendTools(e)...)
	r.Add(loadTools(e)...)
	r.Add(sleepTools(e)...)
}

// readOnly are the annotations of every tool here: they only read the
// athlete's data, which may come from a vendor API.
var readOnly = tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true}

func (e *env) providerArg() *tools.Schema { return fitnesstools.ProviderArg(e.data.Registry()) }

func (e *env) sleepProviderArg() *tools.Schema {
	return tools.Enum("Provider to read sleep, HRV and resting heart rate from. Omit to use the user's connected "+
		"provider by sleep priority (whoop, garmin, fitbit, terra, then synthetic demo data).", e.data.Registry().Names()...)
}

// Timeframes of the analysis tools, in days.
var timeframeDays = map[string]int{"week": 7, "month": 30, "quarter": 90, "sixmonths": 182, "year": 365}

var timeframeNames = []string{"week", "month", "quarter", "sixmonths", "year"}

func timeframeArg(desc string) *tools.Schema { return tools.Enum(desc, timeframeNames...) }

// warmupDays of history precede every training-load window: three CTL time
// constants, so that CTL at the window's start no longer depends on the
// unknown load before the history (e^-3 ≈ 5 %).
const warmupDays = 3 * intelligence.DefaultCTLDays

// maxActivities bounds one request's history (a decade of daily training).
const maxActivities = 5000

// activityLimit is the page size for a period: three sessions a day is
// beyond any real athlete, and the list is allocated at this size.
func activityLimit(days int) int { return min(maxActivities, 3*days+20) }

// engineErr turns an intelligence error into what the assistant should
// see: missing data is a not_enough_data failure with what would fix it;
// an invalid value names its field.
func engineErr(err error) error {
	var ie *intelligence.InsufficientDataError
	if errors.As(err, &ie) {
		return tools.NotEnoughData("not enough data for "+ie.What, ie.Need)
	}
	var in *intelligence.InputError
	if errors.As(err, &in) {
		return tools.Invalid(in.Field, in.Reason)
	}
	return err
}

// activityErr names the activity_id argument when the provider does not
// know the activity.
func activityErr(err error, id string) error {
	var pe *provider.Error
	if errors.As(err, &pe) && pe.Kind == provider.KindNotFound {
		f := tools.Fail(tools.CodeNotFound, fmt.Sprintf("activity_id %q: no such activity at %s", id, pe.Provider),
			"call get_activities to list valid activity ids")
		f.Provider = pe.Provider
		return f
	}
	return err
}

var zones sync.Map // IANA name → *time.Location

// zoneOf is the athlete's time zone: that of the latest activity that
// records one, else UTC. Days (training load, sleep) are counted in it so
// that an evening session belongs to its own day.
func zoneOf(acts []fitness.Activity) *time.Location {
	for i := range acts {
		name := acts[i].Timezone
		if name == "" {
			continue
		}
		if l, ok := zones.Load(name); ok {
			return l.(*time.Location)
		}
		if l, err := time.LoadLocation(name); err == nil {
			zones.Store(name, l)
			return l
		}
	}
	return time.UTC
}

// history is the athlete's activities over a period, with the settings and
// physiology the analyses need.
type history struct {
	Provider string
	Acts     []fitness.Activity // newest first
	// Truncated is set when the period held more than maxActivities.
	Truncated bool
	Settings  usersettings.Settings
	Profile   intelligence.AthleteProfile
	Loc       *time.Location
	Now       time.Time
	Today     intelligence.Date
}

// history loads the activities that started in the last `days` days.
func (e *env) history(ctx context.Context, c *tools.Call, requested string, days int) (*history, error) {
	now := e.now()
	list, err := e.data.Activities(ctx, c.Principal, requested, athletedata.ActivityQuery{
		Limit: activityLimit(days), After: now.AddDate(0, 0, -days)})
	if err != nil {
		return nil, err
	}
	st, err := e.settings.Settings(ctx, c.Principal)
	if err != nil {
		return nil, fmt.Errorf("load user settings: %w", err)
	}
	h := &history{Provider: list.Provider, Acts: list.Activities, Truncated: list.HasMore, Settings: st, Now: now}
	if h.Profile, err = e.profile(ctx, c, list.Provider, st, now); err != nil {
		return nil, err
	}
	h.Loc = zoneOf(list.Activities)
	h.Today = intelligence.DateOf(now, h.Loc)
	return h, nil
}

// profile is the athlete's physiology: the provider's athlete (the same
// provider as the activities, so thresholds and data agree), the user's
// overrides on top, then estimates.
func (e *env) profile(ctx context.Context, c *tools.Call, providerName string, st usersettings.Settings, now time.Time) (intelligence.AthleteProfile, error) {
	_, ath, err := e.data.Athlete(ctx, c.Principal, providerName)
	var athlete *fitness.Athlete
	switch {
	case err == nil:
		athlete = &ath
	case provider.KindOf(err) != provider.KindUnsupported:
		return intelligence.AthleteProfile{}, err
	}
	return st.AthleteProfile(athlete, now), nil
}

// loadState is a history with its training-stress series.
type loadState struct {
	*history
	Loads   []intelligence.ActivityLoad
	Skipped []string
	// StreamsUsed counts activities whose TSS came from their streams.
	StreamsUsed int
	Daily       []intelligence.DailyLoad
	Load        intelligence.TrainingLoadResult
}

// Methods reports how many activities each training-stress method scored.
func (s *loadState) Methods() map[string]int {
	m := map[string]int{}
	for _, l := range s.Loads {
		m[l.Method]++
	}
	return m
}

// Window returns the last n days of the load series.
func (s *loadState) Window(n int) []intelligence.LoadPoint {
	return s.Load.Series[max(0, len(s.Load.Series)-n):]
}

// trainingLoad computes CTL/ATL/TSB over `days` days plus the warm-up.
// With streams, each activity's power stream is fetched so that TSS uses
// normalized power (the hybrid and normalized_power algorithms); that is
// the slow path, reported through progress.
func (e *env) trainingLoad(ctx context.Context, c *tools.Call, requested string, days int, streams bool) (*loadState, error) {
	h, err := e.history(ctx, c, requested, days+warmupDays)
	if err != nil {
		return nil, err
	}
	if len(h.Acts) == 0 {
		return nil, tools.NotEnoughData(fmt.Sprintf("no activities in the last %d days", days+warmupDays),
			"record some workouts, or connect a provider that has them (get_connection_status)")
	}
	s := &loadState{history: h}
	var byID map[string]*fitness.Streams
	if streams {
		if byID, err = e.fetchStreams(ctx, c, h); err != nil {
			return nil, err
		}
		s.StreamsUsed = len(byID)
	}
	s.Loads, s.Skipped = intelligence.LoadsFromActivities(h.Acts, byID, h.Profile, h.Settings.Algorithms, h.Loc)
	first := h.Today.AddDays(-(days + warmupDays - 1))
	if s.Daily, err = intelligence.DailyTSSSeries(s.Loads, first, h.Today); err != nil {
		return nil, engineErr(err)
	}
	if s.Load, err = intelligence.ComputeTrainingLoad(h.Settings.Algorithms.TrainingLoad, s.Daily, intelligence.LoadOptions{}); err != nil {
		return nil, engineErr(err)
	}
	return s, nil
}

// fetchStreams fetches the power streams of the rides that have them,
// reporting progress; it stops when the call is cancelled.
func (e *env) fetchStreams(ctx context.Context, c *tools.Call, h *history) (map[string]*fitness.Streams, error) {
	var ids []string
	for i := range h.Acts {
		a := &h.Acts[i]
		if a.HasStreams && a.AveragePower != nil {
			ids = append(ids, a.ID)
		}
	}
	out := make(map[string]*fitness.Streams, len(ids))
	total := float64(len(ids))
	c.Progress(ctx, 0, total, fmt.Sprintf("fetching %d power streams", len(ids)))
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, st, err := e.data.Streams(ctx, c.Principal, h.Provider, id)
		if err != nil {
			if provider.KindOf(err) == provider.KindNotFound || provider.KindOf(err) == provider.KindUnsupported {
				continue // the summary still gives an average-power TSS
			}
			return nil, err
		}
		out[id] = &st
		if (i+1)%10 == 0 || i+1 == len(ids) {
			c.Progress(ctx, float64(i+1), total, fmt.Sprintf("%d of %d power streams", i+1, len(ids)))
		}
	}
	return out, nil
}

// tssSource says where the TSS of a load state came from.
func (s *loadState) tssSource() string {
	if s.StreamsUsed > 0 {
		return fmt.Sprintf("power streams for %d rides (normalized power), activity summaries for the rest", s.StreamsUsed)
	}
	return "activity summaries: power TSS from average power with FTP, else hrTSS from average heart rate and LTHR " +
		"(pass use_streams=true for normalized-power TSS from the power streams)"
}

// sleepData is the athlete's main sleeps, oldest first.
type sleepData struct {
	Provider string
	Sessions []fitness.SleepSession
	Nights   []intelligence.SleepNight
}

// sleep loads main sleeps that ended in the last `days` days.
func (e *env) sleep(ctx context.Context, c *tools.Call, requested string, days int, loc *time.Location) (*sleepData, error) {
	now := e.now()
	name, sessions, err := e.data.Sleep(ctx, c.Principal, requested, now.AddDate(0, 0, -days), now)
	if err != nil {
		return nil, err
	}
	main := slices.DeleteFunc(slices.Clone(sessions), func(s fitness.SleepSession) bool { return s.Nap || s.AsleepSeconds <= 0 })
	slices.SortFunc(main, func(a, b fitness.SleepSession) int { return a.EndTime.Compare(b.EndTime) })
	nights, err := intelligence.NightsFromSessions(main, loc)
	if err != nil {
		return nil, engineErr(err)
	}
	return &sleepData{Provider: name, Sessions: main, Nights: nights}, nil
}

// latest is the most recent night, nil when there is none.
func (s *sleepData) latest() *fitness.SleepSession {
	if len(s.Sessions) == 0 {
		return nil
	}
	return &s.Sessions[len(s.Sessions)-1]
}

// hrvReadings are the overnight RMSSD values by night.
func (s *sleepData) hrvReadings() []intelligence.HRVReading {
	var out []intelligence.HRVReading
	for i, n := range s.Nights {
		if v := s.Sessions[i].HRVRMSSDMs; v != nil && *v > 0 {
			out = append(out, intelligence.HRVReading{Date: n.Date, RMSSDMs: *v})
		}
	}
	return out
}

// restingHR returns the latest night's resting heart rate and the mean of
// the up to 30 nights before it (the athlete's baseline).
func (s *sleepData) restingHR() (latest, baseline *float64) {
	n := len(s.Sessions)
	if n < 4 || s.Sessions[n-1].RestingHeartRate == nil {
		return nil, nil
	}
	var sum float64
	var k int
	for i := max(0, n-31); i < n-1; i++ {
		if v := s.Sessions[i].RestingHeartRate; v != nil && *v > 0 {
			sum += *v
			k++
		}
	}
	if k < 3 {
		return nil, nil
	}
	b := sum / float64(k)
	return s.Sessions[n-1].RestingHeartRate, &b
}

// recovery is the recovery picture of today.
type recovery struct {
	Score     intelligence.RecoveryScoreResult
	LastNight *intelligence.SleepQualityResult
	NightOf   string
	HRV       *intelligence.HRVAnalysis
	Debt      *intelligence.SleepDebtResult
	// RestingHR is the latest night's, RestingHRBaseline the mean before.
	RestingHR, RestingHRBaseline *float64
}

// sleepHistoryDays is enough sleep history for the HRV baseline (30 days)
// and the 7-day rolling window.
const sleepHistoryDays = 40

// computeRecovery combines last night's sleep, HRV and resting HR against
// their baselines, sleep debt and (when load is known) TSB, with the
// user's recovery algorithm.
func computeRecovery(sd *sleepData, tsb *float64, today intelligence.Date, algo intelligence.RecoveryAlgorithm) (*recovery, error) {
	r := &recovery{}
	var in intelligence.RecoveryInput
	in.TSB = tsb
	if last := sd.latest(); last != nil && today.DaysSince(sd.Nights[len(sd.Nights)-1].Date) <= 1 {
		if si, err := intelligence.SleepInputFromSession(last); err == nil {
			if q, err := intelligence.SleepQuality(si); err == nil {
				r.LastNight, r.NightOf = &q, last.Date
				in.SleepQualityScore = &q.QualityScore
			}
		}
	}
	if h, err := intelligence.AnalyzeHRV(sd.hrvReadings(), today, intelligence.HRVOptions{}); err == nil {
		r.HRV = &h
		in.HRVRMSSDMs, in.HRVBaselineMs = &h.LatestRMSSDMs, &h.BaselineMeanRMSSDMs
	}
	r.RestingHR, r.RestingHRBaseline = sd.restingHR()
	in.RestingHRBPM, in.RestingHRBaselineBPM = r.RestingHR, r.RestingHRBaseline
	if len(sd.Nights) > 0 {
		if d, err := intelligence.SleepDebt(sd.Nights, today, 7, 0); err == nil {
			r.Debt = &d
			in.SleepDebtHours = &d.DebtHours
		}
	}
	score, err := intelligence.RecoveryScore(algo, in)
	if err != nil {
		return nil, engineErr(err)
	}
	r.Score = score
	return r, nil
}

// round keeps answers readable: numbers to 0.1 (or 0.01 for ratios).
func round1(v float64) float64 { return float64(int64(v*10+signHalf(v))) / 10 }
func round2(v float64) float64 { return float64(int64(v*100+signHalf(v))) / 100 }

func signHalf(v float64) float64 {
	if v < 0 {
		return -0.5
	}
	return 0.5
}

func ptr[T any](v T) *T { return &v }
