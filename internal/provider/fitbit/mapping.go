package fitbit

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// Fitbit JSON shapes (fields Pierre uses). Metric unit system: kilometers,
// kilograms, centimeters, meters of elevation; durations in milliseconds
// (activities) or minutes (sleep summaries).

type user struct {
	EncodedID           string  `json:"encodedId"`
	DisplayName         string  `json:"displayName"`
	FirstName           string  `json:"firstName"`
	LastName            string  `json:"lastName"`
	Gender              string  `json:"gender"`
	DateOfBirth         string  `json:"dateOfBirth"`
	Height              float64 `json:"height"`
	Weight              float64 `json:"weight"`
	Timezone            string  `json:"timezone"`
	OffsetFromUTCMillis int64   `json:"offsetFromUTCMillis"`
	MemberSince         string  `json:"memberSince"`
	Avatar640           string  `json:"avatar640"`
	City                string  `json:"city"`
	Country             string  `json:"country"`
}

type profileResp struct {
	User user `json:"user"`
}

type activity struct {
	LogID            int64   `json:"logId"`
	ActivityName     string  `json:"activityName"`
	ActivityTypeID   int64   `json:"activityTypeId"`
	StartTime        string  `json:"startTime"`
	Duration         int64   `json:"duration"`       // ms
	ActiveDuration   int64   `json:"activeDuration"` // ms
	Distance         float64 `json:"distance"`
	DistanceUnit     string  `json:"distanceUnit"`
	ElevationGain    float64 `json:"elevationGain"`
	AverageHeartRate float64 `json:"averageHeartRate"`
	Calories         float64 `json:"calories"`
	Steps            int     `json:"steps"`
	HasGPS           bool    `json:"hasGps"`
	TCXLink          string  `json:"tcxLink"`
	LogType          string  `json:"logType"`
}

type activityList struct {
	Activities []activity `json:"activities"`
	Pagination struct {
		Next string `json:"next"`
	} `json:"pagination"`
}

type stageSummary struct {
	Count   int `json:"count"`
	Minutes int `json:"minutes"`
}

type sleepLog struct {
	LogID               int64   `json:"logId"`
	DateOfSleep         string  `json:"dateOfSleep"`
	StartTime           string  `json:"startTime"` // local, no offset
	EndTime             string  `json:"endTime"`
	Duration            int64   `json:"duration"` // ms
	Efficiency          float64 `json:"efficiency"`
	IsMainSleep         bool    `json:"isMainSleep"`
	MinutesAsleep       int     `json:"minutesAsleep"`
	MinutesAwake        int     `json:"minutesAwake"`
	MinutesToFallAsleep int     `json:"minutesToFallAsleep"`
	TimeInBed           int     `json:"timeInBed"`
	Type                string  `json:"type"` // "stages" or "classic"
	Levels              struct {
		Summary map[string]stageSummary `json:"summary"`
	} `json:"levels"`
}

type sleepResp struct {
	Sleep []sleepLog `json:"sleep"`
}

type hrvResp struct {
	HRV []struct {
		DateTime string `json:"dateTime"`
		Value    struct {
			DailyRmssd float64 `json:"dailyRmssd"`
			DeepRmssd  float64 `json:"deepRmssd"`
		} `json:"value"`
	} `json:"hrv"`
}

type heartResp struct {
	Days []struct {
		DateTime string `json:"dateTime"`
		Value    struct {
			RestingHeartRate float64 `json:"restingHeartRate"`
		} `json:"value"`
	} `json:"activities-heart"`
}

type spo2Day struct {
	DateTime string `json:"dateTime"`
	Value    struct {
		Avg float64 `json:"avg"`
	} `json:"value"`
}

type tempResp struct {
	TempSkin []struct {
		DateTime string `json:"dateTime"`
		Value    struct {
			NightlyRelative *float64 `json:"nightlyRelative"`
		} `json:"value"`
	} `json:"tempSkin"`
}

type weightResp struct {
	Weight []struct {
		Date   string  `json:"date"`
		Time   string  `json:"time"`
		Weight float64 `json:"weight"`
		Fat    float64 `json:"fat"`
		BMI    float64 `json:"bmi"`
	} `json:"weight"`
}

type stepsResp struct {
	Steps []struct {
		DateTime string `json:"dateTime"`
		Value    string `json:"value"` // a number in a string
	} `json:"activities-steps"`
}

func invalid(why string) error { return vendorhttp.InvalidData(provider.Fitbit, why, nil) }

func (u *user) location() *time.Location {
	if u.Timezone != "" {
		if l, err := time.LoadLocation(u.Timezone); err == nil {
			return l
		}
	}
	off := u.OffsetFromUTCMillis / 1000
	if off < -14*3600 || off > 14*3600 {
		off = 0
	}
	if u.Timezone != "" || off != 0 {
		return time.FixedZone(u.Timezone, int(off))
	}
	return time.UTC
}

func mapAthlete(u user) (fitness.Athlete, error) {
	if u.EncodedID == "" {
		return fitness.Athlete{}, invalid("profile without encodedId")
	}
	a := fitness.Athlete{
		ID:              u.EncodedID,
		Provider:        provider.Fitbit,
		Username:        u.DisplayName,
		FirstName:       u.FirstName,
		LastName:        u.LastName,
		WeightKg:        vendorhttp.Opt(u.Weight),
		HeightCm:        vendorhttp.Opt(u.Height),
		City:            u.City,
		Country:         u.Country,
		ProfileImageURL: u.Avatar640,
	}
	switch u.Gender {
	case "MALE":
		a.Sex = fitness.SexMale
	case "FEMALE":
		a.Sex = fitness.SexFemale
	}
	if _, err := time.Parse(time.DateOnly, u.DateOfBirth); err == nil {
		a.BirthDate = u.DateOfBirth
	}
	if t, err := time.Parse(time.DateOnly, u.MemberSince); err == nil {
		a.CreatedAt = &t
	}
	return a, nil
}

var sportNames = map[string]fitness.Sport{
	"run":                  fitness.SportRun,
	"running":              fitness.SportRun,
	"treadmill":            fitness.SportVirtualRun,
	"walk":                 fitness.SportWalk,
	"walking":              fitness.SportWalk,
	"hike":                 fitness.SportHike,
	"hiking":               fitness.SportHike,
	"bike":                 fitness.SportRide,
	"outdoor bike":         fitness.SportRide,
	"bicycling":            fitness.SportRide,
	"biking":               fitness.SportRide,
	"mountain biking":      fitness.SportMountainBike,
	"spinning":             fitness.SportVirtualRide,
	"stationary bike":      fitness.SportVirtualRide,
	"swim":                 fitness.SportSwim,
	"swimming":             fitness.SportSwim,
	"rowing machine":       fitness.SportRowing,
	"rowing":               fitness.SportRowing,
	"weights":              fitness.SportStrength,
	"weight lifting":       fitness.SportStrength,
	"yoga":                 fitness.SportYoga,
	"pilates":              fitness.SportYoga,
	"elliptical":           fitness.SportWorkout,
	"workout":              fitness.SportWorkout,
	"aerobic workout":      fitness.SportWorkout,
	"interval workout":     fitness.SportWorkout,
	"hiit":                 fitness.SportWorkout,
	"circuit training":     fitness.SportWorkout,
	"cross country skiing": fitness.SportNordicSki,
	"skiing":               fitness.SportAlpineSki,
	"snowboarding":         fitness.SportAlpineSki,
}

// sportIDs maps well-known Fitbit activityTypeId values.
var sportIDs = map[int64]fitness.Sport{
	90009: fitness.SportRun,
	90019: fitness.SportVirtualRun,
	90013: fitness.SportWalk,
	90012: fitness.SportHike,
	90001: fitness.SportRide,
	1071:  fitness.SportRide,
	90024: fitness.SportSwim,
	20047: fitness.SportWorkout,
	52001: fitness.SportYoga,
}

// MapSport maps a Fitbit activity name (or, failing that, type id).
func MapSport(name string, typeID int64) fitness.Sport {
	if s, ok := sportNames[strings.ToLower(strings.TrimSpace(name))]; ok {
		return s
	}
	if s, ok := sportIDs[typeID]; ok {
		return s
	}
	return fitness.SportOther
}

// parseTime reads Fitbit's "2019-01-03T12:08:23.000-08:00" (offset given)
// or a local "2019-01-03T12:08:23.000" interpreted in loc.
func parseTime(s string, loc *time.Location) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func distanceFactor(unit string) (dist, elev float64) {
	switch strings.ToLower(unit) {
	case "mile", "miles", "mi":
		return vendorhttp.MetersPerMile, vendorhttp.MetersPerFoot
	case "meter", "meters", "m":
		return 1, 1
	default: // "Kilometer" and absent: metric answers
		return vendorhttp.MetersPerKilometer, 1
	}
}

func mapActivity(a *activity) (fitness.Activity, error) {
	if a.LogID <= 0 {
		return fitness.Activity{}, invalid("activity without logId")
	}
	start, ok := parseTime(a.StartTime, time.UTC)
	if !ok {
		return fitness.Activity{}, invalid("activity with an unreadable startTime")
	}
	df, ef := distanceFactor(a.DistanceUnit)
	out := fitness.Activity{
		ID:                  strconv.FormatInt(a.LogID, 10),
		Provider:            provider.Fitbit,
		Name:                a.ActivityName,
		Sport:               MapSport(a.ActivityName, a.ActivityTypeID),
		SportDetail:         a.ActivityName,
		StartTime:           start,
		ElapsedSeconds:      vendorhttp.MillisToSeconds(a.Duration),
		MovingSeconds:       vendorhttp.MillisToSeconds(a.ActiveDuration),
		DistanceMeters:      nonNeg(a.Distance) * df,
		ElevationGainMeters: nonNeg(a.ElevationGain) * ef,
		AverageHeartRate:    vendorhttp.Opt(a.AverageHeartRate),
		Calories:            vendorhttp.Opt(a.Calories),
		Trainer:             strings.EqualFold(a.ActivityName, "treadmill") || strings.EqualFold(a.ActivityName, "spinning"),
		HasStreams:          a.TCXLink != "" && a.LogType != "manual",
	}
	if out.MovingSeconds == 0 {
		out.MovingSeconds = out.ElapsedSeconds
	}
	if out.DistanceMeters > 0 && out.MovingSeconds > 0 {
		out.AverageSpeed = fitness.Float(out.DistanceMeters / float64(out.MovingSeconds))
	}
	return out, nil
}

func nonNeg(v float64) float64 {
	if !vendorhttp.Finite(v) || v < 0 {
		return 0
	}
	return v
}

func minutes(m int) *int {
	if m < 0 {
		return nil
	}
	s := m * 60
	return &s
}

func mapSleeps(logs []sleepLog, loc *time.Location) ([]fitness.SleepSession, error) {
	out := make([]fitness.SleepSession, 0, len(logs))
	for i := range logs {
		l := &logs[i]
		start, ok1 := parseTime(l.StartTime, loc)
		end, ok2 := parseTime(l.EndTime, loc)
		if l.LogID <= 0 || !ok1 || !ok2 || end.Before(start) {
			return nil, invalid("sleep log without id, start or end")
		}
		s := fitness.SleepSession{
			ID:            strconv.FormatInt(l.LogID, 10),
			Provider:      provider.Fitbit,
			Date:          l.DateOfSleep,
			StartTime:     start,
			EndTime:       end,
			InBedSeconds:  max(l.TimeInBed, 0) * 60,
			AsleepSeconds: max(l.MinutesAsleep, 0) * 60,
			Nap:           !l.IsMainSleep,
		}
		if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
			s.Date = end.In(loc).Format(time.DateOnly)
		}
		if s.InBedSeconds == 0 {
			s.InBedSeconds = vendorhttp.MillisToSeconds(l.Duration)
		}
		sum := l.Levels.Summary
		if l.Type == "stages" {
			if v, ok := sum["deep"]; ok {
				s.DeepSeconds = minutes(v.Minutes)
			}
			if v, ok := sum["light"]; ok {
				s.LightSeconds = minutes(v.Minutes)
			}
			if v, ok := sum["rem"]; ok {
				s.REMSeconds = minutes(v.Minutes)
			}
			if v, ok := sum["wake"]; ok {
				s.AwakeSeconds = minutes(v.Minutes)
				s.Awakenings = fitness.Int(max(v.Count, 0))
			}
		} else {
			s.AwakeSeconds = minutes(l.MinutesAwake)
			if v, ok := sum["awake"]; ok {
				s.Awakenings = fitness.Int(max(v.Count, 0))
			}
		}
		if l.MinutesToFallAsleep >= 0 {
			s.OnsetLatencySeconds = minutes(l.MinutesToFallAsleep)
		}
		if l.Efficiency > 0 && l.Efficiency <= 100 {
			s.EfficiencyPercent = fitness.Float(l.Efficiency)
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartTime.After(out[j].StartTime) })
	return out, nil
}

func validDate(d string) bool {
	_, err := time.Parse(time.DateOnly, d)
	return err == nil
}

func mapRecovery(hrv *hrvResp, hr *heartResp, spo2 []spo2Day, temp *tempResp) []fitness.DailyRecovery {
	days := map[string]*fitness.DailyRecovery{}
	get := func(d string) *fitness.DailyRecovery {
		r := days[d]
		if r == nil {
			r = &fitness.DailyRecovery{Provider: provider.Fitbit, Date: d}
			days[d] = r
		}
		return r
	}
	for _, h := range hrv.HRV {
		if validDate(h.DateTime) && vendorhttp.Opt(h.Value.DailyRmssd) != nil {
			get(h.DateTime).HRVRMSSDMs = vendorhttp.Opt(h.Value.DailyRmssd)
		}
	}
	for _, d := range hr.Days {
		if validDate(d.DateTime) && vendorhttp.Opt(d.Value.RestingHeartRate) != nil {
			get(d.DateTime).RestingHeartRate = vendorhttp.Opt(d.Value.RestingHeartRate)
		}
	}
	for _, s := range spo2 {
		if validDate(s.DateTime) && s.Value.Avg > 0 && s.Value.Avg <= 100 {
			get(s.DateTime).SpO2Percent = fitness.Float(s.Value.Avg)
		}
	}
	for _, t := range temp.TempSkin {
		if validDate(t.DateTime) && t.Value.NightlyRelative != nil && vendorhttp.Finite(*t.Value.NightlyRelative) {
			get(t.DateTime).SkinTempDeviationC = vendorhttp.OptAny(t.Value.NightlyRelative)
		}
	}
	out := make([]fitness.DailyRecovery, 0, len(days))
	for _, r := range days {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date > out[j].Date })
	return out
}

func mapHealth(w *weightResp, st *stepsResp) ([]fitness.HealthMetrics, error) {
	days := map[string]*fitness.HealthMetrics{}
	get := func(d string) *fitness.HealthMetrics {
		r := days[d]
		if r == nil {
			r = &fitness.HealthMetrics{Provider: provider.Fitbit, Date: d}
			days[d] = r
		}
		return r
	}
	// Later logs of the same day win: sort by date and time.
	logs := w.Weight
	sort.SliceStable(logs, func(i, j int) bool { return logs[i].Date+logs[i].Time < logs[j].Date+logs[j].Time })
	for _, l := range logs {
		if !validDate(l.Date) {
			return nil, invalid("weight log with an unreadable date")
		}
		h := get(l.Date)
		if v := vendorhttp.Opt(l.Weight); v != nil {
			h.WeightKg = v
		}
		if l.Fat > 0 && l.Fat < 100 {
			h.BodyFatPercent = fitness.Float(l.Fat)
		}
		if v := vendorhttp.Opt(l.BMI); v != nil {
			h.BMIKgM2 = v
		}
	}
	for _, s := range st.Steps {
		if !validDate(s.DateTime) {
			return nil, invalid("steps with an unreadable date")
		}
		n, err := strconv.ParseFloat(s.Value, 64)
		if err != nil || !vendorhttp.Finite(n) || n < 0 || n > 1e7 {
			return nil, invalid("steps value is not a number")
		}
		if n > 0 {
			get(s.DateTime).Steps = fitness.Int(int(n))
		}
	}
	out := make([]fitness.HealthMetrics, 0, len(days))
	for _, h := range days {
		out = append(out, *h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date > out[j].Date })
	return out, nil
}
