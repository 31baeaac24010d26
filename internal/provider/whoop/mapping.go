package whoop

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// WHOOP v2 JSON shapes (fields Pierre uses). Units as WHOOP documents them:
// milliseconds for durations, kilojoules of energy expended, meters, bpm,
// percent, degrees Celsius.

type page[T any] struct {
	Records   []T    `json:"records"`
	NextToken string `json:"next_token"`
}

type profile struct {
	UserID    int64  `json:"user_id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

type body struct {
	HeightMeter    float64 `json:"height_meter"`
	WeightKilogram float64 `json:"weight_kilogram"`
	MaxHeartRate   float64 `json:"max_heart_rate"`
}

type workout struct {
	ID             string    `json:"id"`
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	TimezoneOffset string    `json:"timezone_offset"`
	SportName      string    `json:"sport_name"`
	ScoreState     string    `json:"score_state"`
	Score          *struct {
		Strain            float64 `json:"strain"`
		AverageHeartRate  float64 `json:"average_heart_rate"`
		MaxHeartRate      float64 `json:"max_heart_rate"`
		Kilojoule         float64 `json:"kilojoule"`
		PercentRecorded   float64 `json:"percent_recorded"`
		DistanceMeter     float64 `json:"distance_meter"`
		AltitudeGainMeter float64 `json:"altitude_gain_meter"`
	} `json:"score"`
}

type sleep struct {
	ID             string    `json:"id"`
	CycleID        int64     `json:"cycle_id"`
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	TimezoneOffset string    `json:"timezone_offset"`
	Nap            bool      `json:"nap"`
	ScoreState     string    `json:"score_state"`
	Score          *struct {
		StageSummary struct {
			TotalInBedTimeMilli         int64 `json:"total_in_bed_time_milli"`
			TotalAwakeTimeMilli         int64 `json:"total_awake_time_milli"`
			TotalNoDataTimeMilli        int64 `json:"total_no_data_time_milli"`
			TotalLightSleepTimeMilli    int64 `json:"total_light_sleep_time_milli"`
			TotalSlowWaveSleepTimeMilli int64 `json:"total_slow_wave_sleep_time_milli"`
			TotalREMSleepTimeMilli      int64 `json:"total_rem_sleep_time_milli"`
			SleepCycleCount             int   `json:"sleep_cycle_count"`
			DisturbanceCount            int   `json:"disturbance_count"`
		} `json:"stage_summary"`
		RespiratoryRate            float64 `json:"respiratory_rate"`
		SleepPerformancePercentage float64 `json:"sleep_performance_percentage"`
		SleepEfficiencyPercentage  float64 `json:"sleep_efficiency_percentage"`
	} `json:"score"`
}

type recovery struct {
	CycleID    int64     `json:"cycle_id"`
	SleepID    string    `json:"sleep_id"`
	CreatedAt  time.Time `json:"created_at"`
	ScoreState string    `json:"score_state"`
	Score      *struct {
		UserCalibrating  bool     `json:"user_calibrating"`
		RecoveryScore    float64  `json:"recovery_score"`
		RestingHeartRate float64  `json:"resting_heart_rate"`
		HRVRMSSDMilli    float64  `json:"hrv_rmssd_milli"`
		SpO2Percentage   float64  `json:"spo2_percentage"`
		SkinTempCelsius  *float64 `json:"skin_temp_celsius"`
	} `json:"score"`
}

type cycle struct {
	ID             int64      `json:"id"`
	Start          time.Time  `json:"start"`
	End            *time.Time `json:"end"`
	TimezoneOffset string     `json:"timezone_offset"`
	ScoreState     string     `json:"score_state"`
	Score          *struct {
		Strain    float64 `json:"strain"`
		Kilojoule float64 `json:"kilojoule"`
	} `json:"score"`
}

func invalid(why string) error { return vendorhttp.InvalidData(provider.Whoop, why, nil) }

func mapAthlete(p profile, b body) (fitness.Athlete, error) {
	if p.UserID <= 0 {
		return fitness.Athlete{}, invalid("profile without user_id")
	}
	a := fitness.Athlete{
		ID:           strconv.FormatInt(p.UserID, 10),
		Provider:     provider.Whoop,
		FirstName:    p.FirstName,
		LastName:     p.LastName,
		WeightKg:     vendorhttp.Opt(b.WeightKilogram),
		MaxHeartRate: vendorhttp.Opt(b.MaxHeartRate),
	}
	if b.HeightMeter > 0 && vendorhttp.Finite(b.HeightMeter) {
		a.HeightCm = fitness.Float(b.HeightMeter * 100)
	}
	return a, nil
}

func mapBody(b body, now time.Time) []fitness.HealthMetrics {
	w := vendorhttp.Opt(b.WeightKilogram)
	if w == nil {
		return []fitness.HealthMetrics{}
	}
	return []fitness.HealthMetrics{{Provider: provider.Whoop, Date: now.Format(time.DateOnly), WeightKg: w}}
}

var sports = map[string]fitness.Sport{
	"running":              fitness.SportRun,
	"track & field":        fitness.SportRun,
	"cycling":              fitness.SportRide,
	"spin":                 fitness.SportVirtualRide,
	"assault bike":         fitness.SportVirtualRide,
	"mountain biking":      fitness.SportMountainBike,
	"swimming":             fitness.SportSwim,
	"walking":              fitness.SportWalk,
	"hiking/rucking":       fitness.SportHike,
	"hiking":               fitness.SportHike,
	"rowing":               fitness.SportRowing,
	"cross country skiing": fitness.SportNordicSki,
	"skiing":               fitness.SportAlpineSki,
	"snowboarding":         fitness.SportAlpineSki,
	"weightlifting":        fitness.SportStrength,
	"powerlifting":         fitness.SportStrength,
	"strength trainer":     fitness.SportStrength,
	"functional fitness":   fitness.SportWorkout,
	"hiit":                 fitness.SportWorkout,
	"elliptical":           fitness.SportWorkout,
	"stairmaster":          fitness.SportWorkout,
	"yoga":                 fitness.SportYoga,
	"hot yoga":             fitness.SportYoga,
	"pilates":              fitness.SportYoga,
}

// MapSport maps a WHOOP sport_name onto fitness.Sport.
func MapSport(name string) fitness.Sport {
	if s, ok := sports[strings.ToLower(strings.TrimSpace(name))]; ok {
		return s
	}
	return fitness.SportOther
}

func mapWorkout(w *workout) (fitness.Activity, error) {
	if w.ID == "" {
		return fitness.Activity{}, invalid("workout without id")
	}
	if w.Start.IsZero() || w.End.Before(w.Start) {
		return fitness.Activity{}, invalid("workout without a valid start and end")
	}
	sport := MapSport(w.SportName)
	el := vendorhttp.Seconds(w.End.Sub(w.Start).Seconds())
	a := fitness.Activity{
		ID:             w.ID,
		Provider:       provider.Whoop,
		Name:           title(w.SportName),
		Sport:          sport,
		SportDetail:    w.SportName,
		StartTime:      w.Start.UTC(),
		ElapsedSeconds: el,
		MovingSeconds:  el,
		Trainer:        sport == fitness.SportVirtualRide,
	}
	if s := w.Score; s != nil && w.ScoreState == "SCORED" {
		a.DistanceMeters = nonNeg(s.DistanceMeter)
		a.ElevationGainMeters = nonNeg(s.AltitudeGainMeter)
		a.AverageHeartRate = vendorhttp.Opt(s.AverageHeartRate)
		a.MaxHeartRate = vendorhttp.Opt(s.MaxHeartRate)
		// WHOOP kilojoule is energy expended by the body, not mechanical
		// work, so it becomes kcal rather than EnergyKilojoule.
		if s.Kilojoule > 0 && vendorhttp.Finite(s.Kilojoule) {
			a.Calories = fitness.Float(s.Kilojoule * vendorhttp.KcalPerKilojoule)
		}
		a.TrainingLoad = vendorhttp.Opt(s.Strain)
		if a.DistanceMeters > 0 && el > 0 {
			a.AverageSpeed = fitness.Float(a.DistanceMeters / float64(el))
		}
	}
	return a, nil
}

func title(s string) string {
	if s == "" {
		return "Workout"
	}
	words := strings.Fields(s)
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}

func nonNeg(v float64) float64 {
	if !vendorhttp.Finite(v) || v < 0 {
		return 0
	}
	return v
}

// zone parses WHOOP's "+hh:mm" / "-hh:mm" / "Z" offsets; UTC when unknown.
func zone(off string) *time.Location {
	if off == "" || off == "Z" {
		return time.UTC
	}
	t, err := time.Parse("-07:00", off)
	if err != nil {
		return time.UTC
	}
	_, sec := t.Zone()
	return time.FixedZone(off, sec)
}

func mapSleeps(sleeps []sleep, recs []recovery) ([]fitness.SleepSession, error) {
	bySleep := make(map[string]*recovery, len(recs))
	for i := range recs {
		if recs[i].SleepID != "" && recs[i].Score != nil && recs[i].ScoreState == "SCORED" {
			bySleep[recs[i].SleepID] = &recs[i]
		}
	}
	out := make([]fitness.SleepSession, 0, len(sleeps))
	for i := range sleeps {
		s := &sleeps[i]
		if s.ID == "" || s.Start.IsZero() || s.End.Before(s.Start) {
			return nil, invalid("sleep without id, start or end")
		}
		ss := fitness.SleepSession{
			ID:           s.ID,
			Provider:     provider.Whoop,
			Date:         s.End.In(zone(s.TimezoneOffset)).Format(time.DateOnly),
			StartTime:    s.Start.UTC(),
			EndTime:      s.End.UTC(),
			InBedSeconds: vendorhttp.Seconds(s.End.Sub(s.Start).Seconds()),
			Nap:          s.Nap,
		}
		if sc := s.Score; sc != nil && s.ScoreState == "SCORED" {
			st := sc.StageSummary
			light := vendorhttp.MillisToSeconds(st.TotalLightSleepTimeMilli)
			deep := vendorhttp.MillisToSeconds(st.TotalSlowWaveSleepTimeMilli)
			rem := vendorhttp.MillisToSeconds(st.TotalREMSleepTimeMilli)
			awake := vendorhttp.MillisToSeconds(st.TotalAwakeTimeMilli)
			if inBed := vendorhttp.MillisToSeconds(st.TotalInBedTimeMilli); inBed > 0 {
				ss.InBedSeconds = inBed
			}
			ss.AsleepSeconds = light + deep + rem
			ss.LightSeconds, ss.DeepSeconds, ss.REMSeconds, ss.AwakeSeconds = &light, &deep, &rem, &awake
			if st.DisturbanceCount >= 0 {
				ss.Awakenings = fitness.Int(st.DisturbanceCount)
			}
			ss.EfficiencyPercent = vendorhttp.Opt(sc.SleepEfficiencyPercentage)
			ss.RespiratoryRate = vendorhttp.Opt(sc.RespiratoryRate)
			ss.VendorScore = vendorhttp.Opt(sc.SleepPerformancePercentage)
		}
		if r := bySleep[s.ID]; r != nil {
			ss.HRVRMSSDMs = vendorhttp.Opt(r.Score.HRVRMSSDMilli)
			ss.RestingHeartRate = vendorhttp.Opt(r.Score.RestingHeartRate)
		}
		out = append(out, ss)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartTime.After(out[j].StartTime) })
	return out, nil
}

func mapRecoveries(recs []recovery, cycles []cycle) ([]fitness.DailyRecovery, error) {
	byCycle := make(map[int64]*cycle, len(cycles))
	for i := range cycles {
		byCycle[cycles[i].ID] = &cycles[i]
	}
	out := make([]fitness.DailyRecovery, 0, len(recs))
	for i := range recs {
		r := &recs[i]
		if r.CreatedAt.IsZero() {
			return nil, invalid("recovery without created_at")
		}
		loc := time.UTC
		cy := byCycle[r.CycleID]
		if cy != nil {
			loc = zone(cy.TimezoneOffset)
		}
		d := fitness.DailyRecovery{Provider: provider.Whoop, Date: r.CreatedAt.In(loc).Format(time.DateOnly)}
		if sc := r.Score; sc != nil && r.ScoreState == "SCORED" {
			d.HRVRMSSDMs = vendorhttp.Opt(sc.HRVRMSSDMilli)
			d.RestingHeartRate = vendorhttp.Opt(sc.RestingHeartRate)
			if vendorhttp.Finite(sc.RecoveryScore) && sc.RecoveryScore >= 0 {
				d.VendorRecoveryScore = fitness.Float(sc.RecoveryScore)
			}
			d.SpO2Percent = vendorhttp.Opt(sc.SpO2Percentage)
			// skin_temp_celsius is absolute; Pierre's field is a deviation
			// from baseline, which WHOOP's API does not give.
		}
		if cy != nil && cy.Score != nil && cy.ScoreState == "SCORED" && vendorhttp.Finite(cy.Score.Strain) && cy.Score.Strain >= 0 {
			d.StrainScore = fitness.Float(cy.Score.Strain)
		}
		out = append(out, d)
	}
	return out, nil
}
