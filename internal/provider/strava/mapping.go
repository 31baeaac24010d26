package strava

import (
	"strconv"
	"strings"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/provider/vendorhttp"
)

// Strava JSON shapes (only the fields Pierre uses). Units as Strava
// documents them: meters, seconds, meters per second, watts, kilojoules,
// beats per minute, kilograms.

type athlete struct {
	ID        int64      `json:"id"`
	Username  string     `json:"username"`
	FirstName string     `json:"firstname"`
	LastName  string     `json:"lastname"`
	City      string     `json:"city"`
	Country   string     `json:"country"`
	Sex       string     `json:"sex"` // "M", "F" or null
	Weight    float64    `json:"weight"`
	FTP       *float64   `json:"ftp"`
	Profile   string     `json:"profile"`
	CreatedAt *time.Time `json:"created_at"`
}

type activity struct {
	ID                   int64     `json:"id"`
	Name                 string    `json:"name"`
	Distance             float64   `json:"distance"`
	MovingTime           float64   `json:"moving_time"`
	ElapsedTime          float64   `json:"elapsed_time"`
	TotalElevationGain   float64   `json:"total_elevation_gain"`
	Type                 string    `json:"type"`
	SportType            string    `json:"sport_type"`
	WorkoutType          *int      `json:"workout_type"`
	StartDate            time.Time `json:"start_date"`
	Timezone             string    `json:"timezone"`
	StartLatLng          []float64 `json:"start_latlng"`
	AverageSpeed         float64   `json:"average_speed"`
	MaxSpeed             float64   `json:"max_speed"`
	AverageCadence       float64   `json:"average_cadence"`
	AverageWatts         float64   `json:"average_watts"`
	WeightedAverageWatts float64   `json:"weighted_average_watts"`
	MaxWatts             float64   `json:"max_watts"`
	Kilojoules           float64   `json:"kilojoules"`
	HasHeartrate         bool      `json:"has_heartrate"`
	AverageHeartrate     float64   `json:"average_heartrate"`
	MaxHeartrate         float64   `json:"max_heartrate"`
	Calories             float64   `json:"calories"`
	SufferScore          float64   `json:"suffer_score"`
	Trainer              bool      `json:"trainer"`
	Manual               bool      `json:"manual"`
}

type totals struct {
	Count         int     `json:"count"`
	Distance      float64 `json:"distance"`
	MovingTime    int64   `json:"moving_time"`
	ElapsedTime   int64   `json:"elapsed_time"`
	ElevationGain float64 `json:"elevation_gain"`
}

type stats struct {
	RecentRide totals `json:"recent_ride_totals"`
	RecentRun  totals `json:"recent_run_totals"`
	RecentSwim totals `json:"recent_swim_totals"`
	YTDRide    totals `json:"ytd_ride_totals"`
	YTDRun     totals `json:"ytd_run_totals"`
	YTDSwim    totals `json:"ytd_swim_totals"`
	AllRide    totals `json:"all_ride_totals"`
	AllRun     totals `json:"all_run_totals"`
	AllSwim    totals `json:"all_swim_totals"`
}

type lap struct {
	ID                 int64     `json:"id"`
	Name               string    `json:"name"`
	LapIndex           int       `json:"lap_index"`
	StartDate          time.Time `json:"start_date"`
	ElapsedTime        float64   `json:"elapsed_time"`
	MovingTime         float64   `json:"moving_time"`
	Distance           float64   `json:"distance"`
	TotalElevationGain float64   `json:"total_elevation_gain"`
	AverageSpeed       float64   `json:"average_speed"`
	MaxSpeed           float64   `json:"max_speed"`
	AverageHeartrate   float64   `json:"average_heartrate"`
	MaxHeartrate       float64   `json:"max_heartrate"`
	AverageCadence     float64   `json:"average_cadence"`
	AverageWatts       float64   `json:"average_watts"`
}

type zoneRange struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

type zones struct {
	HeartRate *struct {
		CustomZones bool        `json:"custom_zones"`
		Zones       []zoneRange `json:"zones"`
	} `json:"heart_rate"`
	Power *struct {
		Zones []zoneRange `json:"zones"`
	} `json:"power"`
}

type floatStream struct {
	Data []float64 `json:"data"`
}

type latlngStream struct {
	Data [][2]float64 `json:"data"`
}

// streamSet is the key_by_type=true answer of /activities/{id}/streams.
type streamSet struct {
	Time           *floatStream  `json:"time"`
	Heartrate      *floatStream  `json:"heartrate"`
	Watts          *floatStream  `json:"watts"`
	Cadence        *floatStream  `json:"cadence"`
	VelocitySmooth *floatStream  `json:"velocity_smooth"`
	Altitude       *floatStream  `json:"altitude"`
	Distance       *floatStream  `json:"distance"`
	LatLng         *latlngStream `json:"latlng"`
	Temp           *floatStream  `json:"temp"`
}

// Lap is one Strava lap in SI units.
type Lap struct {
	ID                  string    `json:"id"`
	Name                string    `json:"name"`
	Index               int       `json:"lap_index"`
	StartTime           time.Time `json:"start_date"`
	ElapsedSeconds      int       `json:"duration_seconds"`
	MovingSeconds       int       `json:"moving_time_seconds"`
	DistanceMeters      float64   `json:"distance_meters"`
	ElevationGainMeters float64   `json:"elevation_gain_meters"`
	AverageSpeed        *float64  `json:"average_speed_mps,omitempty"`
	MaxSpeed            *float64  `json:"max_speed_mps,omitempty"`
	AverageHeartRate    *float64  `json:"average_heart_rate,omitempty"`
	MaxHeartRate        *float64  `json:"max_heart_rate,omitempty"`
	AverageCadence      *float64  `json:"average_cadence,omitempty"`
	AveragePower        *float64  `json:"average_power_watts,omitempty"`
}

// Zone is one training zone; Max of -1 means open-ended.
type Zone struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// Zones are the athlete's configured zones (bpm and watts).
type Zones struct {
	HeartRateCustom bool   `json:"heart_rate_custom"`
	HeartRate       []Zone `json:"heart_rate,omitempty"`
	Power           []Zone `json:"power,omitempty"`
}

func invalid(why string) error { return vendorhttp.InvalidData(provider.Strava, why, nil) }

func mapAthlete(a athlete) (fitness.Athlete, error) {
	if a.ID <= 0 {
		return fitness.Athlete{}, invalid("athlete without id")
	}
	out := fitness.Athlete{
		ID:              strconv.FormatInt(a.ID, 10),
		Provider:        provider.Strava,
		Username:        a.Username,
		FirstName:       a.FirstName,
		LastName:        a.LastName,
		City:            a.City,
		Country:         a.Country,
		WeightKg:        vendorhttp.Opt(a.Weight),
		FTPWatts:        vendorhttp.OptPtr(a.FTP),
		ProfileImageURL: a.Profile,
	}
	switch a.Sex {
	case "M":
		out.Sex = fitness.SexMale
	case "F":
		out.Sex = fitness.SexFemale
	}
	if a.CreatedAt != nil && !a.CreatedAt.IsZero() {
		t := a.CreatedAt.UTC()
		out.CreatedAt = &t
	}
	return out, nil
}

// sportTypes maps Strava sport_type (or legacy type) onto fitness.Sport.
var sportTypes = map[string]fitness.Sport{
	"Run":                           fitness.SportRun,
	"TrailRun":                      fitness.SportTrailRun,
	"VirtualRun":                    fitness.SportVirtualRun,
	"Ride":                          fitness.SportRide,
	"VirtualRide":                   fitness.SportVirtualRide,
	"MountainBikeRide":              fitness.SportMountainBike,
	"EMountainBikeRide":             fitness.SportEBikeRide,
	"GravelRide":                    fitness.SportGravelRide,
	"EBikeRide":                     fitness.SportEBikeRide,
	"Handcycle":                     fitness.SportRide,
	"Velomobile":                    fitness.SportRide,
	"Swim":                          fitness.SportSwim,
	"Walk":                          fitness.SportWalk,
	"Hike":                          fitness.SportHike,
	"Rowing":                        fitness.SportRowing,
	"VirtualRow":                    fitness.SportRowing,
	"NordicSki":                     fitness.SportNordicSki,
	"BackcountrySki":                fitness.SportNordicSki,
	"RollerSki":                     fitness.SportNordicSki,
	"AlpineSki":                     fitness.SportAlpineSki,
	"Snowboard":                     fitness.SportAlpineSki,
	"WeightTraining":                fitness.SportStrength,
	"Crossfit":                      fitness.SportWorkout,
	"HighIntensityIntervalTraining": fitness.SportWorkout,
	"Elliptical":                    fitness.SportWorkout,
	"StairStepper":                  fitness.SportWorkout,
	"Workout":                       fitness.SportWorkout,
	"Pilates":                       fitness.SportYoga,
	"Yoga":                          fitness.SportYoga,
}

// MapSport maps a Strava sport_type onto fitness.Sport.
func MapSport(sportType string) fitness.Sport {
	if s, ok := sportTypes[sportType]; ok {
		return s
	}
	return fitness.SportOther
}

func mapActivity(a *activity) (fitness.Activity, error) {
	if a.ID <= 0 {
		return fitness.Activity{}, invalid("activity without id")
	}
	if a.StartDate.IsZero() {
		return fitness.Activity{}, invalid("activity without start time")
	}
	st := a.SportType
	if st == "" {
		st = a.Type
	}
	out := fitness.Activity{
		ID:                  strconv.FormatInt(a.ID, 10),
		Provider:            provider.Strava,
		Name:                a.Name,
		Sport:               MapSport(st),
		SportDetail:         st,
		StartTime:           a.StartDate.UTC(),
		Timezone:            ianaZone(a.Timezone),
		ElapsedSeconds:      vendorhttp.Seconds(a.ElapsedTime),
		MovingSeconds:       vendorhttp.Seconds(a.MovingTime),
		DistanceMeters:      nonNeg(a.Distance),
		ElevationGainMeters: nonNeg(a.TotalElevationGain),
		AverageSpeed:        vendorhttp.Opt(a.AverageSpeed),
		MaxSpeed:            vendorhttp.Opt(a.MaxSpeed),
		AveragePower:        vendorhttp.Opt(a.AverageWatts),
		MaxPower:            vendorhttp.Opt(a.MaxWatts),
		NormalizedPower:     vendorhttp.Opt(a.WeightedAverageWatts),
		AverageCadence:      vendorhttp.Opt(a.AverageCadence),
		Calories:            vendorhttp.Opt(a.Calories),
		EnergyKilojoule:     vendorhttp.Opt(a.Kilojoules),
		TrainingLoad:        vendorhttp.Opt(a.SufferScore),
		Trainer:             a.Trainer,
		HasStreams:          !a.Manual,
	}
	if out.MovingSeconds == 0 {
		out.MovingSeconds = out.ElapsedSeconds
	}
	if a.HasHeartrate || a.AverageHeartrate > 0 {
		out.AverageHeartRate = vendorhttp.Opt(a.AverageHeartrate)
		out.MaxHeartRate = vendorhttp.Opt(a.MaxHeartrate)
	}
	// workout_type: 1 = race (run), 11 = race (ride).
	if a.WorkoutType != nil && (*a.WorkoutType == 1 || *a.WorkoutType == 11) {
		out.Race = true
	}
	if len(a.StartLatLng) == 2 && vendorhttp.ValidLatLng(a.StartLatLng[0], a.StartLatLng[1]) {
		lat, lng := a.StartLatLng[0], a.StartLatLng[1]
		out.StartLatitude, out.StartLongitude = &lat, &lng
	}
	return out, nil
}

// ianaZone extracts "Europe/Paris" from Strava's "(GMT+01:00) Europe/Paris".
func ianaZone(s string) string {
	if i := strings.LastIndexByte(s, ' '); i >= 0 && strings.HasPrefix(s, "(") {
		return s[i+1:]
	}
	return s
}

func nonNeg(v float64) float64 {
	if !vendorhttp.Finite(v) || v < 0 {
		return 0
	}
	return v
}

// MapStreamsJSON decodes a key_by_type=true streams answer and maps it into
// parallel arrays. A channel whose length differs from the time channel
// makes the whole payload invalid; nothing is returned partially.
func MapStreamsJSON(activityID string, data []byte) (fitness.Streams, error) {
	set, err := decodeStreamSet(data)
	if err != nil {
		// Anything the fast decoder does not handle goes through
		// encoding/json, which also produces the error for bad input.
		if set, err = vendorhttp.Decode[streamSet](provider.Strava, data); err != nil {
			return fitness.Streams{}, err
		}
	}
	return mapStreams(activityID, &set)
}

func mapStreams(activityID string, s *streamSet) (fitness.Streams, error) {
	out := fitness.Streams{ActivityID: activityID, Provider: provider.Strava}
	if s.Time == nil {
		if s.Heartrate != nil || s.Watts != nil || s.Cadence != nil || s.VelocitySmooth != nil ||
			s.Altitude != nil || s.Distance != nil || s.LatLng != nil || s.Temp != nil {
			return fitness.Streams{}, invalid("streams without a time channel")
		}
		return out, nil
	}
	n := len(s.Time.Data)
	out.TimeSeconds = make([]int32, n)
	var prev int32 = -1
	for i, v := range s.Time.Data {
		if !vendorhttp.Finite(v) || v < 0 || v > 1e9 {
			return fitness.Streams{}, invalid("time stream value out of range")
		}
		t := int32(v)
		if t < prev {
			return fitness.Streams{}, invalid("time stream not increasing")
		}
		out.TimeSeconds[i], prev = t, t
	}
	var err error
	if out.HeartRate, err = ints(s.Heartrate, n, "heartrate"); err != nil {
		return fitness.Streams{}, err
	}
	if out.PowerWatts, err = ints(s.Watts, n, "watts"); err != nil {
		return fitness.Streams{}, err
	}
	if out.Cadence, err = ints(s.Cadence, n, "cadence"); err != nil {
		return fitness.Streams{}, err
	}
	if out.SpeedMPS, err = floats(s.VelocitySmooth, n, "velocity_smooth"); err != nil {
		return fitness.Streams{}, err
	}
	if out.AltitudeMeters, err = floats(s.Altitude, n, "altitude"); err != nil {
		return fitness.Streams{}, err
	}
	if out.DistanceMeters, err = floats(s.Distance, n, "distance"); err != nil {
		return fitness.Streams{}, err
	}
	if out.TemperatureCelsius, err = floats(s.Temp, n, "temp"); err != nil {
		return fitness.Streams{}, err
	}
	if s.LatLng != nil {
		if len(s.LatLng.Data) != n {
			return fitness.Streams{}, invalid("latlng stream length differs from time")
		}
		out.LatLng = s.LatLng.Data
	}
	return out, nil
}

func ints(s *floatStream, n int, name string) ([]int16, error) {
	if s == nil {
		return nil, nil
	}
	if len(s.Data) != n {
		return nil, invalid(name + " stream length differs from time")
	}
	out := make([]int16, n)
	for i, v := range s.Data {
		out[i] = vendorhttp.Clamp16(v)
	}
	return out, nil
}

func floats(s *floatStream, n int, name string) ([]float32, error) {
	if s == nil {
		return nil, nil
	}
	if len(s.Data) != n {
		return nil, invalid(name + " stream length differs from time")
	}
	out := make([]float32, n)
	for i, v := range s.Data {
		out[i] = vendorhttp.F32(v)
	}
	return out, nil
}

func addTotals(m map[fitness.Sport]fitness.Totals, sport fitness.Sport, t totals) {
	ft := fitness.Totals{
		Count:               t.Count,
		DistanceMeters:      nonNeg(t.Distance),
		MovingSeconds:       t.MovingTime,
		ElapsedSeconds:      t.ElapsedTime,
		ElevationGainMeters: nonNeg(t.ElevationGain),
	}
	m[sport] = ft
	all := m["all"]
	all.Count += ft.Count
	all.DistanceMeters += ft.DistanceMeters
	all.MovingSeconds += ft.MovingSeconds
	all.ElapsedSeconds += ft.ElapsedSeconds
	all.ElevationGainMeters += ft.ElevationGainMeters
	m["all"] = all
}

func mapStats(s *stats, now time.Time) fitness.Stats {
	out := fitness.Stats{
		Provider:   provider.Strava,
		AsOf:       now.UTC(),
		Recent:     map[fitness.Sport]fitness.Totals{},
		YearToDate: map[fitness.Sport]fitness.Totals{},
		AllTime:    map[fitness.Sport]fitness.Totals{},
	}
	addTotals(out.Recent, fitness.SportRide, s.RecentRide)
	addTotals(out.Recent, fitness.SportRun, s.RecentRun)
	addTotals(out.Recent, fitness.SportSwim, s.RecentSwim)
	addTotals(out.YearToDate, fitness.SportRide, s.YTDRide)
	addTotals(out.YearToDate, fitness.SportRun, s.YTDRun)
	addTotals(out.YearToDate, fitness.SportSwim, s.YTDSwim)
	addTotals(out.AllTime, fitness.SportRide, s.AllRide)
	addTotals(out.AllTime, fitness.SportRun, s.AllRun)
	addTotals(out.AllTime, fitness.SportSwim, s.AllSwim)
	return out
}

func mapLaps(raw []lap) ([]Lap, error) {
	out := make([]Lap, 0, len(raw))
	for _, l := range raw {
		if l.StartDate.IsZero() {
			return nil, invalid("lap without start time")
		}
		out = append(out, Lap{
			ID:                  strconv.FormatInt(l.ID, 10),
			Name:                l.Name,
			Index:               l.LapIndex,
			StartTime:           l.StartDate.UTC(),
			ElapsedSeconds:      vendorhttp.Seconds(l.ElapsedTime),
			MovingSeconds:       vendorhttp.Seconds(l.MovingTime),
			DistanceMeters:      nonNeg(l.Distance),
			ElevationGainMeters: nonNeg(l.TotalElevationGain),
			AverageSpeed:        vendorhttp.Opt(l.AverageSpeed),
			MaxSpeed:            vendorhttp.Opt(l.MaxSpeed),
			AverageHeartRate:    vendorhttp.Opt(l.AverageHeartrate),
			MaxHeartRate:        vendorhttp.Opt(l.MaxHeartrate),
			AverageCadence:      vendorhttp.Opt(l.AverageCadence),
			AveragePower:        vendorhttp.Opt(l.AverageWatts),
		})
	}
	return out, nil
}

func mapZones(z *zones) Zones {
	var out Zones
	conv := func(in []zoneRange) []Zone {
		if len(in) == 0 {
			return nil
		}
		zs := make([]Zone, len(in))
		for i, r := range in {
			zs[i] = Zone(r)
		}
		return zs
	}
	if z.HeartRate != nil {
		out.HeartRateCustom = z.HeartRate.CustomZones
		out.HeartRate = conv(z.HeartRate.Zones)
	}
	if z.Power != nil {
		out.Power = conv(z.Power.Zones)
	}
	return out
}
