package intelligence

import (
	"math"
	"testing"
)

// Race times from Daniels' VDOT table (Daniels' Running Formula, 3rd ed.,
// Table 5.1) for VDOT 40, 50 and 60.
var danielsTable = []struct {
	vdot    float64
	d       float64
	seconds float64
}{
	{40, Distance5K, 24*60 + 8}, {40, Distance10K, 50*60 + 3}, {40, DistanceHalfMarathon, 3600 + 50*60 + 59}, {40, DistanceMarathon, 3*3600 + 49*60 + 45},
	{50, Distance5K, 19*60 + 57}, {50, Distance10K, 41*60 + 21}, {50, DistanceHalfMarathon, 3600 + 31*60 + 35}, {50, DistanceMarathon, 3*3600 + 10*60 + 49},
	{60, Distance5K, 17*60 + 3}, {60, Distance10K, 35*60 + 22}, {60, DistanceHalfMarathon, 3600 + 18*60 + 9}, {60, DistanceMarathon, 2*3600 + 43*60 + 25},
}

func TestVDOTMatchesDanielsTable(t *testing.T) {
	for _, c := range danielsTable {
		v := must[VDOTResult](t)(VDOTFromRace(c.d, c.seconds))
		approx(t, formatDistance(c.d)+" VDOT", v.VDOT, c.vdot, 0.5)
		// The equations reproduce the table far better than ±0.5.
		approx(t, formatDistance(c.d)+" VDOT (tight)", v.VDOT, c.vdot, 0.1)
		pred := must[float64](t)(RaceTimeFromVDOT(c.vdot, c.d))
		tol := math.Max(3, 0.001*c.seconds)
		approx(t, formatDistance(c.d)+" time from VDOT", pred, c.seconds, tol)
	}
}

// The brief's anchors: 5 km 20:00 ≈ 49.8, 10 km 40:00 ≈ 51.9, marathon
// 3:00:00 ≈ 53.5; half marathon 1:30:00 ≈ 51.0.
func TestVDOTAnchors(t *testing.T) {
	for _, c := range []struct{ d, s, want float64 }{
		{Distance5K, 1200, 49.8}, {Distance10K, 2400, 51.9}, {DistanceMarathon, 10800, 53.5}, {DistanceHalfMarathon, 5400, 51.0},
	} {
		v := must[VDOTResult](t)(VDOTFromRace(c.d, c.s))
		approx(t, formatDistance(c.d), v.VDOT, c.want, 0.05)
		if !v.WithinTableRange || v.EquivalentVO2max != v.VDOT {
			t.Errorf("%+v", v)
		}
	}
	v := must[VDOTResult](t)(VDOTFromRace(Distance5K, 1200))
	approx(t, "oxygen cost at 250 m/min", v.OxygenCostMlKgMin, 47.4645, 1e-4)
	approx(t, "%VO2max at 20 min", v.FractionOfVO2max, 0.9529830, 1e-6)
	slow := must[VDOTResult](t)(VDOTFromRace(Distance5K, 40*60))
	if slow.WithinTableRange || slow.Note == "" {
		t.Fatalf("%+v", slow)
	}
}

func TestRiegel(t *testing.T) {
	// 10 km in 40:00 → half marathon: 2400 × 2.10975^1.06 = 5295.37 s.
	tt := must[float64](t)(RiegelTime(Distance10K, 2400, DistanceHalfMarathon, 0))
	approx(t, "10K→HM", tt, 5295.367, 0.001)
	if FormatDuration(tt) != "1:28:15" {
		t.Fatal(FormatDuration(tt))
	}
	// Upstream worked example, corrected (ch18-22 §6.2): 3:07:39.
	approx(t, "HM→M", must[float64](t)(RiegelTime(21097, 5400, DistanceMarathon, 0)), 11258.91, 0.01)
	_, err := RiegelTime(0, 2400, 5000, 0)
	wantInputError(t, err, "known_distance_meters")
	_, err = RiegelTime(10000, 2400, 5000, 2)
	wantInputError(t, err, "exponent")
}

func TestPredictRace(t *testing.T) {
	d := must[RacePrediction](t)(PredictRace(VDOTDaniels, Distance10K, 2400, DistanceHalfMarathon))
	if d.Method != "daniels" {
		t.Fatal(d.Method)
	}
	approx(t, "daniels HM from 10K 40:00", d.TimeSeconds, must[float64](t)(RaceTimeFromVDOT(d.VDOT, DistanceHalfMarathon)), 1e-6)
	r := must[RacePrediction](t)(PredictRace(VDOTRiegel, Distance10K, 2400, DistanceHalfMarathon))
	approx(t, "riegel", r.TimeSeconds, 5295.367, 0.001)
	h := must[RacePrediction](t)(PredictRace(VDOTHybrid, DistanceMarathon, 3*3600, 50000))
	if h.Method != "riegel" {
		t.Fatal("hybrid must use Riegel beyond the marathon")
	}
	h = must[RacePrediction](t)(PredictRace(VDOTHybrid, Distance5K, 1200, Distance10K))
	if h.Method != "daniels" {
		t.Fatal("hybrid must use Daniels up to the marathon")
	}
	_, err := PredictRace("magic", Distance5K, 1200, Distance10K)
	wantInputError(t, err, "algorithm")
	_, err = PredictRace(VDOTDaniels, Distance5K, 1200, 100)
	wantInputError(t, err, "target_distance_meters")
}

func TestVDOTBadInput(t *testing.T) {
	_, err := VDOTFromRace(-5000, 1200)
	wantInputError(t, err, "distance_meters")
	_, err = VDOTFromRace(5000, 0)
	wantInputError(t, err, "time_seconds")
	_, err = VDOTFromRace(5000, 300) // 1000 m/min
	wantInputError(t, err, "time_seconds")
	_, err = RaceTimeFromVDOT(120, 5000)
	wantInputError(t, err, "vdot")
	_, err = DanielsTrainingPaces(0)
	wantInputError(t, err, "vdot")
	_, err = EquivalentRaces(-1)
	wantInputError(t, err, "vdot")
}

// Daniels' table paces for VDOT 50: M 4:31/km, T 4:15/km, I 3:55/km
// (1:34 per 400 m), R ≈ mile race pace.
func TestDanielsTrainingPaces(t *testing.T) {
	p := must[TrainingPaces](t)(DanielsTrainingPaces(50))
	byZone := map[string]TrainingPace{}
	for _, x := range p.Paces {
		byZone[x.Zone] = x
	}
	approx(t, "M", byZone["M"].FastSecondsPerKm, must[float64](t)(RaceTimeFromVDOT(50, DistanceMarathon))/42.195, 1e-9)
	approx(t, "M vs table", byZone["M"].FastSecondsPerKm, 271, 1)
	approx(t, "T", byZone["T"].FastSecondsPerKm, 255, 1)
	approx(t, "I per 400", byZone["I"].Per400mSeconds, 94, 1)
	approx(t, "R", byZone["R"].FastSecondsPerKm, must[float64](t)(RaceTimeFromVDOT(50, DistanceMile))/DistanceMile*1000, 1e-9)
	if e := byZone["E"]; !(e.FastSecondsPerKm < e.SlowSecondsPerKm && e.FastSecondsPerKm > byZone["M"].FastSecondsPerKm) {
		t.Fatalf("E range %+v", e)
	}
	if byZone["T"].Pace != "4:15" {
		t.Fatal(byZone["T"].Pace)
	}
	// VDOT 60 threshold: 3:40/km in the table.
	p60 := must[TrainingPaces](t)(DanielsTrainingPaces(60))
	approx(t, "T at 60", p60.Paces[2].FastSecondsPerKm, 220, 1)
	rows := must[[]RacePrediction](t)(EquivalentRaces(50))
	if len(rows) != 8 || rows[3].Time != "19:56" {
		t.Fatalf("%+v", rows[3])
	}
}

func TestFormatDuration(t *testing.T) {
	for in, want := range map[float64]string{59.6: "1:00", 3599.5: "1:00:00", 754: "12:34", -61: "-1:01"} {
		if got := FormatDuration(in); got != want {
			t.Errorf("FormatDuration(%v) = %s, want %s", in, got, want)
		}
	}
}
