package configtools

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/tools"
	"github.com/pierre-fitness/pierre/internal/tools/fitnesstools"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

// Goal types of set_goal.
var goalTypes = []string{"distance", "time", "frequency", "performance", "custom"}

// historyDays is how far back goal measurements look: long enough for a
// 42-day CTL to settle and for a recent race effort.
const historyDays = 180

func (s *service) registerGoals(r *tools.Registry) {
	r.Add(
		tools.New(tools.Spec{
			Name: "set_goal", Title: "Set a goal", Category: CategoryGoals,
			Description: "Store a training goal for the user and measure the starting point. goal_type: distance " +
				"(total meters to cover by the target date), time (a race time in seconds when distance_meters is given, " +
				"else total training seconds), frequency (sessions per week), performance (a race time in seconds with " +
				"distance_meters, else FTP in watts), custom (any value you track with current_value). Use it after " +
				"suggest_goals or when the user states a goal. Returns {goal, baseline}; keep goal_id for " +
				"analyze_goal_feasibility and track_progress.",
			Input: tools.Object(map[string]*tools.Schema{
				"title":           tools.StringLen("Short name of the goal, e.g. \"Sub-20 5 km\".", 1, 200),
				"goal_type":       tools.Enum("Kind of goal (see the tool description).", goalTypes...),
				"target_value":    number("Target in the goal's unit: meters, seconds, sessions per week or watts."),
				"target_date":     tools.Date("Deadline, YYYY-MM-DD; must be in the future."),
				"description":     tools.StringLen("Optional longer description.", 0, 2000),
				"sport_type":      tools.Enum("Only count this sport (a family name such as run includes its variants).", fitnesstools.Sports...),
				"distance_meters": number("Race distance for a race-time goal (time or performance), e.g. 5000."),
				"unit":            tools.StringLen("Unit of a custom goal, e.g. \"kg\".", 1, 32),
				"current_value":   number("Starting value of a custom goal (measured automatically for the other types)."),
				"provider":        s.providerArg(),
			}, "title", "goal_type", "target_value", "target_date"),
			Annotations: tools.Annotations{},
		}, s.setGoal),
		tools.New(tools.Spec{
			Name: "suggest_goals", Title: "Suggest goals", Category: CategoryGoals,
			Description: "Suggest realistic goals from the last 4 weeks of training: 10 % more distance, a longer " +
				"long session, one more session a week, and for runners a 5 km time one VDOT point faster. Use it when " +
				"the user asks what to aim for. Returns {provider, suggestions[]}, each with set_goal_arguments to pass " +
				"to set_goal unchanged.",
			Input: tools.Object(map[string]*tools.Schema{
				"provider":      s.providerArg(),
				"goal_category": tools.Enum("Only this kind of suggestion (default all).", "distance", "performance", "consistency", "all"),
			}),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, s.suggestGoals),
		tools.New(tools.Spec{
			Name: "analyze_goal_feasibility", Title: "Analyze goal feasibility", Category: CategoryGoals,
			Description: "Rate whether a stored goal is achievable by its date, from the current level and training load: " +
				"performance goals against the expected rate of improvement for the athlete's experience (and the 10 % " +
				"improvement rule), volume goals against a 10 %-per-week progression. Returns {goal, current, " +
				"feasibility{level, feasibility_score, weeks_needed, reasons, recommendations}}.",
			Input: tools.Object(map[string]*tools.Schema{
				"goal_id":       tools.StringLen("Goal id from set_goal.", 1, 100),
				"provider":      s.providerArg(),
				"current_value": number("Current value of a custom goal (others are measured)."),
			}, "goal_id"),
			Annotations: tools.Annotations{ReadOnly: true, Idempotent: true, OpenWorld: true},
		}, s.analyzeFeasibility),
		tools.New(tools.Spec{
			Name: "track_progress", Title: "Track goal progress", Category: CategoryGoals,
			Description: "Measure progress on a stored goal: percent done against percent of time elapsed, the rate " +
				"needed from here, the projected completion date, and a status (achieved, ahead, on_track, behind, " +
				"overdue). Marks the goal achieved when it is. Without goal_id, lists the user's goals. Returns {goal, " +
				"current, progress} or {goals[]}.",
			Input: tools.Object(map[string]*tools.Schema{
				"goal_id":       tools.StringLen("Goal id from set_goal; omit to list the goals.", 1, 100),
				"provider":      s.providerArg(),
				"current_value": number("Current value of a custom goal (others are measured)."),
			}),
			Annotations: tools.Annotations{Idempotent: true, OpenWorld: true},
		}, s.trackProgress),
	)
}

type setGoalArgs struct {
	Title          string   `json:"title"`
	GoalType       string   `json:"goal_type"`
	TargetValue    float64  `json:"target_value"`
	TargetDate     string   `json:"target_date"`
	Description    string   `json:"description"`
	SportType      string   `json:"sport_type"`
	DistanceMeters float64  `json:"distance_meters"`
	Unit           string   `json:"unit"`
	CurrentValue   *float64 `json:"current_value"`
	Provider       string   `json:"provider"`
}

// goalUnit gives the unit of a goal and whether lower is better.
func goalUnit(g usersettings.Goal) (unit string, lowerIsBetter bool) {
	switch {
	case g.GoalType == "distance":
		return "meters", false
	case g.GoalType == "frequency":
		return "sessions_per_week", false
	case g.GoalType == "custom":
		return g.Unit, g.TargetValue < g.StartValue
	case g.DistanceMeters > 0:
		return "seconds", true
	case g.GoalType == "time":
		return "seconds", false
	}
	return "watts", false
}

// cumulative goals count what is done from the start date; the others
// compare a current level with the target.
func cumulative(g usersettings.Goal) bool {
	return g.GoalType == "distance" || (g.GoalType == "time" && g.DistanceMeters == 0)
}

func (s *service) setGoal(ctx context.Context, c *tools.Call, in setGoalArgs) (any, error) {
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return nil, tools.Invalid("title", "must not be blank")
	}
	if !(in.TargetValue > 0) {
		return nil, tools.Invalid("target_value", fmt.Sprintf("must be positive, got %g", in.TargetValue))
	}
	target, err := intelligence.ParseDate(in.TargetDate)
	if err != nil {
		return nil, tools.Invalid("target_date", "must be a date like 2027-05-01")
	}
	today := s.today()
	if target <= today {
		return nil, tools.Invalid("target_date", fmt.Sprintf("(%s) must be in the future; today is %s", target, today))
	}
	if in.DistanceMeters < 0 || (in.DistanceMeters > 0 && in.GoalType != "time" && in.GoalType != "performance") {
		return nil, tools.Invalid("distance_meters", "must be a positive race distance, and only for time or performance goals")
	}
	if in.GoalType == "custom" && in.Unit == "" {
		return nil, tools.Invalid("unit", "is required for a custom goal (e.g. \"kg\")")
	}
	if in.GoalType != "custom" && in.Unit != "" {
		return nil, tools.Invalid("unit", "is only for custom goals; the other types have fixed units")
	}
	if in.CurrentValue != nil && in.GoalType != "custom" {
		return nil, tools.Invalid("current_value", "is only for custom goals; the other types are measured from your activities")
	}
	now := s.now().UTC()
	g := usersettings.Goal{ID: uuid.NewString(), Title: in.Title, Description: in.Description, GoalType: in.GoalType,
		TargetValue: in.TargetValue, SportType: in.SportType, DistanceMeters: in.DistanceMeters, Unit: in.Unit,
		StartDate: today, TargetDate: target, Status: usersettings.GoalActive, CreatedAt: now, UpdatedAt: now}
	g.Unit, _ = goalUnit(g)
	baseline := measurement{Value: 0, Unit: g.Unit, Method: "counted from today"}
	switch {
	case g.GoalType == "custom":
		baseline.Method = "not measured (custom goal)"
		if in.CurrentValue != nil {
			baseline = measurement{Value: *in.CurrentValue, Unit: g.Unit, Method: "given by you"}
		}
	case !cumulative(g):
		h, err := s.history(ctx, c.Principal, in.Provider, today.AddDays(-historyDays))
		if err != nil {
			return nil, err
		}
		m, err := s.measure(ctx, c.Principal, h, g, today, nil)
		switch {
		case err == nil:
			baseline = m
		case errors.Is(err, intelligence.ErrInsufficientData):
			baseline.Method = "unknown: " + err.Error() + "; progress will be measured once data exists"
		default:
			return nil, err
		}
	}
	g.StartValue = baseline.Value
	if err := s.st.CreateGoal(ctx, c.Principal.TenantID, c.Principal.UserID, g); err != nil {
		return nil, fmt.Errorf("store goal: %w", err)
	}
	return map[string]any{"goal": g, "baseline": baseline,
		"message": fmt.Sprintf("Goal %q saved (id %s). Use analyze_goal_feasibility to rate it and track_progress to follow it.", g.Title, g.ID)}, nil
}

// history is the activities goal measurements are computed from.
type history struct {
	provider string
	acts     []fitness.Activity
}

func (s *service) history(ctx context.Context, p auth.Principal, requested string, from intelligence.Date) (history, error) {
	// Up to three sessions a day; the page is allocated at this size.
	limit := min(5000, max(100, 3*(s.today().DaysSince(from)+1)))
	list, err := s.data.Activities(ctx, p, requested, athletedata.ActivityQuery{Limit: limit, After: from.Time().Add(-time.Second)})
	if err != nil {
		return history{}, err
	}
	return history{provider: list.Provider, acts: list.Activities}, nil
}

// measurement is a goal's current value and how it was obtained.
type measurement struct {
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
	Method   string  `json:"method"`
	Display  string  `json:"display,omitempty"`
	Provider string  `json:"provider,omitempty"`
}

func matchesSport(a *fitness.Activity, sport string) bool {
	return sport == "" || string(a.Sport) == sport || string(a.Sport.Family()) == sport
}

// measure computes the goal's current value from h (custom goals take
// current; nil means not given).
func (s *service) measure(ctx context.Context, p auth.Principal, h history, g usersettings.Goal, today intelligence.Date, current *float64) (measurement, error) {
	m := measurement{Unit: g.Unit, Provider: h.provider}
	if current != nil {
		m.Value, m.Method, m.Provider = *current, "given by you", ""
		return m, nil
	}
	in := func(a *fitness.Activity, from intelligence.Date) bool {
		d := intelligence.DateOf(a.StartTime, nil)
		return d >= from && d <= today && matchesSport(a, g.SportType)
	}
	switch {
	case g.GoalType == "custom":
		return m, &intelligence.InsufficientDataError{What: "a custom goal", Need: "pass current_value with your current " + g.Unit}
	case g.GoalType == "distance":
		for i := range h.acts {
			if in(&h.acts[i], g.StartDate) {
				m.Value += h.acts[i].DistanceMeters
			}
		}
		m.Method, m.Display = "distance recorded since "+g.StartDate.String(), fmt.Sprintf("%.1f km", m.Value/1000)
	case cumulative(g):
		for i := range h.acts {
			if in(&h.acts[i], g.StartDate) {
				m.Value += float64(h.acts[i].MovingOrElapsed())
			}
		}
		m.Method, m.Display = "moving time recorded since "+g.StartDate.String(), intelligence.FormatDuration(m.Value)
	case g.GoalType == "frequency":
		for i := range h.acts {
			if in(&h.acts[i], today.AddDays(-27)) {
				m.Value++
			}
		}
		m.Value /= 4
		m.Method, m.Display = "sessions per week over the last 4 weeks", fmt.Sprintf("%.2f sessions/week", m.Value)
	case g.DistanceMeters > 0:
		best, on, err := bestVDOT(h.acts, today)
		if err != nil {
			return m, err
		}
		t, err := intelligence.RaceTimeFromVDOT(best, g.DistanceMeters)
		if err != nil {
			return m, err
		}
		m.Value = math.Round(t)
		m.Display = intelligence.FormatDuration(t)
		m.Method = fmt.Sprintf("predicted from your best run of the last %d days (VDOT %.1f on %s, Daniels–Gilbert)", historyDays, best, on)
	default:
		set, err := s.settings.Settings(ctx, p)
		if err != nil {
			return m, err
		}
		prof, _, _, _, err := s.athleteProfile(ctx, p, h.provider, set)
		if err != nil {
			return m, err
		}
		if prof.FTPWatts <= 0 {
			return m, &intelligence.InsufficientDataError{What: "an FTP goal", Need: "an FTP: set it with update_user_configuration (parameters.ftp)"}
		}
		m.Value, m.Method, m.Display = prof.FTPWatts, "your FTP (configuration or provider)", fmt.Sprintf("%.0f W", prof.FTPWatts)
	}
	return m, nil
}

// bestVDOT is the highest Daniels–Gilbert VDOT of a run of at least
// 1.5 km in the history: the athlete's current running fitness.
func bestVDOT(acts []fitness.Activity, today intelligence.Date) (float64, intelligence.Date, error) {
	best, on := 0.0, intelligence.Date(0)
	for i := range acts {
		a := &acts[i]
		if a.Sport.Family() != fitness.SportRun || a.DistanceMeters < 1500 || intelligence.DateOf(a.StartTime, nil) > today {
			continue
		}
		r, err := intelligence.VDOTFromRace(a.DistanceMeters, float64(a.MovingOrElapsed()))
		if err == nil && r.VDOT > best {
			best, on = r.VDOT, intelligence.DateOf(a.StartTime, nil)
		}
	}
	if best == 0 {
		return 0, 0, &intelligence.InsufficientDataError{What: "a race-time goal", Need: fmt.Sprintf("a run of at least 1.5 km in the last %d days", historyDays)}
	}
	return best, on, nil
}

func (s *service) loadGoal(ctx context.Context, p auth.Principal, id string) (usersettings.Goal, error) {
	g, err := s.st.Goal(ctx, p.TenantID, p.UserID, id)
	if errors.Is(err, store.ErrNotFound) {
		return g, tools.Fail(tools.CodeNotFound, fmt.Sprintf("goal_id %q does not match any of your goals", id),
			"call track_progress without goal_id to list your goals, or set_goal to create one")
	}
	return g, err
}

// notEnough turns an insufficient-data error into a tool failure.
func notEnough(err error) error {
	var ie *intelligence.InsufficientDataError
	if errors.As(err, &ie) {
		return tools.NotEnoughData(ie.Error(), "record more activities, or pass current_value")
	}
	return err
}

type goalArgs struct {
	GoalID       string   `json:"goal_id"`
	Provider     string   `json:"provider"`
	CurrentValue *float64 `json:"current_value"`
}

func (s *service) analyzeFeasibility(ctx context.Context, c *tools.Call, in goalArgs) (any, error) {
	g, err := s.loadGoal(ctx, c.Principal, in.GoalID)
	if err != nil {
		return nil, err
	}
	if in.CurrentValue != nil && g.GoalType != "custom" {
		return nil, tools.Invalid("current_value", "is only for custom goals; this goal is measured from your activities")
	}
	today := s.today()
	if g.TargetDate <= today {
		return nil, tools.Fail(tools.CodeInvalidInput, fmt.Sprintf("the goal's target_date (%s) has passed", g.TargetDate),
			"call track_progress for the final result, or set_goal with a new date")
	}
	from := min(g.StartDate, today.AddDays(-historyDays))
	h, err := s.history(ctx, c.Principal, in.Provider, from)
	if err != nil {
		return nil, err
	}
	cur, err := s.measure(ctx, c.Principal, h, g, today, in.CurrentValue)
	if err != nil {
		return nil, notEnough(err)
	}
	set, err := s.settings.Settings(ctx, c.Principal)
	if err != nil {
		return nil, err
	}
	ctl := s.chronicLoad(ctx, c.Principal, h, set, today)
	_, lower := goalUnit(g)
	fin := intelligence.GoalFeasibilityInput{Today: today, TargetDate: g.TargetDate, CTL: ctl,
		CurrentValue: cur.Value, TargetValue: g.TargetValue, Kind: intelligence.GoalPerformance, LowerIsBetter: lower}
	weekly := measurement{}
	switch {
	case cumulative(g):
		// A total to reach by the date becomes a weekly volume to sustain,
		// compared with the current weekly volume.
		remaining := g.TargetValue - cur.Value
		weeks := float64(g.TargetDate.DaysSince(today)) / 7
		weekly = weeklyVolume(h.acts, g, today)
		fin.Kind, fin.CurrentValue, fin.TargetValue = intelligence.GoalVolume, weekly.Value, math.Max(remaining/weeks, 1e-9)
		if remaining <= 0 {
			fin.TargetValue = math.Max(weekly.Value, 1e-9)
		}
	case g.GoalType == "frequency":
		fin.Kind = intelligence.GoalFrequency
	}
	res, err := intelligence.GoalFeasibility(fin)
	if err != nil {
		return nil, notEnough(err)
	}
	out := map[string]any{"goal": g, "current": cur, "feasibility": res,
		"training_load": map[string]any{"ctl": round1(ctl), "experience": res.Experience, "algorithm": set.Algorithms.TrainingLoad}}
	if cumulative(g) {
		out["weekly_volume"] = map[string]any{"current": weekly, "required": fin.TargetValue, "unit": g.Unit + "_per_week"}
	}
	return out, nil
}

// weeklyVolume is the goal's quantity per week over the last 4 weeks.
func weeklyVolume(acts []fitness.Activity, g usersettings.Goal, today intelligence.Date) measurement {
	m := measurement{Unit: g.Unit + "_per_week", Method: "average of the last 4 weeks"}
	for i := range acts {
		a := &acts[i]
		d := intelligence.DateOf(a.StartTime, nil)
		if d < today.AddDays(-27) || d > today || !matchesSport(a, g.SportType) {
			continue
		}
		if g.GoalType == "distance" {
			m.Value += a.DistanceMeters
		} else {
			m.Value += float64(a.MovingOrElapsed())
		}
	}
	m.Value /= 4
	return m
}

// chronicLoad is today's CTL with the user's algorithms (0 when no
// activity has a computable stress), which sets the experience level.
func (s *service) chronicLoad(ctx context.Context, p auth.Principal, h history, set usersettings.Settings, today intelligence.Date) float64 {
	prof, _, _, _, err := s.athleteProfile(ctx, p, h.provider, set)
	if err != nil {
		return 0
	}
	loads, _ := intelligence.LoadsFromActivities(h.acts, nil, prof, set.Algorithms, nil)
	daily, err := intelligence.DailyTSSSeries(loads, today.AddDays(-historyDays+1), today)
	if err != nil {
		return 0
	}
	r, err := intelligence.ComputeTrainingLoad(set.Algorithms.TrainingLoad, daily, intelligence.LoadOptions{})
	if err != nil {
		return 0
	}
	return r.CTL
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func (s *service) trackProgress(ctx context.Context, c *tools.Call, in goalArgs) (any, error) {
	if in.GoalID == "" {
		goals, err := s.st.ListGoals(ctx, c.Principal.TenantID, c.Principal.UserID)
		if err != nil {
			return nil, err
		}
		return map[string]any{"goals": goals, "count": len(goals)}, nil
	}
	g, err := s.loadGoal(ctx, c.Principal, in.GoalID)
	if err != nil {
		return nil, err
	}
	if in.CurrentValue != nil && g.GoalType != "custom" {
		return nil, tools.Invalid("current_value", "is only for custom goals; this goal is measured from your activities")
	}
	today := s.today()
	h, err := s.history(ctx, c.Principal, in.Provider, min(g.StartDate, today.AddDays(-historyDays)))
	if err != nil {
		return nil, err
	}
	cur, err := s.measure(ctx, c.Principal, h, g, today, in.CurrentValue)
	if err != nil {
		return nil, notEnough(err)
	}
	if !cumulative(g) && g.StartValue == 0 && g.GoalType != "custom" {
		return nil, tools.NotEnoughData("the goal has no baseline: there was no data to measure when it was set",
			"set the goal again now that data exists")
	}
	var res intelligence.GoalProgressResult
	if g.TargetValue == g.StartValue {
		// Already at the target when set: nothing left to progress.
		res = intelligence.GoalProgressResult{ProgressPercent: 100, Status: "achieved", OnTrack: true,
			Interpretation: "the goal was already met when it was set"}
	} else {
		res, err = intelligence.GoalProgress(intelligence.GoalProgressInput{StartValue: g.StartValue, CurrentValue: cur.Value,
			TargetValue: g.TargetValue, StartDate: g.StartDate, TargetDate: g.TargetDate, Today: max(today, g.StartDate)})
		if err != nil {
			return nil, notEnough(err)
		}
	}
	if res.Status == "achieved" && g.Status != usersettings.GoalAchieved {
		now := s.now().UTC()
		if err := s.st.SetGoalStatus(ctx, c.Principal.TenantID, c.Principal.UserID, g.ID, usersettings.GoalAchieved, now); err != nil {
			return nil, fmt.Errorf("mark goal achieved: %w", err)
		}
		g.Status, g.UpdatedAt = usersettings.GoalAchieved, now
	}
	return map[string]any{"goal": g, "current": cur, "progress": res}, nil
}

type suggestArgs struct {
	Provider string `json:"provider"`
	Category string `json:"goal_category"`
}

type suggestion struct {
	intelligence.GoalSuggestion
	SetGoalArguments map[string]any `json:"set_goal_arguments"`
}

func (s *service) suggestGoals(ctx context.Context, c *tools.Call, in suggestArgs) (any, error) {
	today := s.today()
	h, err := s.history(ctx, c.Principal, in.Provider, today.AddDays(-historyDays))
	if err != nil {
		return nil, err
	}
	vdot, _, _ := bestVDOT(h.acts, today)
	list, err := intelligence.SuggestGoals(intelligence.GoalSuggestionInput{Activities: h.acts, Today: today, Category: in.Category, VDOT: vdot})
	if err != nil {
		return nil, notEnough(err)
	}
	out := make([]suggestion, 0, len(list))
	for _, g := range list {
		args := map[string]any{"title": g.Title, "goal_type": g.GoalType, "target_value": g.TargetValue,
			"target_date": g.TargetDate.String(), "description": g.Rationale}
		if g.Sport != "" {
			args["sport_type"] = string(g.Sport)
		}
		if g.GoalType == "time" {
			args["distance_meters"] = intelligence.Distance5K // the engine's performance suggestion is a 5 km time
		}
		if g.Category == "distance" && strings.HasPrefix(g.Title, "A ") {
			// A longest-session goal is not a cumulative total: track it as
			// a custom goal in meters.
			args["goal_type"], args["unit"] = "custom", "meters"
		}
		out = append(out, suggestion{GoalSuggestion: g, SetGoalArguments: args})
	}
	return map[string]any{"provider": h.provider, "suggestions": out, "count": len(out)}, nil
}
