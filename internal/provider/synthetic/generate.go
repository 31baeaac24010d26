package synthetic

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/pierre-fitness/pierre/internal/fitness"
	"github.com/pierre-fitness/pierre/internal/provider"
)

// Dataset is everything one generated athlete has, newest first.
type Dataset struct {
	Athlete    fitness.Athlete
	Activities []fitness.Activity // newest first
	Sleep      []fitness.SleepSession
	Recovery   []fitness.DailyRecovery
	Health     []fitness.HealthMetrics
	End        time.Time

	seed     uint64
	scenario Scenario
	profile  athleteProfile
	plans    map[string]workout // activity id → plan, to regenerate streams
	byID     map[string]int     // activity id → index in Activities
}

// zone is where the generated athlete lives; local times use it.
var zone = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	if l, err := time.LoadLocation(name); err == nil {
		return l
	}
	return time.FixedZone("CET", 3600)
}

// SeedFor derives a generator seed from a user key.
func SeedFor(userKey string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(userKey))
	return h.Sum64()
}

// Generate builds the dataset of the athlete with seed and scenario, as
// seen at end. It is pure: the same inputs give the same data.
func Generate(seed uint64, sc Scenario, end time.Time) *Dataset {
	if sc == "" {
		sc = Triathlete
	}
	end = end.UTC()
	ds := &Dataset{End: end, seed: seed, scenario: sc, profile: newProfile(seed),
		plans: map[string]workout{}, byID: map[string]int{}}
	p := ds.profile

	lastDay := time.Date(end.In(zone).Year(), end.In(zone).Month(), end.In(zone).Day(), 0, 0, 0, 0, zone)
	firstDay := lastDay.AddDate(0, 0, -HistoryDays)
	// Daily training load (TSS-like) including 42 warm-up days, for the
	// wellness response. Each day's load depends only on its own plan.
	loads := map[string]float64{}
	for d := firstDay.AddDate(0, 0, -42); !d.After(lastDay); d = d.AddDate(0, 0, 1) {
		var tss float64
		for _, w := range planDay(sc, seed, d, end) {
			tss += w.minutes / 60 * w.intensity * w.intensity * 100
		}
		loads[d.Format(time.DateOnly)] = tss
	}

	for d := lastDay; !d.Before(firstDay); d = d.AddDate(0, 0, -1) {
		ws := planDay(sc, seed, d, end)
		var day []fitness.Activity
		for i, w := range ws {
			a, ok := ds.activity(d, i, w)
			if !ok || a.StartTime.After(end) {
				continue
			}
			day = append(day, a)
			ds.plans[a.ID] = w
		}
		// Newest first within the day too.
		slices.SortFunc(day, func(x, y fitness.Activity) int { return y.StartTime.Compare(x.StartTime) })
		for _, a := range day {
			ds.byID[a.ID] = len(ds.Activities)
			ds.Activities = append(ds.Activities, a)
		}
		sleep, rec, health := ds.wellness(d, loads)
		if !sleep.EndTime.After(end) {
			ds.Sleep = append(ds.Sleep, sleep)
			ds.Recovery = append(ds.Recovery, rec)
			ds.Health = append(ds.Health, health)
		}
	}

	ds.Athlete = fitness.Athlete{
		ID: "syn-" + strconv.FormatUint(seed%1_000_000_000, 10), Provider: provider.Synthetic,
		Username: "synthetic_athlete", FirstName: firstNames[seed%uint64(len(firstNames))], LastName: "Synthetic",
		Sex: p.sex, BirthDate: fmt.Sprintf("%d-06-15", p.birthYear),
		WeightKg: fitness.Float(round1(p.weightKg)), HeightCm: fitness.Float(math.Round(p.heightCm)),
		FTPWatts: fitness.Float(math.Round(ds.ftpOn(lastDay))), MaxHeartRate: fitness.Float(p.maxHR),
		RestingHeartRate: fitness.Float(p.restingHR), City: "Annecy", Country: "France",
	}
	return ds
}

var firstNames = []string{"Alex", "Sam", "Charlie", "Robin", "Camille", "Dominique", "Jules", "Maxime"}

// ftpOn is the athlete's FTP on day d: a seasonal swing of ±4 %.
func (ds *Dataset) ftpOn(d time.Time) float64 {
	return ds.profile.ftp * (1 + 0.04*math.Sin(2*math.Pi*float64(d.YearDay()-100)/365))
}

// runSpeed is the threshold running speed on day d.
func (ds *Dataset) runSpeed(d time.Time) float64 {
	v := ds.profile.thresholdMPS * (1 + 0.03*math.Sin(2*math.Pi*float64(d.YearDay()-100)/365))
	if ds.scenario == BeginnerRunnerImproving {
		// A beginner gains ~1.5 % of speed per week over the six weeks.
		daysIn := 42 - int(ds.End.Sub(d).Hours()/24)
		v = 2.6 * (1 + 0.015*float64(daysIn)/7)
	}
	return v
}

func (ds *Dataset) activity(day time.Time, idx int, w workout) (fitness.Activity, bool) {
	p := ds.profile
	r := rand.New(rand.NewPCG(daySeed(ds.seed, day), uint64(idx)+99))
	start := time.Date(day.Year(), day.Month(), day.Day(), w.hour, r.IntN(50), r.IntN(60), 0, zone).UTC()
	moving := int(math.Round(w.minutes * 60))
	if moving <= 0 {
		return fitness.Activity{}, false
	}
	stops := map[fitness.Sport]float64{fitness.SportRun: 0.02, fitness.SportRide: 0.06}[w.sport]
	elapsed := moving + int(float64(moving)*stops*r.Float64())

	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%d", ds.seed, day.Format(time.DateOnly), idx)
	id := strconv.FormatUint(h.Sum64()%9_000_000_000+1_000_000_000, 10)

	a := fitness.Activity{
		ID: id, Provider: provider.Synthetic, Name: w.name, Sport: w.sport, StartTime: start,
		Timezone: zone.String(), ElapsedSeconds: elapsed, MovingSeconds: moving, Race: w.race,
		HasStreams: w.streams,
	}
	hrFrac := math.Min(0.35+0.6*w.intensity, 0.97)
	avgHR := math.Round(p.restingHR + (p.maxHR-p.restingHR)*hrFrac + float64(r.IntN(5)-2))
	a.AverageHeartRate = fitness.Float(avgHR)
	a.MaxHeartRate = fitness.Float(math.Min(p.maxHR, avgHR+8+float64(r.IntN(10))))

	secs := float64(moving)
	switch w.sport {
	case fitness.SportRun:
		v := ds.runSpeed(day) * w.intensity * (0.97 + 0.06*r.Float64())
		a.DistanceMeters = round1(v * secs)
		a.AverageSpeed = fitness.Float(round3(v))
		a.MaxSpeed = fitness.Float(round3(v * 1.25))
		a.ElevationGainMeters = round1(a.DistanceMeters / 1000 * (4 + 8*r.Float64()))
		a.AverageCadence = fitness.Float(float64(166 + r.IntN(14)))
		a.Calories = fitness.Float(math.Round(p.weightKg * a.DistanceMeters / 1000 * 1.0))
		a.StartLatitude, a.StartLongitude = fitness.Float(p.homeLat), fitness.Float(p.homeLng)
	case fitness.SportRide:
		ftp := ds.ftpOn(day)
		np := ftp * w.intensity
		vi := 1.03
		if w.kind == "intervals" {
			vi = 1.09
		}
		avgP := np / vi
		v := 8.3 * math.Cbrt(avgP/200) * (0.95 + 0.1*r.Float64())
		a.DistanceMeters = round1(v * secs)
		a.AverageSpeed = fitness.Float(round3(v))
		a.MaxSpeed = fitness.Float(round3(v * 1.9))
		a.AveragePower = fitness.Float(math.Round(avgP))
		a.MaxPower = fitness.Float(math.Round(avgP * (2.2 + r.Float64())))
		a.NormalizedPower = fitness.Float(math.Round(np))
		kj := avgP * secs / 1000
		a.EnergyKilojoule = fitness.Float(math.Round(kj))
		a.Calories = fitness.Float(math.Round(kj / (4.184 * 0.24)))
		a.ElevationGainMeters = round1(a.DistanceMeters / 1000 * (6 + 10*r.Float64()))
		a.AverageCadence = fitness.Float(float64(84 + r.IntN(9)))
		a.StartLatitude, a.StartLongitude = fitness.Float(p.homeLat), fitness.Float(p.homeLng)
	case fitness.SportSwim:
		v := p.swimMPS * w.intensity
		a.DistanceMeters = math.Round(v*secs/25) * 25
		a.AverageSpeed = fitness.Float(round3(v))
		a.Calories = fitness.Float(math.Round(w.minutes * 9))
	default:
		a.Calories = fitness.Float(math.Round(w.minutes * 6))
		a.MaxHeartRate = fitness.Float(math.Min(p.maxHR, avgHR+20))
	}
	return a, true
}

// wellness returns the night that ended on morning d and that morning's
// readiness, responding to the load of the previous days.
func (ds *Dataset) wellness(d time.Time, loads map[string]float64) (fitness.SleepSession, fitness.DailyRecovery, fitness.HealthMetrics) {
	p := ds.profile
	r := rand.New(rand.NewPCG(daySeed(ds.seed, d), 7777))
	var acute, chronic float64
	for i := 1; i <= 42; i++ {
		l := loads[d.AddDate(0, 0, -i).Format(time.DateOnly)]
		chronic += l / 42
		if i <= 7 {
			acute += l / 7
		}
	}
	strain := 0.0 // how far recent load exceeds the habitual load
	if chronic > 5 {
		strain = math.Max(-0.5, math.Min(1.5, (acute-chronic)/chronic))
	} else if acute > 20 {
		strain = 1
	}
	stress := math.Max(0, strain)

	asleepH := 7.5 + 0.45*r.NormFloat64() - 0.7*stress
	if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		asleepH += 0.4
	}
	asleepH = math.Max(4.5, math.Min(9.5, asleepH))
	eff := math.Max(70, math.Min(97, 90+3*r.NormFloat64()-7*stress))
	inBed := asleepH / (eff / 100)
	wake := time.Date(d.Year(), d.Month(), d.Day(), 6, 30, 0, 0, zone).Add(time.Duration(r.IntN(60)) * time.Minute).UTC()
	bed := wake.Add(-time.Duration(inBed * float64(time.Hour)))
	asleep := int(asleepH * 3600)
	deepFrac := math.Max(0.08, 0.18+0.025*r.NormFloat64()-0.05*stress)
	remFrac := math.Max(0.12, 0.22+0.03*r.NormFloat64()-0.03*stress)
	deep, rem := int(float64(asleep)*deepFrac), int(float64(asleep)*remFrac)
	light := asleep - deep - rem
	awake := int((inBed - asleepH) * 3600)
	hrv := round1(math.Max(15, p.hrvBaseline*(1-0.3*stress+0.1*math.Min(0, strain)*-1)*(1+0.08*r.NormFloat64())))
	rhr := math.Round(p.restingHR + 6*stress + 1.5*r.NormFloat64())
	date := d.Format(time.DateOnly)

	sleep := fitness.SleepSession{
		ID: "sleep-" + date, Provider: provider.Synthetic, Date: date, StartTime: bed, EndTime: wake,
		InBedSeconds: int(inBed * 3600), AsleepSeconds: asleep,
		DeepSeconds: fitness.Int(deep), REMSeconds: fitness.Int(rem), LightSeconds: fitness.Int(light),
		AwakeSeconds: fitness.Int(awake), Awakenings: fitness.Int(1 + r.IntN(3) + int(3*stress)),
		OnsetLatencySeconds: fitness.Int(300 + r.IntN(900)),
		EfficiencyPercent:   fitness.Float(round1(eff)), HRVRMSSDMs: fitness.Float(hrv),
		RestingHeartRate: fitness.Float(rhr), RespiratoryRate: fitness.Float(round1(14 + r.NormFloat64()*0.6)),
	}
	rec := fitness.DailyRecovery{Provider: provider.Synthetic, Date: date, HRVRMSSDMs: fitness.Float(hrv),
		RestingHeartRate: fitness.Float(rhr), SkinTempDeviationC: fitness.Float(round1(0.3*r.NormFloat64() + 0.3*stress))}
	weight := p.weightKg + 0.8*math.Sin(2*math.Pi*float64(d.YearDay())/365) + 0.3*r.NormFloat64()
	age := float64(d.Year() - p.birthYear)
	bmr := 10*weight + 6.25*p.heightCm - 5*age + 5
	if p.sex == fitness.SexFemale {
		bmr -= 166
	}
	health := fitness.HealthMetrics{Provider: provider.Synthetic, Date: date, WeightKg: fitness.Float(round1(weight)),
		BodyFatPercent: fitness.Float(round1(map[fitness.Sex]float64{fitness.SexMale: 12, fitness.SexFemale: 20}[p.sex] + 0.5*r.NormFloat64())),
		Steps:          fitness.Int(6000 + r.IntN(7000)), RestingEnergyKcal: fitness.Float(math.Round(bmr)),
		BMIKgM2: fitness.Float(round1(weight / math.Pow(p.heightCm/100, 2)))}
	return sleep, rec, health
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
