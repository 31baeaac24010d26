package nutritiontools

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/intelligence"
	"github.com/pierre-fitness/pierre/internal/nutrition"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

// recentTraining is the athlete's training over the last days, as the
// nutrition tools use it. It is read in one place (readTraining) so energy
// needs and nutrient timing see the same numbers.
type recentTraining struct {
	Provider         string  `json:"provider"`
	Days             int     `json:"days"`
	From             string  `json:"from"`
	Sessions         int     `json:"sessions"`
	TotalHours       float64 `json:"total_hours"`
	HoursPerDay      float64 `json:"hours_per_day"`
	AverageHeartRate float64 `json:"average_heart_rate,omitempty"`
	// TSSPerDay is the mean daily training stress (intelligence package:
	// power TSS, else hrTSS); activities without the data for it are counted
	// in ActivitiesWithoutTSS.
	TSSPerDay            float64 `json:"tss_per_day"`
	ActivitiesWithoutTSS int     `json:"activities_without_tss,omitempty"`
	// AcuteLoad is the 7-day exponentially weighted load (ATL) at the end
	// of the window, started from zero at its beginning.
	AcuteLoad float64 `json:"acute_load_atl"`
	// ExerciseKcalPerDay is the net energy of the sessions (above resting
	// metabolism) per day, when the athlete's body data is known.
	ExerciseKcalPerDay *float64 `json:"exercise_kcal_per_day,omitempty"`
	Truncated          bool     `json:"truncated,omitempty"`

	summary  nutrition.TrainingSummary
	sessions []nutrition.Session
}

// trainingReader reads recent training from the user's activity provider.
type trainingReader struct {
	data     *athletedata.Service
	settings usersettings.Reader
	now      func() time.Time
}

// maxTrainingActivities bounds one read (30 days of several sessions a day).
const maxTrainingActivities = 200

// read returns the training of the last days days from the named provider
// (or the user's provider by priority). person, when non-nil, is used for
// the sessions' energy.
func (r trainingReader) read(ctx context.Context, p auth.Principal, providerName string, days int, person *nutrition.Person) (recentTraining, error) {
	if r.data == nil {
		return recentTraining{}, fmt.Errorf("no activity provider is configured on this server")
	}
	now := r.now().UTC()
	from := now.Add(-time.Duration(days) * 24 * time.Hour)
	list, err := r.data.Activities(ctx, p, providerName, athletedata.ActivityQuery{Limit: maxTrainingActivities, After: from})
	if err != nil {
		return recentTraining{}, err
	}
	t := recentTraining{Provider: list.Provider, Days: days, From: from.Format(time.DateOnly), Truncated: list.HasMore}
	var seconds, hrSeconds, hrWeighted float64
	for i := range list.Activities {
		a := &list.Activities[i]
		d := float64(a.MovingOrElapsed())
		if d <= 0 {
			continue
		}
		seconds += d
		s := nutrition.Session{Sport: a.Sport, DurationSeconds: d, DistanceMeters: a.DistanceMeters}
		if a.AverageHeartRate != nil && *a.AverageHeartRate > 0 {
			hrSeconds += d
			hrWeighted += d * *a.AverageHeartRate
			s.AverageHeartRate = *a.AverageHeartRate
		}
		if a.AveragePower != nil && *a.AveragePower > 0 {
			s.AveragePowerWatts = *a.AveragePower
		}
		if a.EnergyKilojoule != nil && *a.EnergyKilojoule > 0 {
			s.WorkKilojoules = *a.EnergyKilojoule
		}
		t.sessions = append(t.sessions, s)
	}
	t.Sessions = len(t.sessions)
	t.TotalHours = round2(seconds / 3600)
	t.HoursPerDay = round2(seconds / 3600 / float64(days))
	t.summary = nutrition.TrainingSummary{Days: days, TotalDurationSeconds: seconds, Sessions: t.Sessions}
	if hrSeconds > 0 {
		t.summary.AverageHeartRate = hrWeighted / hrSeconds
		t.AverageHeartRate = math.Round(t.summary.AverageHeartRate)
	}

	// Training stress and acute load from the intelligence engine, with
	// the user's algorithm choices and physiology.
	settings, err := r.settings.Settings(ctx, p)
	if err != nil {
		return recentTraining{}, fmt.Errorf("load settings: %w", err)
	}
	var athlete *fitness.Athlete
	if _, a, err := r.data.Athlete(ctx, p, list.Provider); err == nil {
		athlete = &a
	}
	profile := settings.AthleteProfile(athlete, now)
	loads, skipped := intelligence.LoadsFromActivities(list.Activities, nil, profile, settings.Algorithms, nil)
	t.ActivitiesWithoutTSS = len(skipped)
	var tss float64
	for _, l := range loads {
		tss += l.TSS
	}
	t.TSSPerDay = round1(tss / float64(days))
	daily, err := intelligence.DailyTSSSeries(loads, intelligence.DateOf(from, nil), intelligence.DateOf(now, nil))
	if err == nil {
		if lr, err := intelligence.ComputeTrainingLoad(settings.Algorithms.TrainingLoad, daily, intelligence.LoadOptions{}); err == nil {
			t.AcuteLoad = round1(lr.ATL)
		}
	}
	if person != nil && len(t.sessions) > 0 {
		if e, err := nutrition.ExerciseEnergy(*person, t.sessions); err == nil {
			v := round1(e.TotalNetKcal / float64(days))
			t.ExerciseKcalPerDay = &v
		}
	}
	return t, nil
}

// inferActivityLevel picks the activity level whose factor is closest to
// what the logged training implies: a sedentary day (BMR × 1.2, which
// already holds everyday movement and the thermic effect of food) plus the
// sessions' net energy per day.
func inferActivityLevel(bmr, exerciseKcalPerDay float64) (nutrition.ActivityLevel, float64) {
	factor := (bmr*1.2 + exerciseKcalPerDay) / bmr
	best, bestDiff := nutrition.Sedentary, math.Inf(1)
	for _, l := range nutrition.ActivityLevels {
		f, _ := l.Factor()
		if d := math.Abs(f - factor); d < bestDiff {
			best, bestDiff = l, d
		}
	}
	return best, round2(factor)
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round2(v float64) float64 { return math.Round(v*100) / 100 }
