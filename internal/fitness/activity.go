// Package fitness is Pierre's common model of an athlete's training data.
//
// Every provider (Strava, Garmin, Fitbit, WHOOP, COROS, Terra, synthetic) maps
// its vendor payloads into these types, and every tool reads only these types.
// Units are SI and named in the JSON field (distance_meters, duration_seconds);
// timestamps are UTC. Optional measurements are pointers so that "not recorded"
// is distinguishable from zero.
package fitness

import "time"

// Sport is a normalised sport type. Values are snake_case and stable: they
// appear in tool arguments and answers.
type Sport string

// Sports Pierre distinguishes. Vendors' finer types map onto these; anything
// unrecognised becomes SportOther (the vendor's name is kept in SportDetail).
const (
	SportRun          Sport = "run"
	SportTrailRun     Sport = "trail_run"
	SportVirtualRun   Sport = "virtual_run"
	SportRide         Sport = "ride"
	SportVirtualRide  Sport = "virtual_ride"
	SportMountainBike Sport = "mountain_bike"
	SportGravelRide   Sport = "gravel_ride"
	SportEBikeRide    Sport = "ebike_ride"
	SportSwim         Sport = "swim"
	SportWalk         Sport = "walk"
	SportHike         Sport = "hike"
	SportRowing       Sport = "rowing"
	SportNordicSki    Sport = "nordic_ski"
	SportAlpineSki    Sport = "alpine_ski"
	SportStrength     Sport = "strength_training"
	SportYoga         Sport = "yoga"
	SportWorkout      Sport = "workout"
	SportOther        Sport = "other"
)

// Family groups sports that share physiology for analysis purposes
// ("run", "ride", "swim", or "other").
func (s Sport) Family() Sport {
	switch s {
	case SportRun, SportTrailRun, SportVirtualRun:
		return SportRun
	case SportRide, SportVirtualRide, SportMountainBike, SportGravelRide, SportEBikeRide:
		return SportRide
	case SportSwim:
		return SportSwim
	default:
		return SportOther
	}
}

// Activity is one recorded workout.
type Activity struct {
	ID       string `json:"id"`       // provider's id, unique per provider and user
	Provider string `json:"provider"` // provider the data came from, e.g. "strava"
	Name     string `json:"name"`
	Sport    Sport  `json:"sport_type"`
	// SportDetail is the vendor's own finer type when it differs from Sport
	// (e.g. Strava "TrailRun", Garmin "lap_swimming").
	SportDetail string    `json:"sport_detail,omitempty"`
	StartTime   time.Time `json:"start_date"` // UTC
	// Timezone is the IANA zone the activity was recorded in, when known.
	Timezone string `json:"timezone,omitempty"`

	ElapsedSeconds      int      `json:"duration_seconds"`      // wall-clock duration
	MovingSeconds       int      `json:"moving_time_seconds"`   // excludes pauses; equals ElapsedSeconds when unknown
	DistanceMeters      float64  `json:"distance_meters"`       // 0 for stationary sports
	ElevationGainMeters float64  `json:"elevation_gain_meters"` // total ascent
	AverageSpeed        *float64 `json:"average_speed_mps,omitempty"`
	MaxSpeed            *float64 `json:"max_speed_mps,omitempty"`
	AverageHeartRate    *float64 `json:"average_heart_rate,omitempty"` // beats per minute
	MaxHeartRate        *float64 `json:"max_heart_rate,omitempty"`     // beats per minute
	AveragePower        *float64 `json:"average_power_watts,omitempty"`
	MaxPower            *float64 `json:"max_power_watts,omitempty"`
	// NormalizedPower is the vendor's own NP when it reports one; Pierre
	// computes its own from the power stream when one exists.
	NormalizedPower *float64 `json:"normalized_power_watts,omitempty"`
	AverageCadence  *float64 `json:"average_cadence,omitempty"` // rpm (ride) or steps per minute (run)
	Calories        *float64 `json:"calories_kcal,omitempty"`
	EnergyKilojoule *float64 `json:"work_kilojoules,omitempty"` // mechanical work (power meters)
	// TrainingLoad is the vendor's own load score (Strava suffer score,
	// Garmin training load, WHOOP strain), when reported. Not comparable
	// across vendors; Pierre's own TSS/TRIMP are computed from streams.
	TrainingLoad   *float64 `json:"vendor_training_load,omitempty"`
	Trainer        bool     `json:"trainer,omitempty"` // indoor trainer or treadmill
	Race           bool     `json:"race,omitempty"`
	StartLatitude  *float64 `json:"start_latitude,omitempty"`
	StartLongitude *float64 `json:"start_longitude,omitempty"`
	// HasStreams says that second-by-second samples can be fetched with
	// the activity's id.
	HasStreams bool `json:"has_streams"`
}

// MovingOrElapsed returns the moving time when known, else the elapsed time.
func (a *Activity) MovingOrElapsed() int {
	if a.MovingSeconds > 0 {
		return a.MovingSeconds
	}
	return a.ElapsedSeconds
}

// Streams holds an activity's samples as parallel arrays indexed like
// TimeSeconds. A nil slice means the channel was not recorded; recorded
// channels have the same length as TimeSeconds.
type Streams struct {
	ActivityID         string       `json:"activity_id"`
	Provider           string       `json:"provider"`
	TimeSeconds        []int32      `json:"time_seconds"`         // offset from StartTime
	HeartRate          []int16      `json:"heart_rate,omitempty"` // bpm; 0 = dropout
	PowerWatts         []int16      `json:"power_watts,omitempty"`
	Cadence            []int16      `json:"cadence,omitempty"`
	SpeedMPS           []float32    `json:"speed_mps,omitempty"`
	AltitudeMeters     []float32    `json:"altitude_meters,omitempty"`
	DistanceMeters     []float32    `json:"distance_meters,omitempty"` // cumulative
	LatLng             [][2]float64 `json:"latlng,omitempty"`          // degrees
	TemperatureCelsius []float32    `json:"temperature_celsius,omitempty"`
}

// Len is the number of samples.
func (s *Streams) Len() int { return len(s.TimeSeconds) }
