package garmin

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// Garmin Health/Activity API JSON shapes (fields Pierre uses). Units are
// named in the field: seconds, meters, meters per second, beats per minute,
// kilocalories, grams; timestamps are Unix seconds with a separate local
// offset.

type userID struct {
	UserID string `json:"userId"`
}

type activitySummary struct {
	SummaryID          string   `json:"summaryId"`
	ActivityID         int64    `json:"activityId"`
	ActivityName       string   `json:"activityName"`
	ActivityType       string   `json:"activityType"`
	StartTimeInSeconds int64    `json:"startTimeInSeconds"`
	StartTimeOffset    int64    `json:"startTimeOffsetInSeconds"`
	DurationInSeconds  float64  `json:"durationInSeconds"`
	DistanceInMeters   float64  `json:"distanceInMeters"`
	TotalElevationGain float64  `json:"totalElevationGainInMeters"`
	AverageSpeed       float64  `json:"averageSpeedInMetersPerSecond"`
	MaxSpeed           float64  `json:"maxSpeedInMetersPerSecond"`
	AverageHeartRate   float64  `json:"averageHeartRateInBeatsPerMinute"`
	MaxHeartRate       float64  `json:"maxHeartRateInBeatsPerMinute"`
	AverageRunCadence  float64  `json:"averageRunCadenceInStepsPerMinute"`
	AverageBikeCadence float64  `json:"averageBikeCadenceInRoundsPerMinute"`
	AverageSwimCadence float64  `json:"averageSwimCadenceInStrokesPerMinute"`
	ActiveKilocalories float64  `json:"activeKilocalories"`
	StartingLatitude   *float64 `json:"startingLatitudeInDegree"`
	StartingLongitude  *float64 `json:"startingLongitudeInDegree"`
	DeviceName         string   `json:"deviceName"`
	Manual             bool     `json:"manual"`
}

type sample struct {
	StartTimeInSeconds int64    `json:"startTimeInSeconds"`
	Latitude           *float64 `json:"latitudeInDegree"`
	Longitude          *float64 `json:"longitudeInDegree"`
	Elevation          *float64 `json:"elevationInMeters"`
	AirTemperature     *float64 `json:"airTemperatureCelcius"`
	HeartRate          *float64 `json:"heartRate"`
	Speed              *float64 `json:"speedMetersPerSecond"`
	StepsPerMinute     *float64 `json:"stepsPerMinute"`
	TotalDistance      *float64 `json:"totalDistanceInMeters"`
	Power              *float64 `json:"powerInWatts"`
	BikeCadence        *float64 `json:"bikeCadenceInRPM"`
	SwimCadence        *float64 `json:"swimCadenceInStrokesPerMinute"`
}

type activityDetail struct {
	SummaryID  string          `json:"summaryId"`
	ActivityID int64           `json:"activityId"`
	Summary    activitySummary `json:"summary"`
	Samples    []sample        `json:"samples"`
}

type sleepSummary struct {
	SummaryID          string  `json:"summaryId"`
	CalendarDate       string  `json:"calendarDate"`
	StartTimeInSeconds int64   `json:"startTimeInSeconds"`
	StartTimeOffset    int64   `json:"startTimeOffsetInSeconds"`
	DurationInSeconds  float64 `json:"durationInSeconds"`
	Unmeasurable       float64 `json:"unmeasurableSleepInSeconds"`
	DeepSleepSeconds   float64 `json:"deepSleepDurationInSeconds"`
	LightSleepSeconds  float64 `json:"lightSleepDurationInSeconds"`
	REMSleepSeconds    float64 `json:"remSleepInSeconds"`
	AwakeSeconds       float64 `json:"awakeDurationInSeconds"`
	OverallSleepScore  *struct {
		Value float64 `json:"value"`
	} `json:"overallSleepScore"`
	SleepLevelsMap map[string][]struct {
		StartTimeInSeconds int64 `json:"startTimeInSeconds"`
		EndTimeInSeconds   int64 `json:"endTimeInSeconds"`
	} `json:"sleepLevelsMap"`
}

type daily struct {
	SummaryID          string  `json:"summaryId"`
	CalendarDate       string  `json:"calendarDate"`
	Steps              int     `json:"steps"`
	ActiveKilocalories float64 `json:"activeKilocalories"`
	BMRKilocalories    float64 `json:"bmrKilocalories"`
	RestingHeartRate   float64 `json:"restingHeartRateInBeatsPerMinute"`
	AverageStressLevel float64 `json:"averageStressLevel"`
}

type hrvSummary struct {
	SummaryID    string  `json:"summaryId"`
	CalendarDate string  `json:"calendarDate"`
	LastNightAvg float64 `json:"lastNightAvg"`
}

type bodyComp struct {
	SummaryID         string  `json:"summaryId"`
	MeasurementTime   int64   `json:"measurementTimeInSeconds"`
	MeasurementOffset int64   `json:"measurementTimeOffsetInSeconds"`
	MuscleMassGrams   float64 `json:"muscleMassInGrams"`
	BoneMassGrams     float64 `json:"boneMassInGrams"`
	BodyWaterPercent  float64 `json:"bodyWaterInPercent"`
	BodyFatPercent    float64 `json:"bodyFatInPercent"`
	BMI               float64 `json:"bodyMassIndex"`
	WeightGrams       float64 `json:"weightInGrams"`
}

type userMetrics struct {
	SummaryID    string   `json:"summaryId"`
	CalendarDate string   `json:"calendarDate"`
	VO2Max       *float64 `json:"vo2Max"`
}

func invalid(why string) error { return vendorhttp.InvalidData(provider.Garmin, why, nil) }

var sports = map[string]fitness.Sport{
	"RUNNING":                            fitness.SportRun,
	"STREET_RUNNING":                     fitness.SportRun,
	"TRACK_RUNNING":                      fitness.SportRun,
	"INDOOR_RUNNING":                     fitness.SportVirtualRun,
	"TREADMILL_RUNNING":                  fitness.SportVirtualRun,
	"VIRTUAL_RUN":                        fitness.SportVirtualRun,
	"TRAIL_RUNNING":                      fitness.SportTrailRun,
	"ULTRA_RUN":                          fitness.SportTrailRun,
	"CYCLING":                            fitness.SportRide,
	"ROAD_BIKING":                        fitness.SportRide,
	"CYCLOCROSS":                         fitness.SportGravelRide,
	"GRAVEL_CYCLING":                     fitness.SportGravelRide,
	"MOUNTAIN_BIKING":                    fitness.SportMountainBike,
	"INDOOR_CYCLING":                     fitness.SportVirtualRide,
	"VIRTUAL_RIDE":                       fitness.SportVirtualRide,
	"E_BIKE_FITNESS":                     fitness.SportEBikeRide,
	"E_BIKE_MOUNTAIN":                    fitness.SportEBikeRide,
	"LAP_SWIMMING":                       fitness.SportSwim,
	"OPEN_WATER_SWIMMING":                fitness.SportSwim,
	"SWIMMING":                           fitness.SportSwim,
	"WALKING":                            fitness.SportWalk,
	"CASUAL_WALKING":                     fitness.SportWalk,
	"SPEED_WALKING":                      fitness.SportWalk,
	"HIKING":                             fitness.SportHike,
	"ROWING":                             fitness.SportRowing,
	"INDOOR_ROWING":                      fitness.SportRowing,
	"CROSS_COUNTRY_SKIING_WS":            fitness.SportNordicSki,
	"SKATE_SKIING_WS":                    fitness.SportNordicSki,
	"BACKCOUNTRY_SKIING_SNOWBOARDING_WS": fitness.SportNordicSki,
	"RESORT_SKIING_SNOWBOARDING_WS":      fitness.SportAlpineSki,
	"STRENGTH_TRAINING":                  fitness.SportStrength,
	"YOGA":                               fitness.SportYoga,
	"PILATES":                            fitness.SportYoga,
	"CARDIO_TRAINING":                    fitness.SportWorkout,
	"HIIT":                               fitness.SportWorkout,
	"ELLIPTICAL":                         fitness.SportWorkout,
	"STAIR_CLIMBING":                     fitness.SportWorkout,
	"FITNESS_EQUIPMENT":                  fitness.SportWorkout,
}

// MapSport maps a Garmin activityType onto fitness.Sport.
func MapSport(t string) fitness.Sport {
	if s, ok := sports[strings.ToUpper(strings.TrimSpace(t))]; ok {
		return s
	}
	return fitness.SportOther
}

func nonNeg(v float64) float64 {
	if !vendorhttp.Finite(v) || v < 0 {
		return 0
	}
	return v
}

// ActivityID is Pierre's id for a Garmin activity: "<summaryId>@<start>".
func ActivityID(summaryID string, startTimeInSeconds int64) string {
	return summaryID + "@" + strconv.FormatInt(startTimeInSeconds, 10)
}

// normalize fills the detail's summary id from its own "<id>-detail".
func (d *activityDetail) normalize() {
	if d.Summary.SummaryID == "" {
		d.Summary.SummaryID = strings.TrimSuffix(d.SummaryID, "-detail")
	}
}

func mapActivity(a *activitySummary) (fitness.Activity, error) {
	if a.SummaryID == "" || strings.Contains(a.SummaryID, "@") {
		return fitness.Activity{}, invalid("activity without a usable summaryId")
	}
	if a.StartTimeInSeconds <= 0 {
		return fitness.Activity{}, invalid("activity without start time")
	}
	sport := MapSport(a.ActivityType)
	el := vendorhttp.Seconds(a.DurationInSeconds)
	name := a.ActivityName
	if name == "" {
		name = a.ActivityType
	}
	out := fitness.Activity{
		ID:                  ActivityID(a.SummaryID, a.StartTimeInSeconds),
		Provider:            provider.Garmin,
		Name:                name,
		Sport:               sport,
		SportDetail:         a.ActivityType,
		StartTime:           vendorhttp.Epoch(a.StartTimeInSeconds),
		ElapsedSeconds:      el,
		MovingSeconds:       el,
		DistanceMeters:      nonNeg(a.DistanceInMeters),
		ElevationGainMeters: nonNeg(a.TotalElevationGain),
		AverageSpeed:        vendorhttp.Opt(a.AverageSpeed),
		MaxSpeed:            vendorhttp.Opt(a.MaxSpeed),
		AverageHeartRate:    vendorhttp.Opt(a.AverageHeartRate),
		MaxHeartRate:        vendorhttp.Opt(a.MaxHeartRate),
		Calories:            vendorhttp.Opt(a.ActiveKilocalories),
		Trainer:             sport == fitness.SportVirtualRun || sport == fitness.SportVirtualRide,
		HasStreams:          !a.Manual,
	}
	switch sport.Family() {
	case fitness.SportRide:
		out.AverageCadence = vendorhttp.Opt(a.AverageBikeCadence)
	case fitness.SportSwim:
		out.AverageCadence = vendorhttp.Opt(a.AverageSwimCadence)
	default:
		out.AverageCadence = vendorhttp.Opt(a.AverageRunCadence)
	}
	if a.StartingLatitude != nil && a.StartingLongitude != nil &&
		vendorhttp.ValidLatLng(*a.StartingLatitude, *a.StartingLongitude) {
		lat, lng := *a.StartingLatitude, *a.StartingLongitude
		out.StartLatitude, out.StartLongitude = &lat, &lng
	}
	return out, nil
}

// mapSamples turns activity-detail samples into parallel arrays. Missing
// values carry the previous one forward (heart rate, power and cadence: 0).
func mapSamples(id string, d *activityDetail) (fitness.Streams, error) {
	out := fitness.Streams{ActivityID: id, Provider: provider.Garmin}
	n := len(d.Samples)
	if n == 0 {
		return out, nil
	}
	if n > 48*3600 {
		return fitness.Streams{}, invalid("too many samples")
	}
	start := d.Summary.StartTimeInSeconds
	if start <= 0 {
		start = d.Samples[0].StartTimeInSeconds
	}
	var hasHR, hasPow, hasCad, hasSpd, hasAlt, hasDist, hasPos, hasTemp bool
	for i := range d.Samples {
		s := &d.Samples[i]
		hasHR = hasHR || s.HeartRate != nil
		hasPow = hasPow || s.Power != nil
		hasCad = hasCad || s.BikeCadence != nil || s.StepsPerMinute != nil || s.SwimCadence != nil
		hasSpd = hasSpd || s.Speed != nil
		hasAlt = hasAlt || s.Elevation != nil
		hasDist = hasDist || s.TotalDistance != nil
		hasPos = hasPos || (s.Latitude != nil && s.Longitude != nil && vendorhttp.ValidLatLng(*s.Latitude, *s.Longitude))
		hasTemp = hasTemp || s.AirTemperature != nil
	}
	out.TimeSeconds = make([]int32, n)
	i16 := func(has bool) []int16 {
		if has {
			return make([]int16, n)
		}
		return nil
	}
	f32 := func(has bool) []float32 {
		if has {
			return make([]float32, n)
		}
		return nil
	}
	out.HeartRate, out.PowerWatts, out.Cadence = i16(hasHR), i16(hasPow), i16(hasCad)
	out.SpeedMPS, out.AltitudeMeters, out.DistanceMeters, out.TemperatureCelsius = f32(hasSpd), f32(hasAlt), f32(hasDist), f32(hasTemp)
	if hasPos {
		out.LatLng = make([][2]float64, n)
	}
	var prev int64 = -1
	var spd, alt, dist, temp float32
	var pos [2]float64
	posSeen := false
	for i := range d.Samples {
		s := &d.Samples[i]
		off := s.StartTimeInSeconds - start
		if off < 0 || off > 1e9 || off < prev {
			return fitness.Streams{}, invalid("samples out of order")
		}
		out.TimeSeconds[i], prev = int32(off), off
		if s.HeartRate != nil {
			out.HeartRate[i] = vendorhttp.Clamp16(*s.HeartRate)
		}
		if s.Power != nil {
			out.PowerWatts[i] = vendorhttp.Clamp16(*s.Power)
		}
		switch {
		case s.BikeCadence != nil:
			out.Cadence[i] = vendorhttp.Clamp16(*s.BikeCadence)
		case s.StepsPerMinute != nil:
			out.Cadence[i] = vendorhttp.Clamp16(*s.StepsPerMinute)
		case s.SwimCadence != nil:
			out.Cadence[i] = vendorhttp.Clamp16(*s.SwimCadence)
		}
		carry := func(dst []float32, src *float64, last *float32) {
			if dst == nil {
				return
			}
			if src != nil {
				*last = vendorhttp.F32(*src)
			}
			dst[i] = *last
		}
		carry(out.SpeedMPS, s.Speed, &spd)
		carry(out.AltitudeMeters, s.Elevation, &alt)
		carry(out.DistanceMeters, s.TotalDistance, &dist)
		carry(out.TemperatureCelsius, s.AirTemperature, &temp)
		if hasPos {
			if s.Latitude != nil && s.Longitude != nil && vendorhttp.ValidLatLng(*s.Latitude, *s.Longitude) {
				pos = [2]float64{*s.Latitude, *s.Longitude}
				if !posSeen {
					for j := 0; j < i; j++ {
						out.LatLng[j] = pos
					}
					posSeen = true
				}
			}
			out.LatLng[i] = pos
		}
	}
	return out, nil
}

func localDate(epoch, offset int64) string {
	if offset < -14*3600 || offset > 14*3600 {
		offset = 0
	}
	return time.Unix(epoch+offset, 0).UTC().Format(time.DateOnly)
}

func validDate(d string) bool {
	_, err := time.Parse(time.DateOnly, d)
	return err == nil
}

func mapSleeps(raw []sleepSummary) ([]fitness.SleepSession, error) {
	out := make([]fitness.SleepSession, 0, len(raw))
	seen := map[string]bool{}
	for i := range raw {
		s := &raw[i]
		if s.SummaryID == "" || s.StartTimeInSeconds <= 0 || !vendorhttp.Finite(s.DurationInSeconds) || s.DurationInSeconds < 0 {
			return nil, invalid("sleep without id, start or duration")
		}
		if seen[s.SummaryID] {
			continue // updated summaries are sent again
		}
		seen[s.SummaryID] = true
		start := vendorhttp.Epoch(s.StartTimeInSeconds)
		dur := vendorhttp.Seconds(s.DurationInSeconds)
		deep, light, rem, awake := vendorhttp.Seconds(s.DeepSleepSeconds), vendorhttp.Seconds(s.LightSleepSeconds),
			vendorhttp.Seconds(s.REMSleepSeconds), vendorhttp.Seconds(s.AwakeSeconds)
		ss := fitness.SleepSession{
			ID:            s.SummaryID,
			Provider:      provider.Garmin,
			Date:          s.CalendarDate,
			StartTime:     start,
			EndTime:       start.Add(time.Duration(dur) * time.Second),
			InBedSeconds:  dur,
			AsleepSeconds: deep + light + rem,
			DeepSeconds:   &deep,
			LightSeconds:  &light,
			REMSeconds:    &rem,
			AwakeSeconds:  &awake,
		}
		if !validDate(ss.Date) {
			ss.Date = localDate(s.StartTimeInSeconds+int64(dur), s.StartTimeOffset)
		}
		if aw := s.SleepLevelsMap["awake"]; aw != nil {
			ss.Awakenings = fitness.Int(len(aw))
		}
		if s.OverallSleepScore != nil && s.OverallSleepScore.Value >= 0 && s.OverallSleepScore.Value <= 100 {
			ss.VendorScore = fitness.Float(s.OverallSleepScore.Value)
		}
		if dur > 0 {
			ss.EfficiencyPercent = fitness.Float(float64(ss.AsleepSeconds) / float64(dur) * 100)
		}
		out = append(out, ss)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartTime.After(out[j].StartTime) })
	return out, nil
}

func mapRecovery(dailies []daily, hrv []hrvSummary) []fitness.DailyRecovery {
	days := map[string]*fitness.DailyRecovery{}
	get := func(d string) *fitness.DailyRecovery {
		r := days[d]
		if r == nil {
			r = &fitness.DailyRecovery{Provider: provider.Garmin, Date: d}
			days[d] = r
		}
		return r
	}
	for _, d := range dailies {
		if !validDate(d.CalendarDate) {
			continue
		}
		if v := vendorhttp.Opt(d.RestingHeartRate); v != nil {
			get(d.CalendarDate).RestingHeartRate = v
		}
		// Garmin stress is 0–100; -1/-2 mean "not enough data".
		if d.AverageStressLevel >= 0 && d.AverageStressLevel <= 100 && vendorhttp.Finite(d.AverageStressLevel) && d.AverageStressLevel > 0 {
			get(d.CalendarDate).StrainScore = fitness.Float(d.AverageStressLevel)
		}
	}
	for _, h := range hrv {
		if validDate(h.CalendarDate) && vendorhttp.Opt(h.LastNightAvg) != nil {
			get(h.CalendarDate).HRVRMSSDMs = vendorhttp.Opt(h.LastNightAvg)
		}
	}
	out := make([]fitness.DailyRecovery, 0, len(days))
	for _, r := range days {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date > out[j].Date })
	return out
}

func mapHealth(dailies []daily, bodies []bodyComp, metrics []userMetrics) []fitness.HealthMetrics {
	days := map[string]*fitness.HealthMetrics{}
	get := func(d string) *fitness.HealthMetrics {
		r := days[d]
		if r == nil {
			r = &fitness.HealthMetrics{Provider: provider.Garmin, Date: d}
			days[d] = r
		}
		return r
	}
	for _, d := range dailies {
		if !validDate(d.CalendarDate) {
			continue
		}
		if d.Steps > 0 {
			get(d.CalendarDate).Steps = fitness.Int(d.Steps)
		}
		if v := vendorhttp.Opt(d.ActiveKilocalories); v != nil {
			get(d.CalendarDate).ActiveEnergyKcal = v
		}
		if v := vendorhttp.Opt(d.BMRKilocalories); v != nil {
			get(d.CalendarDate).RestingEnergyKcal = v
		}
	}
	sort.SliceStable(bodies, func(i, j int) bool { return bodies[i].MeasurementTime < bodies[j].MeasurementTime })
	for _, b := range bodies {
		if b.MeasurementTime <= 0 {
			continue
		}
		h := get(localDate(b.MeasurementTime, b.MeasurementOffset))
		if b.WeightGrams > 0 && vendorhttp.Finite(b.WeightGrams) {
			h.WeightKg = fitness.Float(b.WeightGrams / 1000)
		}
		if b.MuscleMassGrams > 0 && vendorhttp.Finite(b.MuscleMassGrams) {
			h.MuscleMassKg = fitness.Float(b.MuscleMassGrams / 1000)
		}
		if b.BoneMassGrams > 0 && vendorhttp.Finite(b.BoneMassGrams) {
			h.BoneMassKg = fitness.Float(b.BoneMassGrams / 1000)
		}
		if b.BodyFatPercent > 0 && b.BodyFatPercent < 100 {
			h.BodyFatPercent = fitness.Float(b.BodyFatPercent)
		}
		if b.BodyWaterPercent > 0 && b.BodyWaterPercent < 100 {
			h.BodyWaterPercent = fitness.Float(b.BodyWaterPercent)
		}
		if v := vendorhttp.Opt(b.BMI); v != nil {
			h.BMIKgM2 = v
		}
	}
	for _, m := range metrics {
		if validDate(m.CalendarDate) && m.VO2Max != nil && vendorhttp.Opt(*m.VO2Max) != nil {
			get(m.CalendarDate).VO2MaxMlKgMin = vendorhttp.Opt(*m.VO2Max)
		}
	}
	out := make([]fitness.HealthMetrics, 0, len(days))
	for _, h := range days {
		out = append(out, *h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date > out[j].Date })
	return out
}

// Push is a Garmin push (webhook) notification body: each key holds a list
// of summaries of the same shape the pull endpoints return.
type Push struct {
	Activities      []fitness.Activity
	ActivityStreams []fitness.Streams
	Sleeps          []fitness.SleepSession
	Recovery        []fitness.DailyRecovery
	Health          []fitness.HealthMetrics
}

type pushBody struct {
	Activities      []activitySummary `json:"activities"`
	ActivityDetails []activityDetail  `json:"activityDetails"`
	Sleeps          []sleepSummary    `json:"sleeps"`
	Dailies         []daily           `json:"dailies"`
	HRV             []hrvSummary      `json:"hrv"`
	BodyComps       []bodyComp        `json:"bodyComps"`
	UserMetrics     []userMetrics     `json:"userMetrics"`
}

// ParsePush maps a push notification body with the pull mapping functions.
// Nothing is returned when any part is malformed.
func ParsePush(data []byte) (Push, error) {
	b, err := vendorhttp.Decode[pushBody](provider.Garmin, data)
	if err != nil {
		return Push{}, err
	}
	var p Push
	for i := range b.Activities {
		a, err := mapActivity(&b.Activities[i])
		if err != nil {
			return Push{}, err
		}
		p.Activities = append(p.Activities, a)
	}
	for i := range b.ActivityDetails {
		d := &b.ActivityDetails[i]
		d.normalize()
		a, err := mapActivity(&d.Summary)
		if err != nil {
			return Push{}, err
		}
		s, err := mapSamples(a.ID, d)
		if err != nil {
			return Push{}, err
		}
		p.Activities = append(p.Activities, a)
		p.ActivityStreams = append(p.ActivityStreams, s)
	}
	if p.Sleeps, err = mapSleeps(b.Sleeps); err != nil {
		return Push{}, err
	}
	p.Recovery = mapRecovery(b.Dailies, b.HRV)
	p.Health = mapHealth(b.Dailies, b.BodyComps, b.UserMetrics)
	return p, nil
}
