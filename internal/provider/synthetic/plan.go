// Package synthetic is a provider that needs no account: it generates a
// believable athlete, deterministic from a seed, so every new user can try
// every tool at once, and tests have data with real signal in it.
//
// The default athlete is a triathlete training in 16-week macrocycles
// (base, build, peak, taper, race, recovery) with 1 Hz streams on most runs
// and rides, plus nightly sleep and morning HRV that respond to training
// load. History is generated day by day from (seed, date), so a given day's
// data never changes as time passes; only new days are added.
package synthetic

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
)

// Scenario selects the kind of athlete generated.
type Scenario string

// Scenarios. The default is a balanced triathlete; the others are shaped
// relative to the end date to exhibit one clear signal.
const (
	// Triathlete trains run, ride and swim in periodised macrocycles.
	Triathlete Scenario = "triathlete"
	// BeginnerRunnerImproving runs 3–4 times a week for the last 6 weeks
	// and gets steadily faster.
	BeginnerRunnerImproving Scenario = "beginner_runner_improving"
	// ExperiencedCyclistConsistent rides 5 days a week at a stable load.
	ExperiencedCyclistConsistent Scenario = "experienced_cyclist_consistent"
	// Overtraining ramps load sharply over the last three weeks while
	// sleep and HRV deteriorate.
	Overtraining Scenario = "overtraining"
	// InjuryRecovery stops for four weeks, then returns with short, easy
	// sessions.
	InjuryRecovery Scenario = "injury_recovery"
)

// Scenarios lists every scenario.
var Scenarios = []Scenario{Triathlete, BeginnerRunnerImproving, ExperiencedCyclistConsistent, Overtraining, InjuryRecovery}

// HistoryDays is how far back the generated history reaches.
const HistoryDays = 400

// workout is the plan of one session, from which both the summary and the
// streams are derived so the two always agree.
type workout struct {
	sport     fitness.Sport
	kind      string  // easy, long, tempo, intervals, recovery, race, strength
	minutes   float64 // moving time
	intensity float64 // intensity factor relative to threshold (power or pace)
	hour      int     // local start hour
	streams   bool
	race      bool
	name      string
}

// athleteProfile holds the slow-moving physiology of the generated athlete.
type athleteProfile struct {
	sex          fitness.Sex
	birthYear    int
	weightKg     float64
	heightCm     float64
	ftp          float64 // watts, at the start of history
	maxHR        float64
	restingHR    float64
	thresholdMPS float64 // run threshold speed, m/s
	swimMPS      float64 // swim threshold speed, m/s
	hrvBaseline  float64 // ms RMSSD
	homeLat      float64
	homeLng      float64
}

func newProfile(seed uint64) athleteProfile {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	p := athleteProfile{
		birthYear:    1978 + r.IntN(22),
		ftp:          220 + float64(r.IntN(80)),
		restingHR:    44 + float64(r.IntN(10)),
		thresholdMPS: 3.6 + r.Float64()*0.6, // 4:38–4:00 per km
		swimMPS:      1.05 + r.Float64()*0.25,
		hrvBaseline:  55 + r.Float64()*30,
		homeLat:      45.0 + r.Float64()*5, // somewhere in the Alps' foothills
		homeLng:      5.0 + r.Float64()*5,
	}
	if r.IntN(2) == 0 {
		p.sex, p.weightKg, p.heightCm = fitness.SexMale, 66+r.Float64()*14, 172+r.Float64()*14
	} else {
		p.sex, p.weightKg, p.heightCm = fitness.SexFemale, 54+r.Float64()*12, 160+r.Float64()*14
		p.ftp *= 0.82
	}
	age := 2026 - p.birthYear
	p.maxHR = math.Round(208 - 0.7*float64(age) + float64(r.IntN(7)-3))
	return p
}

// daySeed mixes the athlete seed with a calendar day, so each day's
// randomness is independent of the history's length.
func daySeed(seed uint64, day time.Time) uint64 {
	h := fnv.New64a()
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], seed)
	binary.LittleEndian.PutUint64(b[8:], uint64(day.Unix()/86400))
	h.Write(b[:])
	return h.Sum64()
}

// macrocycle phases of the triathlete, by week index within a 16-week cycle.
func triathletePhase(week int) (phase string, load float64) {
	switch w := week % 16; {
	case w < 4:
		return "base", []float64{0.75, 0.82, 0.88, 0.65}[w]
	case w < 8:
		return "build", []float64{0.9, 0.97, 1.04, 0.72}[w-4]
	case w < 12:
		return "build", []float64{1.0, 1.08, 1.15, 0.75}[w-8]
	case w < 14:
		return "peak", []float64{1.12, 0.85}[w-12]
	case w == 14:
		return "taper", 0.6
	default:
		return "recovery", 0.45
	}
}

// planDay returns the sessions of one day.
func planDay(sc Scenario, seed uint64, day, end time.Time) []workout {
	r := rand.New(rand.NewPCG(daySeed(seed, day), uint64(len(sc))))
	daysBeforeEnd := int(end.Sub(day).Hours() / 24)
	switch sc {
	case BeginnerRunnerImproving:
		return planBeginner(r, daysBeforeEnd)
	case ExperiencedCyclistConsistent:
		return planCyclist(r, day)
	case Overtraining:
		ws := planTriathlete(r, seed, day)
		if daysBeforeEnd < 21 {
			// Three weeks of no rest and escalating volume and intensity.
			ramp := 1.4 + 0.05*float64(21-daysBeforeEnd)
			if len(ws) == 0 {
				ws = []workout{{sport: fitness.SportRide, kind: "tempo", minutes: 75, intensity: 0.85, hour: 18, streams: true, name: "Extra tempo ride"}}
			}
			for i := range ws {
				ws[i].minutes = math.Min(ws[i].minutes*ramp, 300)
				ws[i].intensity = math.Min(ws[i].intensity+0.08, 1.0)
			}
			ws = append(ws, workout{sport: fitness.SportRun, kind: "tempo", minutes: 50, intensity: 0.88, hour: 6, streams: true, name: "Double-day tempo run"})
		}
		return ws
	case InjuryRecovery:
		switch {
		case daysBeforeEnd >= 42 || daysBeforeEnd < 0:
			return planTriathlete(r, seed, day)
		case daysBeforeEnd >= 14:
			return nil // four weeks off
		default:
			if day.Weekday()%2 == 1 {
				return []workout{{sport: fitness.SportRun, kind: "recovery", minutes: 20 + float64(14-daysBeforeEnd), intensity: 0.62, hour: 8, streams: true, name: "Easy comeback run"}}
			}
			return nil
		}
	default:
		return planTriathlete(r, seed, day)
	}
}

func planTriathlete(r *rand.Rand, seed uint64, day time.Time) []workout {
	week := int(day.Unix()/86400/7) + int(seed%16)
	phase, load := triathletePhase(week)
	jitter := func(m float64) float64 { return m * load * (0.9 + 0.2*r.Float64()) }
	var ws []workout
	switch day.Weekday() {
	case time.Monday:
		if r.Float64() < 0.6 {
			ws = append(ws, workout{sport: fitness.SportSwim, kind: "easy", minutes: jitter(45), intensity: 0.7, hour: 7, name: "Technique swim"})
		}
	case time.Tuesday:
		kind, inten, name := "intervals", 0.92, "Track intervals 6×800 m"
		if phase == "base" {
			kind, inten, name = "tempo", 0.84, "Tempo run"
		}
		ws = append(ws, workout{sport: fitness.SportRun, kind: kind, minutes: jitter(60), intensity: inten, hour: 18, streams: true, name: name})
	case time.Wednesday:
		ws = append(ws, workout{sport: fitness.SportRide, kind: "intervals", minutes: jitter(80), intensity: 0.86, hour: 18, streams: true, name: "Sweet-spot intervals"})
		if r.Float64() < 0.5 {
			ws = append(ws, workout{sport: fitness.SportStrength, kind: "strength", minutes: 40, intensity: 0.6, hour: 7, name: "Strength & core"})
		}
	case time.Thursday:
		ws = append(ws, workout{sport: fitness.SportSwim, kind: "intervals", minutes: jitter(55), intensity: 0.85, hour: 7, name: "CSS swim set"})
		ws = append(ws, workout{sport: fitness.SportRun, kind: "easy", minutes: jitter(45), intensity: 0.72, hour: 18, streams: r.Float64() < 0.8, name: "Easy run"})
	case time.Friday:
		if r.Float64() < 0.25 {
			ws = append(ws, workout{sport: fitness.SportRide, kind: "recovery", minutes: 45, intensity: 0.55, hour: 17, streams: true, name: "Recovery spin"})
		}
	case time.Saturday:
		ws = append(ws, workout{sport: fitness.SportRide, kind: "long", minutes: jitter(190), intensity: 0.72, hour: 8, streams: true, name: "Long endurance ride"})
	case time.Sunday:
		if phase == "taper" && week%16 == 14 {
			// The race closes the taper week.
			ws = append(ws, workout{sport: fitness.SportRun, kind: "race", minutes: 92 + 10*r.Float64(), intensity: 1.0, hour: 9, streams: true, race: true, name: "Half Marathon — race day"})
		} else {
			ws = append(ws, workout{sport: fitness.SportRun, kind: "long", minutes: jitter(105), intensity: 0.74, hour: 8, streams: true, name: "Long run"})
		}
	}
	// Occasionally life gets in the way.
	if r.Float64() < 0.06 {
		return nil
	}
	return ws
}

func planBeginner(r *rand.Rand, daysBeforeEnd int) []workout {
	// Six weeks ending yesterday: 3 runs a week for two weeks, then 4.
	if daysBeforeEnd < 1 || daysBeforeEnd > 42 {
		return nil
	}
	dayIdx := 42 - daysBeforeEnd
	week, slot := dayIdx/7, dayIdx%7
	runsPerWeek := 3
	if week >= 2 {
		runsPerWeek = 4
	}
	if slot%2 != 0 || slot/2 >= runsPerWeek {
		return nil
	}
	minutes := []float64{20, 20, 25, 25, 30, 30}[week] + 2*r.Float64()
	// Intensity stays moderate while speed improves (see runSpeed).
	return []workout{{sport: fitness.SportRun, kind: "easy", minutes: minutes, intensity: 0.78, hour: 18, streams: true, name: "Run"}}
}

func planCyclist(r *rand.Rand, day time.Time) []workout {
	switch day.Weekday() {
	case time.Monday, time.Friday:
		return nil
	case time.Tuesday:
		return []workout{{sport: fitness.SportRide, kind: "intervals", minutes: 75 + 10*r.Float64(), intensity: 0.9, hour: 18, streams: true, name: "VO2max intervals"}}
	case time.Saturday:
		return []workout{{sport: fitness.SportRide, kind: "long", minutes: 200 + 20*r.Float64(), intensity: 0.72, hour: 8, streams: true, name: "Long ride"}}
	default:
		return []workout{{sport: fitness.SportRide, kind: "easy", minutes: 70 + 15*r.Float64(), intensity: 0.7, hour: 18, streams: true, name: "Endurance ride"}}
	}
}
