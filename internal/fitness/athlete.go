package fitness

import "time"

// Sex as reported by the provider; used only by formulas that depend on it
// (Gulati max HR, Mifflin-St Jeor BMR).
type Sex string

// Values of Sex.
const (
	SexMale    Sex = "male"
	SexFemale  Sex = "female"
	SexUnknown Sex = ""
)

// Athlete is the profile a provider holds for the user.
type Athlete struct {
	ID        string `json:"id"`
	Provider  string `json:"provider"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Sex       Sex    `json:"sex,omitempty"`
	// BirthDate is a calendar date (YYYY-MM-DD) when the provider shares it.
	BirthDate        string     `json:"birth_date,omitempty"`
	WeightKg         *float64   `json:"weight_kg,omitempty"`
	HeightCm         *float64   `json:"height_cm,omitempty"`
	FTPWatts         *float64   `json:"ftp_watts,omitempty"`
	MaxHeartRate     *float64   `json:"max_heart_rate,omitempty"`
	RestingHeartRate *float64   `json:"resting_heart_rate,omitempty"`
	City             string     `json:"city,omitempty"`
	Country          string     `json:"country,omitempty"`
	ProfileImageURL  string     `json:"profile_image_url,omitempty"`
	CreatedAt        *time.Time `json:"created_at,omitempty"`
}

// Age in whole years on the given day, or 0 when the birth date is unknown
// or unparseable.
func (a *Athlete) Age(on time.Time) int {
	if a.BirthDate == "" {
		return 0
	}
	b, err := time.Parse(time.DateOnly, a.BirthDate)
	if err != nil {
		return 0
	}
	years := on.Year() - b.Year()
	if on.YearDay() < b.YearDay() {
		years--
	}
	return years
}

// Totals aggregates a set of activities.
type Totals struct {
	Count               int     `json:"count"`
	DistanceMeters      float64 `json:"distance_meters"`
	MovingSeconds       int64   `json:"moving_time_seconds"`
	ElapsedSeconds      int64   `json:"elapsed_time_seconds"`
	ElevationGainMeters float64 `json:"elevation_gain_meters"`
}

// Add folds one activity into the totals.
func (t *Totals) Add(a *Activity) {
	t.Count++
	t.DistanceMeters += a.DistanceMeters
	t.MovingSeconds += int64(a.MovingOrElapsed())
	t.ElapsedSeconds += int64(a.ElapsedSeconds)
	t.ElevationGainMeters += a.ElevationGainMeters
}

// Stats are aggregate totals per sport family over standard windows.
type Stats struct {
	Provider string `json:"provider"`
	// AsOf is the instant the windows are measured back from.
	AsOf time.Time `json:"as_of"`
	// Recent is the last 28 days, YearToDate since 1 January (UTC), AllTime
	// everything the provider holds.
	Recent     map[Sport]Totals `json:"recent_4_weeks"`
	YearToDate map[Sport]Totals `json:"year_to_date"`
	AllTime    map[Sport]Totals `json:"all_time"`
}

// StatsFromActivities computes Stats from a complete activity history. Keys
// are sport families plus "all".
func StatsFromActivities(provider string, asOf time.Time, acts []Activity) Stats {
	s := Stats{
		Provider:   provider,
		AsOf:       asOf.UTC(),
		Recent:     map[Sport]Totals{},
		YearToDate: map[Sport]Totals{},
		AllTime:    map[Sport]Totals{},
	}
	recentFrom := asOf.AddDate(0, 0, -28)
	yearFrom := time.Date(asOf.UTC().Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	add := func(m map[Sport]Totals, a *Activity) {
		for _, k := range [2]Sport{a.Sport.Family(), "all"} {
			t := m[k]
			t.Add(a)
			m[k] = t
		}
	}
	for i := range acts {
		a := &acts[i]
		if a.StartTime.After(asOf) {
			continue
		}
		add(s.AllTime, a)
		if !a.StartTime.Before(yearFrom) {
			add(s.YearToDate, a)
		}
		if !a.StartTime.Before(recentFrom) {
			add(s.Recent, a)
		}
	}
	return s
}
