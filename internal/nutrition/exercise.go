package nutrition

import (
	"fmt"
	"sort"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// CyclingGrossEfficiency is the share of metabolic energy a cyclist turns
// into mechanical work at the pedals. Trained cyclists sit around 20–25 %
// (Coyle et al. 1992; Ettema & Lorås 2009); 24 % is the figure behind the
// familiar rule "kJ of work ≈ kcal burned", since 1 kcal = 4.184 kJ and
// 1/(0.24 × 4.184) ≈ 0.996.
const CyclingGrossEfficiency = 0.24

// Session is one training session, in whatever detail the caller has. Only
// Sport and DurationSeconds are required; the more precise inputs are used
// when present (see [ExerciseEnergy]).
type Session struct {
	Sport           fitness.Sport `json:"sport"`
	DurationSeconds float64       `json:"duration_seconds"`
	DistanceMeters  float64       `json:"distance_meters,omitempty"`
	// AverageHeartRate in bpm, used with Keytel's equations.
	AverageHeartRate float64 `json:"average_heart_rate,omitempty"`
	// AveragePowerWatts or WorkKilojoules (mechanical work) for cycling.
	AveragePowerWatts float64 `json:"average_power_watts,omitempty"`
	WorkKilojoules    float64 `json:"work_kilojoules,omitempty"`
	// MET overrides the Compendium value for the sport.
	MET float64 `json:"met,omitempty"`
}

// Energy methods reported in [SessionEnergy].Method.
const (
	MethodWork      = "mechanical_work"   // cycling power/kJ ÷ gross efficiency
	MethodHeartRate = "heart_rate_keytel" // Keytel et al. 2005
	MethodMET       = "met_compendium"    // Compendium of Physical Activities
	MethodMETGiven  = "met_given"         // caller's MET
	MethodMETSpeed  = "met_compendium_speed"
)

// SessionEnergy is the estimated energy cost of one session.
type SessionEnergy struct {
	Sport           fitness.Sport `json:"sport"`
	DurationMinutes float64       `json:"duration_minutes"`
	// GrossKcal is the total energy spent during the session, including
	// what the body would have spent at rest.
	GrossKcal float64 `json:"gross_kcal"`
	// NetKcal is GrossKcal minus resting energy over the same time
	// (BMR/1440 per minute): the amount to add to a non-exercise TDEE.
	NetKcal float64 `json:"net_kcal"`
	Method  string  `json:"method"`
	MET     float64 `json:"met,omitempty"`
	Note    string  `json:"note,omitempty"`
}

// ExerciseSummary totals the sessions.
type ExerciseSummary struct {
	Sessions       []SessionEnergy `json:"sessions"`
	TotalGrossKcal float64         `json:"total_gross_kcal"`
	TotalNetKcal   float64         `json:"total_net_kcal"`
}

// ExerciseEnergy estimates the energy cost of sessions. Per session the
// most direct method available is used:
//
//  1. cycling with mechanical work (WorkKilojoules, or AveragePowerWatts ×
//     duration): kcal = kJ / (0.24 × 4.184), i.e. kJ ≈ kcal;
//  2. average heart rate 80–200 bpm: Keytel et al. 2005 (J Sports Sci
//     23:289), which uses sex, age and body mass:
//     men   kcal/min = (−55.0969 + 0.6309·HR + 0.1988·kg + 0.2017·age) / 4.184
//     women kcal/min = (−20.4022 + 0.4472·HR − 0.1263·kg + 0.074·age) / 4.184;
//  3. otherwise METs from the Compendium of Physical Activities (Ainsworth
//     et al. 2011): speed-based values for running and cycling when a
//     distance is given, else the sport's general value; kcal = MET × kg × h.
//
// Gross energy includes resting metabolism; NetKcal subtracts BMR for the
// session's duration and is what to add to a BMR × 1.2 (non-exercise) day
// when TDEE is built from logged sessions instead of an activity factor.
func ExerciseEnergy(p Person, sessions []Session) (ExerciseSummary, error) {
	bmr, err := BMR(p)
	if err != nil {
		return ExerciseSummary{}, err
	}
	out := ExerciseSummary{Sessions: make([]SessionEnergy, 0, len(sessions))}
	for i, s := range sessions {
		e, err := sessionEnergy(p, bmr, s)
		if err != nil {
			return ExerciseSummary{}, prefixField(err, fmt.Sprintf("sessions[%d]", i))
		}
		out.Sessions = append(out.Sessions, e)
		out.TotalGrossKcal += e.GrossKcal
		out.TotalNetKcal += e.NetKcal
	}
	out.TotalGrossKcal = round1(out.TotalGrossKcal)
	out.TotalNetKcal = round1(out.TotalNetKcal)
	return out, nil
}

func sessionEnergy(p Person, bmr float64, s Session) (SessionEnergy, error) {
	if !finite(s.DurationSeconds) || s.DurationSeconds <= 0 || s.DurationSeconds > 48*3600 {
		return SessionEnergy{}, inputErr("duration_seconds", "must be between 0 and 48 hours, got %v", s.DurationSeconds)
	}
	for name, v := range map[string]float64{
		"distance_meters": s.DistanceMeters, "average_heart_rate": s.AverageHeartRate,
		"average_power_watts": s.AveragePowerWatts, "work_kilojoules": s.WorkKilojoules, "met": s.MET,
	} {
		if !finite(v) || v < 0 {
			return SessionEnergy{}, inputErr(name, "must be a non-negative number, got %v", v)
		}
	}
	if s.MET > 25 {
		return SessionEnergy{}, inputErr("met", "must be at most 25, got %v", s.MET)
	}
	minutes := s.DurationSeconds / 60
	e := SessionEnergy{Sport: s.Sport, DurationMinutes: round1(minutes)}
	cycling := s.Sport.Family() == fitness.SportRide && s.Sport != fitness.SportEBikeRide
	work := s.WorkKilojoules
	if work == 0 && s.AveragePowerWatts > 0 {
		work = s.AveragePowerWatts * s.DurationSeconds / 1000
	}
	switch {
	case cycling && work > 0:
		e.GrossKcal = work / (CyclingGrossEfficiency * 4.184)
		e.Method = MethodWork
	case s.AverageHeartRate >= 80 && s.AverageHeartRate <= 200:
		var perMin float64
		age := float64(p.Age)
		if p.Sex == Male {
			perMin = (-55.0969 + 0.6309*s.AverageHeartRate + 0.1988*p.WeightKg + 0.2017*age) / 4.184
		} else {
			perMin = (-20.4022 + 0.4472*s.AverageHeartRate - 0.1263*p.WeightKg + 0.074*age) / 4.184
		}
		if perMin < 0 {
			perMin = 0
		}
		e.GrossKcal = perMin * minutes
		e.Method = MethodHeartRate
	default:
		met, method := s.MET, MethodMETGiven
		if met == 0 {
			met, method = CompendiumMET(s.Sport, s.DistanceMeters, s.DurationSeconds)
		}
		e.MET = met
		e.GrossKcal = met * p.WeightKg * minutes / 60
		e.Method = method
		if s.AverageHeartRate > 0 {
			e.Note = "average heart rate outside 80–200 bpm ignored"
		}
	}
	rest := bmr / 1440 * minutes
	e.NetKcal = round1(max(e.GrossKcal-rest, 0))
	e.GrossKcal = round1(e.GrossKcal)
	return e, nil
}

// metPoint is a (speed km/h, MET) point of a Compendium speed table.
type metPoint struct{ kmh, met float64 }

// Running, Compendium 2011 codes 12020–12190 (4 mph … 14 mph).
var runningMETs = []metPoint{
	{6.4, 6.0}, {8.0, 8.3}, {8.4, 9.0}, {9.7, 9.8}, {10.8, 10.5}, {11.3, 11.0},
	{12.1, 11.5}, {12.9, 11.8}, {13.8, 12.3}, {14.5, 12.8}, {16.1, 14.5},
	{17.7, 16.0}, {19.3, 19.0}, {20.9, 19.8}, {22.5, 23.0},
}

// Road cycling, Compendium 2011 codes 01010–01066 (<10 mph … >20 mph).
var cyclingMETs = []metPoint{
	{14.5, 4.0}, {17.7, 6.8}, {20.9, 8.0}, {24.1, 10.0}, {28.2, 12.0}, {32.2, 15.8},
}

// Walking, Compendium 2011 codes 17150–17231 (2 mph … 4.5 mph).
var walkingMETs = []metPoint{
	{3.2, 2.8}, {4.0, 3.0}, {4.8, 3.5}, {5.6, 4.3}, {6.4, 5.0}, {7.2, 7.0},
}

// General values, Compendium 2011 (code in brackets).
var generalMETs = map[fitness.Sport]float64{
	fitness.SportRun:          9.8, // 6 mph [12050]
	fitness.SportTrailRun:     9.0, // cross-country running [12140]
	fitness.SportVirtualRun:   9.8, // treadmill ≈ 6 mph [12050]
	fitness.SportRide:         8.0, // 12–13.9 mph moderate [01040]
	fitness.SportVirtualRide:  6.8, // stationary, 90–100 W [02013]
	fitness.SportMountainBike: 8.5, // general [01013]
	fitness.SportGravelRide:   8.0, // treated as road, moderate [01040]
	fitness.SportEBikeRide:    4.0, // assumption: leisure effort, as cycling <10 mph [01010]
	fitness.SportSwim:         5.8, // laps, freestyle, light/moderate [18310]
	fitness.SportWalk:         3.5, // 2.8–3.2 mph level [17190]
	fitness.SportHike:         6.0, // cross country [17080]
	fitness.SportRowing:       7.0, // stationary, moderate [15552]
	fitness.SportNordicSki:    9.0, // 4.0–4.9 mph moderate [19090]
	fitness.SportAlpineSki:    5.3, // downhill, moderate [19160]
	fitness.SportStrength:     5.0, // weight lifting, vigorous [02052]
	fitness.SportYoga:         2.5, // hatha [02150]
	fitness.SportWorkout:      8.0, // circuit training, vigorous [02040]
}

// DefaultMET is used for sports the table does not know: a generic
// moderate-intensity value (Compendium "calisthenics, moderate" 3.8 rounded
// up to the moderate/vigorous boundary 5.0 for sport).
const DefaultMET = 5.0

// CompendiumMET returns the MET value for a sport and, when a distance and
// duration give a speed, the speed-specific value for running, walking and
// road cycling (linear interpolation between the Compendium's speed rows,
// clamped to the table). The second result names the method.
func CompendiumMET(s fitness.Sport, distanceMeters, durationSeconds float64) (float64, string) {
	if distanceMeters > 0 && durationSeconds > 0 {
		kmh := distanceMeters / durationSeconds * 3.6
		switch {
		case s == fitness.SportRun || s == fitness.SportVirtualRun || s == fitness.SportTrailRun:
			return interpolateMET(runningMETs, kmh), MethodMETSpeed
		case s == fitness.SportWalk:
			return interpolateMET(walkingMETs, kmh), MethodMETSpeed
		case s == fitness.SportRide || s == fitness.SportGravelRide:
			return interpolateMET(cyclingMETs, kmh), MethodMETSpeed
		}
	}
	if m, ok := generalMETs[s]; ok {
		return m, MethodMET
	}
	return DefaultMET, MethodMET
}

func interpolateMET(t []metPoint, kmh float64) float64 {
	i := sort.Search(len(t), func(i int) bool { return t[i].kmh >= kmh })
	switch {
	case i == 0:
		return t[0].met
	case i == len(t):
		return t[len(t)-1].met
	}
	a, b := t[i-1], t[i]
	return round1(a.met + (b.met-a.met)*(kmh-a.kmh)/(b.kmh-a.kmh))
}
