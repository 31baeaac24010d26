package terra

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// Terra v2 JSON shapes (fields Pierre uses). Terra normalises units into the
// field names: meters, seconds, meters per second, bpm, watts, kilojoules,
// kilograms, grams; timestamps are ISO 8601 with the wearer's offset.

type user struct {
	UserID   string `json:"user_id"`
	Provider string `json:"provider"`
}

type envelope[T any] struct {
	Status  string `json:"status"`
	Type    string `json:"type"`
	Message string `json:"message"`
	User    user   `json:"user"`
	Data    []T    `json:"data"`
}

func statusErr(msg string) error {
	// Terra's message may echo request details: only classify it.
	low := strings.ToLower(msg)
	switch {
	case strings.Contains(low, "not found") || strings.Contains(low, "user"):
		return &provider.Error{Provider: provider.Terra, Kind: provider.KindReauthRequired,
			Message: "terra does not know this user; reconnect the wearable through Terra"}
	case strings.Contains(low, "large request") || strings.Contains(low, "processing"):
		return &provider.Error{Provider: provider.Terra, Kind: provider.KindUnavailable,
			Message: "terra is preparing this data asynchronously; ask for a shorter range or try again in a few minutes"}
	}
	return &provider.Error{Provider: provider.Terra, Kind: provider.KindUnavailable,
		Message: "terra answered with an error status; try again later"}
}

func (e *envelope[T]) check() error {
	switch e.Status {
	case "success", "":
		if e.Data == nil && strings.Contains(strings.ToLower(e.Message), "large request") {
			return statusErr(e.Message)
		}
		return nil
	default:
		return statusErr(e.Message)
	}
}

type athleteEnvelope struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	User    user   `json:"user"`
	Athlete *struct {
		FirstName   string `json:"first_name"`
		LastName    string `json:"last_name"`
		Gender      string `json:"gender"`
		Sex         string `json:"sex"`
		DateOfBirth string `json:"date_of_birth"`
		City        string `json:"city"`
		Country     string `json:"country"`
	} `json:"athlete"`
}

type metadata struct {
	Name      string `json:"name"`
	Type      *int   `json:"type"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
	SummaryID string `json:"summary_id"`
	IsNap     bool   `json:"is_nap"`
}

type tsValue struct {
	Timestamp string `json:"timestamp"`
}

type activity struct {
	Metadata     metadata `json:"metadata"`
	DistanceData *struct {
		Summary *struct {
			DistanceMeters float64 `json:"distance_meters"`
			Steps          float64 `json:"steps"`
			Elevation      *struct {
				GainActualMeters float64 `json:"gain_actual_meters"`
			} `json:"elevation"`
		} `json:"summary"`
		Detailed *struct {
			DistanceSamples []struct {
				tsValue
				DistanceMeters float64 `json:"distance_meters"`
			} `json:"distance_samples"`
			ElevationSamples []struct {
				tsValue
				ElevMeters float64 `json:"elev_meters"`
			} `json:"elevation_samples"`
		} `json:"detailed"`
	} `json:"distance_data"`
	HeartRateData *struct {
		Summary *struct {
			AvgHRBpm float64 `json:"avg_hr_bpm"`
			MaxHRBpm float64 `json:"max_hr_bpm"`
		} `json:"summary"`
		Detailed *struct {
			HRSamples []struct {
				tsValue
				Bpm float64 `json:"bpm"`
			} `json:"hr_samples"`
		} `json:"detailed"`
	} `json:"heart_rate_data"`
	CaloriesData *struct {
		TotalBurnedCalories float64 `json:"total_burned_calories"`
		NetActivityCalories float64 `json:"net_activity_calories"`
	} `json:"calories_data"`
	MovementData *struct {
		AvgSpeed     float64 `json:"avg_speed_meters_per_second"`
		MaxSpeed     float64 `json:"max_speed_meters_per_second"`
		AvgCadence   float64 `json:"avg_cadence_rpm"`
		SpeedSamples []struct {
			tsValue
			Speed float64 `json:"speed_meters_per_second"`
		} `json:"speed_samples"`
		CadenceSamples []struct {
			tsValue
			Cadence float64 `json:"cadence_rpm"`
		} `json:"cadence_samples"`
	} `json:"movement_data"`
	PowerData *struct {
		AvgWatts     float64 `json:"avg_watts"`
		MaxWatts     float64 `json:"max_watts"`
		PowerSamples []struct {
			tsValue
			Watts float64 `json:"watts"`
		} `json:"power_samples"`
	} `json:"power_data"`
	PositionData *struct {
		StartPos        []float64 `json:"start_pos_lat_lng_deg"`
		PositionSamples []struct {
			tsValue
			Coords []float64 `json:"coords_lat_lng_deg"`
		} `json:"position_samples"`
	} `json:"position_data"`
	ActiveDurationsData *struct {
		ActivitySeconds float64 `json:"activity_seconds"`
	} `json:"active_durations_data"`
	WorkData *struct {
		WorkKilojoules float64 `json:"work_kilojoules"`
	} `json:"work_data"`
	TSSData *struct {
		TSSSamples []struct {
			Actual               float64 `json:"actual"`
			NormalizedPowerWatts float64 `json:"normalized_power_watts"`
		} `json:"TSS_samples"`
	} `json:"TSS_data"`
	StrainData *struct {
		StrainLevel float64 `json:"strain_level"`
	} `json:"strain_data"`
}

type sleep struct {
	Metadata           metadata `json:"metadata"`
	SleepDurationsData *struct {
		Asleep *struct {
			Asleep float64 `json:"duration_asleep_state_seconds"`
			Deep   float64 `json:"duration_deep_sleep_state_seconds"`
			Light  float64 `json:"duration_light_sleep_state_seconds"`
			REM    float64 `json:"duration_REM_sleep_state_seconds"`
		} `json:"asleep"`
		Awake *struct {
			Awake         float64  `json:"duration_awake_state_seconds"`
			NumWakeup     *int     `json:"num_wakeup_events"`
			LatencySecond *float64 `json:"sleep_latency_seconds"`
		} `json:"awake"`
		Other *struct {
			InBed float64 `json:"duration_in_bed_seconds"`
		} `json:"other"`
		SleepEfficiency *float64 `json:"sleep_efficiency"`
	} `json:"sleep_durations_data"`
	HeartRateData *struct {
		Summary *struct {
			RestingHRBpm float64 `json:"resting_hr_bpm"`
			AvgHRVRMSSD  float64 `json:"avg_hrv_rmssd"`
		} `json:"summary"`
	} `json:"heart_rate_data"`
	RespirationData *struct {
		BreathsData *struct {
			Avg float64 `json:"avg_breaths_per_min"`
		} `json:"breaths_data"`
	} `json:"respiration_data"`
	Scores *struct {
		Sleep *float64 `json:"sleep"`
	} `json:"scores"`
}

type daily struct {
	Metadata     metadata `json:"metadata"`
	DistanceData *struct {
		Steps float64 `json:"steps"`
	} `json:"distance_data"`
	CaloriesData *struct {
		BMRCalories         float64 `json:"BMR_calories"`
		NetActivityCalories float64 `json:"net_activity_calories"`
	} `json:"calories_data"`
	HeartRateData *struct {
		Summary *struct {
			RestingHRBpm float64 `json:"resting_hr_bpm"`
			AvgHRVRMSSD  float64 `json:"avg_hrv_rmssd"`
		} `json:"summary"`
	} `json:"heart_rate_data"`
	Scores *struct {
		Recovery *float64 `json:"recovery"`
	} `json:"scores"`
	StrainData *struct {
		StrainLevel *float64 `json:"strain_level"`
	} `json:"strain_data"`
	StressData *struct {
		AvgStressLevel *float64 `json:"avg_stress_level"`
	} `json:"stress_data"`
	OxygenData *struct {
		AvgSaturation float64 `json:"avg_saturation_percentage"`
		VO2Max        float64 `json:"vo2max_ml_per_min_per_kg"`
	} `json:"oxygen_data"`
}

type body struct {
	Metadata         metadata `json:"metadata"`
	MeasurementsData *struct {
		Measurements []struct {
			MeasurementTime string  `json:"measurement_time"`
			BMI             float64 `json:"BMI"`
			WeightKg        float64 `json:"weight_kg"`
			BodyfatPercent  float64 `json:"bodyfat_percentage"`
			BoneMassG       float64 `json:"bone_mass_g"`
			MuscleMassG     float64 `json:"muscle_mass_g"`
			WaterPercent    float64 `json:"water_percentage"`
		} `json:"measurements"`
	} `json:"measurements_data"`
	BloodPressureData *struct {
		Samples []struct {
			tsValue
			Systolic  float64 `json:"systolic_bp"`
			Diastolic float64 `json:"diastolic_bp"`
		} `json:"blood_pressure_samples"`
	} `json:"blood_pressure_data"`
	OxygenData *struct {
		VO2Max float64 `json:"vo2max_ml_per_min_per_kg"`
	} `json:"oxygen_data"`
}

func invalid(why string) error { return vendorhttp.InvalidData(provider.Terra, why, nil) }

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// localDate is the calendar date in the offset the timestamp carries.
func localDate(s string) (string, bool) {
	t, ok := parseTime(s)
	if !ok {
		return "", false
	}
	return t.Format(time.DateOnly), true
}

func mapAthlete(e *athleteEnvelope, userID string) fitness.Athlete {
	a := fitness.Athlete{ID: userID, Provider: provider.Terra}
	if e.User.UserID != "" {
		a.ID = e.User.UserID
	}
	if e.Athlete == nil {
		return a
	}
	a.FirstName, a.LastName, a.City, a.Country = e.Athlete.FirstName, e.Athlete.LastName, e.Athlete.City, e.Athlete.Country
	switch strings.ToLower(e.Athlete.Sex + e.Athlete.Gender) {
	case "male", "malemale", "m":
		a.Sex = fitness.SexMale
	case "female", "femalefemale", "f":
		a.Sex = fitness.SexFemale
	}
	if d := e.Athlete.DateOfBirth; len(d) >= 10 {
		if _, err := time.Parse(time.DateOnly, d[:10]); err == nil {
			a.BirthDate = d[:10]
		}
	}
	return a
}

// Terra activity types (Google-Fit-style enum) Pierre distinguishes.
var sports = map[int]fitness.Sport{
	1: fitness.SportRide, 7: fitness.SportWalk, 8: fitness.SportRun, 14: fitness.SportRide,
	15: fitness.SportMountainBike, 16: fitness.SportRide, 17: fitness.SportVirtualRide,
	18: fitness.SportVirtualRide, 19: fitness.SportRide, 21: fitness.SportWorkout, 22: fitness.SportWorkout,
	25: fitness.SportWorkout, 35: fitness.SportHike, 49: fitness.SportYoga, 53: fitness.SportRowing,
	54: fitness.SportRowing, 56: fitness.SportRun, 57: fitness.SportRun, 58: fitness.SportVirtualRun,
	65: fitness.SportAlpineSki, 66: fitness.SportNordicSki, 67: fitness.SportNordicSki,
	68: fitness.SportAlpineSki, 73: fitness.SportAlpineSki, 80: fitness.SportStrength,
	82: fitness.SportSwim, 83: fitness.SportSwim, 84: fitness.SportSwim, 88: fitness.SportVirtualRun,
	93: fitness.SportWalk, 94: fitness.SportWalk, 95: fitness.SportWalk, 97: fitness.SportStrength,
	100: fitness.SportYoga, 113: fitness.SportWorkout, 114: fitness.SportWorkout, 115: fitness.SportWorkout,
	123: fitness.SportWorkout,
}

// MapSport maps a Terra activity type onto fitness.Sport.
func MapSport(t int) fitness.Sport {
	if s, ok := sports[t]; ok {
		return s
	}
	return fitness.SportOther
}

// ActivityID is Pierre's id for a Terra activity: "<summary_id>@<start>".
func ActivityID(summaryID string, start time.Time) string {
	return summaryID + "@" + strconv.FormatInt(start.Unix(), 10)
}

func nonNeg(v float64) float64 {
	if !vendorhttp.Finite(v) || v < 0 {
		return 0
	}
	return v
}

func mapActivity(a *activity) (fitness.Activity, error) {
	m := &a.Metadata
	if m.SummaryID == "" || strings.Contains(m.SummaryID, "@") {
		return fitness.Activity{}, invalid("activity without a usable summary_id")
	}
	start, ok1 := parseTime(m.StartTime)
	end, ok2 := parseTime(m.EndTime)
	if !ok1 || !ok2 || end.Before(start) {
		return fitness.Activity{}, invalid("activity without a readable start and end time")
	}
	sport := fitness.SportOther
	detail := ""
	if m.Type != nil {
		sport = MapSport(*m.Type)
		detail = "terra type " + strconv.Itoa(*m.Type)
	}
	el := vendorhttp.Seconds(end.Sub(start).Seconds())
	out := fitness.Activity{
		ID:             ActivityID(m.SummaryID, start),
		Provider:       provider.Terra,
		Name:           m.Name,
		Sport:          sport,
		SportDetail:    detail,
		StartTime:      start.UTC(),
		ElapsedSeconds: el,
		MovingSeconds:  el,
		Trainer:        sport == fitness.SportVirtualRide || sport == fitness.SportVirtualRun,
	}
	if d := a.ActiveDurationsData; d != nil && d.ActivitySeconds > 0 && vendorhttp.Seconds(d.ActivitySeconds) <= el {
		out.MovingSeconds = vendorhttp.Seconds(d.ActivitySeconds)
	}
	if d := a.DistanceData; d != nil && d.Summary != nil {
		out.DistanceMeters = nonNeg(d.Summary.DistanceMeters)
		if d.Summary.Elevation != nil {
			out.ElevationGainMeters = nonNeg(d.Summary.Elevation.GainActualMeters)
		}
	}
	if h := a.HeartRateData; h != nil && h.Summary != nil {
		out.AverageHeartRate = vendorhttp.Opt(h.Summary.AvgHRBpm)
		out.MaxHeartRate = vendorhttp.Opt(h.Summary.MaxHRBpm)
	}
	if c := a.CaloriesData; c != nil {
		out.Calories = vendorhttp.Opt(c.TotalBurnedCalories)
	}
	if mv := a.MovementData; mv != nil {
		out.AverageSpeed = vendorhttp.Opt(mv.AvgSpeed)
		out.MaxSpeed = vendorhttp.Opt(mv.MaxSpeed)
		out.AverageCadence = vendorhttp.Opt(mv.AvgCadence)
	}
	if out.AverageSpeed == nil && out.DistanceMeters > 0 && out.MovingSeconds > 0 {
		out.AverageSpeed = fitness.Float(out.DistanceMeters / float64(out.MovingSeconds))
	}
	if p := a.PowerData; p != nil {
		out.AveragePower = vendorhttp.Opt(p.AvgWatts)
		out.MaxPower = vendorhttp.Opt(p.MaxWatts)
		out.HasStreams = out.HasStreams || len(p.PowerSamples) > 0
	}
	if w := a.WorkData; w != nil {
		out.EnergyKilojoule = vendorhttp.Opt(w.WorkKilojoules)
	}
	if t := a.TSSData; t != nil && len(t.TSSSamples) > 0 {
		out.NormalizedPower = vendorhttp.Opt(t.TSSSamples[0].NormalizedPowerWatts)
		out.TrainingLoad = vendorhttp.Opt(t.TSSSamples[0].Actual)
	}
	if out.TrainingLoad == nil && a.StrainData != nil {
		out.TrainingLoad = vendorhttp.Opt(a.StrainData.StrainLevel)
	}
	if p := a.PositionData; p != nil && len(p.StartPos) == 2 && vendorhttp.ValidLatLng(p.StartPos[0], p.StartPos[1]) {
		lat, lng := p.StartPos[0], p.StartPos[1]
		out.StartLatitude, out.StartLongitude = &lat, &lng
	}
	// Terra only tells whether samples exist when asked with_samples; an
	// activity with a heart-rate or distance summary usually has them.
	out.HasStreams = out.HasStreams || out.AverageHeartRate != nil || out.DistanceMeters > 0
	return out, nil
}

// mapSamples aligns Terra's per-channel samples on the union of their
// timestamps (seconds from the activity start). Heart rate, power and
// cadence are 0 where a channel has no sample; speed, altitude, distance and
// position carry the last value forward (the first value backward).
func mapSamples(id string, a *activity) (fitness.Streams, error) {
	out := fitness.Streams{ActivityID: id, Provider: provider.Terra}
	start, ok := parseTime(a.Metadata.StartTime)
	if !ok {
		return fitness.Streams{}, invalid("activity without a readable start time")
	}
	type point struct {
		t int32
		v float64
	}
	type ll struct {
		t int32
		v [2]float64
	}
	off := func(ts string) (int32, bool) {
		t, ok := parseTime(ts)
		if !ok {
			return 0, false
		}
		d := t.Sub(start).Seconds()
		if d < 0 || d > 7*24*3600 {
			return 0, false
		}
		return int32(d), true
	}
	var hr, pw, cad, spd, alt, dist []point
	var pos []ll
	total := 0
	add := func(dst *[]point, ts string, v float64) error {
		t, ok := off(ts)
		if !ok || !vendorhttp.Finite(v) {
			return invalid("sample with an unreadable or out-of-range timestamp")
		}
		*dst = append(*dst, point{t, v})
		total++
		if total > 48*3600*8 {
			return invalid("too many samples")
		}
		return nil
	}
	if h := a.HeartRateData; h != nil && h.Detailed != nil {
		for _, s := range h.Detailed.HRSamples {
			if err := add(&hr, s.Timestamp, s.Bpm); err != nil {
				return fitness.Streams{}, err
			}
		}
	}
	if p := a.PowerData; p != nil {
		for _, s := range p.PowerSamples {
			if err := add(&pw, s.Timestamp, s.Watts); err != nil {
				return fitness.Streams{}, err
			}
		}
	}
	if m := a.MovementData; m != nil {
		for _, s := range m.CadenceSamples {
			if err := add(&cad, s.Timestamp, s.Cadence); err != nil {
				return fitness.Streams{}, err
			}
		}
		for _, s := range m.SpeedSamples {
			if err := add(&spd, s.Timestamp, s.Speed); err != nil {
				return fitness.Streams{}, err
			}
		}
	}
	if d := a.DistanceData; d != nil && d.Detailed != nil {
		for _, s := range d.Detailed.ElevationSamples {
			if err := add(&alt, s.Timestamp, s.ElevMeters); err != nil {
				return fitness.Streams{}, err
			}
		}
		for _, s := range d.Detailed.DistanceSamples {
			if err := add(&dist, s.Timestamp, s.DistanceMeters); err != nil {
				return fitness.Streams{}, err
			}
		}
	}
	if p := a.PositionData; p != nil {
		for _, s := range p.PositionSamples {
			t, ok := off(s.Timestamp)
			if !ok {
				return fitness.Streams{}, invalid("sample with an unreadable or out-of-range timestamp")
			}
			if len(s.Coords) == 2 && vendorhttp.ValidLatLng(s.Coords[0], s.Coords[1]) {
				pos = append(pos, ll{t, [2]float64{s.Coords[0], s.Coords[1]}})
			}
		}
	}
	// Union of timestamps.
	seen := map[int32]struct{}{}
	for _, ch := range [][]point{hr, pw, cad, spd, alt, dist} {
		for _, p := range ch {
			seen[p.t] = struct{}{}
		}
	}
	for _, p := range pos {
		seen[p.t] = struct{}{}
	}
	if len(seen) == 0 {
		return out, nil
	}
	times := make([]int32, 0, len(seen))
	for t := range seen {
		times = append(times, t)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	index := make(map[int32]int, len(times))
	for i, t := range times {
		index[t] = i
	}
	n := len(times)
	out.TimeSeconds = times
	ints := func(ch []point) []int16 {
		if len(ch) == 0 {
			return nil
		}
		s := make([]int16, n)
		for _, p := range ch {
			s[index[p.t]] = vendorhttp.Clamp16(p.v)
		}
		return s
	}
	floats := func(ch []point) []float32 {
		if len(ch) == 0 {
			return nil
		}
		s := make([]float32, n)
		set := make([]bool, n)
		for _, p := range ch {
			s[index[p.t]], set[index[p.t]] = vendorhttp.F32(p.v), true
		}
		fillCarry(s, set)
		return s
	}
	out.HeartRate, out.PowerWatts, out.Cadence = ints(hr), ints(pw), ints(cad)
	out.SpeedMPS, out.AltitudeMeters, out.DistanceMeters = floats(spd), floats(alt), floats(dist)
	if len(pos) > 0 {
		s := make([][2]float64, n)
		set := make([]bool, n)
		for _, p := range pos {
			s[index[p.t]], set[index[p.t]] = p.v, true
		}
		first := -1
		for i := range s {
			if set[i] {
				if first < 0 {
					first = i
				}
			} else if i > 0 {
				s[i] = s[i-1]
			}
		}
		for i := 0; i < first; i++ {
			s[i] = s[first]
		}
		out.LatLng = s
	}
	return out, nil
}

// fillCarry carries set values forward, and the first one backward.
func fillCarry(s []float32, set []bool) {
	first := -1
	for i := range s {
		if set[i] {
			if first < 0 {
				first = i
			}
		} else if i > 0 {
			s[i] = s[i-1]
		}
	}
	for i := 0; i < first; i++ {
		s[i] = s[first]
	}
}

func mapSleeps(raw []sleep) ([]fitness.SleepSession, error) {
	out := make([]fitness.SleepSession, 0, len(raw))
	for i := range raw {
		s := &raw[i]
		start, ok1 := parseTime(s.Metadata.StartTime)
		end, ok2 := parseTime(s.Metadata.EndTime)
		if !ok1 || !ok2 || end.Before(start) {
			return nil, invalid("sleep without a readable start and end time")
		}
		id := s.Metadata.SummaryID
		if id == "" {
			id = strconv.FormatInt(start.Unix(), 10)
		}
		ss := fitness.SleepSession{
			ID:           id,
			Provider:     provider.Terra,
			Date:         end.Format(time.DateOnly),
			StartTime:    start.UTC(),
			EndTime:      end.UTC(),
			InBedSeconds: vendorhttp.Seconds(end.Sub(start).Seconds()),
			Nap:          s.Metadata.IsNap,
		}
		if d := s.SleepDurationsData; d != nil {
			if d.Other != nil && d.Other.InBed > 0 {
				ss.InBedSeconds = vendorhttp.Seconds(d.Other.InBed)
			}
			if a := d.Asleep; a != nil {
				deep, light, rem := vendorhttp.Seconds(a.Deep), vendorhttp.Seconds(a.Light), vendorhttp.Seconds(a.REM)
				ss.DeepSeconds, ss.LightSeconds, ss.REMSeconds = &deep, &light, &rem
				ss.AsleepSeconds = vendorhttp.Seconds(a.Asleep)
				if ss.AsleepSeconds == 0 {
					ss.AsleepSeconds = deep + light + rem
				}
			}
			if a := d.Awake; a != nil {
				aw := vendorhttp.Seconds(a.Awake)
				ss.AwakeSeconds = &aw
				if a.NumWakeup != nil && *a.NumWakeup >= 0 {
					ss.Awakenings = vendorhttp.OptIntAny(a.NumWakeup)
				}
				if a.LatencySecond != nil && *a.LatencySecond >= 0 {
					ss.OnsetLatencySeconds = fitness.Int(vendorhttp.Seconds(*a.LatencySecond))
				}
			}
			if e := d.SleepEfficiency; e != nil && vendorhttp.Finite(*e) && *e > 0 {
				v := *e
				if v <= 1 { // Terra reports a 0–1 ratio
					v *= 100
				}
				if v <= 100 {
					ss.EfficiencyPercent = &v
				}
			}
		}
		if h := s.HeartRateData; h != nil && h.Summary != nil {
			ss.HRVRMSSDMs = vendorhttp.Opt(h.Summary.AvgHRVRMSSD)
			ss.RestingHeartRate = vendorhttp.Opt(h.Summary.RestingHRBpm)
		}
		if r := s.RespirationData; r != nil && r.BreathsData != nil {
			ss.RespiratoryRate = vendorhttp.Opt(r.BreathsData.Avg)
		}
		if sc := s.Scores; sc != nil && sc.Sleep != nil && *sc.Sleep >= 0 && *sc.Sleep <= 100 {
			ss.VendorScore = vendorhttp.OptAny(sc.Sleep)
		}
		out = append(out, ss)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartTime.After(out[j].StartTime) })
	return out, nil
}

func mapRecovery(raw []daily) ([]fitness.DailyRecovery, error) {
	out := make([]fitness.DailyRecovery, 0, len(raw))
	for i := range raw {
		d := &raw[i]
		date, ok := localDate(d.Metadata.StartTime)
		if !ok {
			return nil, invalid("daily summary without a readable start time")
		}
		r := fitness.DailyRecovery{Provider: provider.Terra, Date: date}
		if h := d.HeartRateData; h != nil && h.Summary != nil {
			r.HRVRMSSDMs = vendorhttp.Opt(h.Summary.AvgHRVRMSSD)
			r.RestingHeartRate = vendorhttp.Opt(h.Summary.RestingHRBpm)
		}
		if s := d.Scores; s != nil && s.Recovery != nil && *s.Recovery >= 0 && *s.Recovery <= 100 {
			r.VendorRecoveryScore = vendorhttp.OptAny(s.Recovery)
		}
		if o := d.OxygenData; o != nil && o.AvgSaturation > 0 && o.AvgSaturation <= 100 {
			r.SpO2Percent = fitness.Float(o.AvgSaturation)
		}
		if s := d.StrainData; s != nil && s.StrainLevel != nil && *s.StrainLevel >= 0 {
			r.StrainScore = vendorhttp.OptAny(s.StrainLevel)
		} else if s := d.StressData; s != nil && s.AvgStressLevel != nil && *s.AvgStressLevel >= 0 {
			r.StrainScore = vendorhttp.OptAny(s.AvgStressLevel)
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date > out[j].Date })
	return out, nil
}

func mapHealth(dailies []daily, bodies []body) ([]fitness.HealthMetrics, error) {
	days := map[string]*fitness.HealthMetrics{}
	get := func(d string) *fitness.HealthMetrics {
		h := days[d]
		if h == nil {
			h = &fitness.HealthMetrics{Provider: provider.Terra, Date: d}
			days[d] = h
		}
		return h
	}
	for i := range dailies {
		d := &dailies[i]
		date, ok := localDate(d.Metadata.StartTime)
		if !ok {
			return nil, invalid("daily summary without a readable start time")
		}
		h := get(date)
		if dd := d.DistanceData; dd != nil && dd.Steps > 0 && dd.Steps < 1e7 {
			h.Steps = fitness.Int(int(dd.Steps))
		}
		if c := d.CaloriesData; c != nil {
			h.ActiveEnergyKcal = vendorhttp.Opt(c.NetActivityCalories)
			h.RestingEnergyKcal = vendorhttp.Opt(c.BMRCalories)
		}
		if o := d.OxygenData; o != nil {
			h.VO2MaxMlKgMin = vendorhttp.Opt(o.VO2Max)
		}
	}
	for i := range bodies {
		b := &bodies[i]
		if _, ok := parseTime(b.Metadata.StartTime); !ok {
			return nil, invalid("body summary without a readable start time")
		}
		if m := b.MeasurementsData; m != nil {
			ms := m.Measurements
			sort.SliceStable(ms, func(i, j int) bool { return ms[i].MeasurementTime < ms[j].MeasurementTime })
			for _, x := range ms {
				date, ok := localDate(x.MeasurementTime)
				if !ok {
					return nil, invalid("measurement without a readable time")
				}
				h := get(date)
				if v := vendorhttp.Opt(x.WeightKg); v != nil {
					h.WeightKg = v
				}
				if x.BodyfatPercent > 0 && x.BodyfatPercent < 100 {
					h.BodyFatPercent = fitness.Float(x.BodyfatPercent)
				}
				if x.WaterPercent > 0 && x.WaterPercent < 100 {
					h.BodyWaterPercent = fitness.Float(x.WaterPercent)
				}
				if v := vendorhttp.Opt(x.BMI); v != nil {
					h.BMIKgM2 = v
				}
				if x.MuscleMassG > 0 && vendorhttp.Finite(x.MuscleMassG) {
					h.MuscleMassKg = fitness.Float(x.MuscleMassG / 1000)
				}
				if x.BoneMassG > 0 && vendorhttp.Finite(x.BoneMassG) {
					h.BoneMassKg = fitness.Float(x.BoneMassG / 1000)
				}
			}
		}
		if bp := b.BloodPressureData; bp != nil {
			for _, s := range bp.Samples {
				date, ok := localDate(s.Timestamp)
				if !ok {
					return nil, invalid("blood pressure sample without a readable time")
				}
				h := get(date)
				h.SystolicMmHg = vendorhttp.Opt(s.Systolic)
				h.DiastolicMmHg = vendorhttp.Opt(s.Diastolic)
			}
		}
		if o := b.OxygenData; o != nil && vendorhttp.Opt(o.VO2Max) != nil {
			if date, ok := localDate(b.Metadata.StartTime); ok {
				get(date).VO2MaxMlKgMin = vendorhttp.Opt(o.VO2Max)
			}
		}
	}
	out := make([]fitness.HealthMetrics, 0, len(days))
	for _, h := range days {
		out = append(out, *h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date > out[j].Date })
	return out, nil
}

// Webhook is one Terra webhook event, mapped. Only the slice matching Type
// is filled; Auth events ("auth", "user_reauth", "deauth") carry only
// Type and UserID.
type Webhook struct {
	Type       string
	UserID     string
	Activities []fitness.Activity
	Streams    []fitness.Streams
	Sleeps     []fitness.SleepSession
	Recovery   []fitness.DailyRecovery
	Health     []fitness.HealthMetrics
}

type webhookHead struct {
	Type string `json:"type"`
	User user   `json:"user"`
}

// ParseWebhook maps a Terra webhook body with the pull mapping functions.
// It returns no data when any part is malformed. Verifying the
// terra-signature header is the caller's job.
func ParseWebhook(data []byte) (Webhook, error) {
	head, err := vendorhttp.Decode[webhookHead](provider.Terra, data)
	if err != nil {
		return Webhook{}, err
	}
	w := Webhook{Type: head.Type, UserID: head.User.UserID}
	switch head.Type {
	case "activity":
		env, err := vendorhttp.Decode[envelope[activity]](provider.Terra, data)
		if err != nil {
			return Webhook{}, err
		}
		for i := range env.Data {
			a, err := mapActivity(&env.Data[i])
			if err != nil {
				return Webhook{}, err
			}
			s, err := mapSamples(a.ID, &env.Data[i])
			if err != nil {
				return Webhook{}, err
			}
			w.Activities = append(w.Activities, a)
			w.Streams = append(w.Streams, s)
		}
	case "sleep":
		env, err := vendorhttp.Decode[envelope[sleep]](provider.Terra, data)
		if err != nil {
			return Webhook{}, err
		}
		if w.Sleeps, err = mapSleeps(env.Data); err != nil {
			return Webhook{}, err
		}
	case "daily":
		env, err := vendorhttp.Decode[envelope[daily]](provider.Terra, data)
		if err != nil {
			return Webhook{}, err
		}
		if w.Recovery, err = mapRecovery(env.Data); err != nil {
			return Webhook{}, err
		}
		if w.Health, err = mapHealth(env.Data, nil); err != nil {
			return Webhook{}, err
		}
	case "body":
		env, err := vendorhttp.Decode[envelope[body]](provider.Terra, data)
		if err != nil {
			return Webhook{}, err
		}
		if w.Health, err = mapHealth(nil, env.Data); err != nil {
			return Webhook{}, err
		}
	}
	return w, nil
}
