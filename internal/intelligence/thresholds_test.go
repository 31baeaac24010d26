package intelligence

import "testing"

func TestEstimateFTP(t *testing.T) {
	cases := []struct {
		algo FTPAlgorithm
		in   FTPInput
		want float64
	}{
		{FTP20MinTest, FTPInput{Best20MinWatts: 250}, 237.5},
		{FTP8MinTest, FTPInput{Best8MinWatts: 270}, 243},
		{FTPRampTest, FTPInput{RampBest1MinWatts: 320}, 240},
		{FTP60MinPower, FTPInput{Best60MinWatts: 230}, 230},
		{FTPFromVO2max, FTPInput{VO2maxMlKgMin: 55, WeightKg: 70}, (0.8*55 - 7) * 70 / 10.8},
	}
	for _, c := range cases {
		e := must[FTPEstimate](t)(EstimateFTP(c.algo, c.in))
		approx(t, string(c.algo), e.FTPWatts, c.want, 1e-9)
		if e.Method != c.algo {
			t.Errorf("%s reported %s", c.algo, e.Method)
		}
	}
	h := must[FTPEstimate](t)(EstimateFTP(FTPHybrid, FTPInput{Best20MinWatts: 250, Best60MinWatts: 230, WeightKg: 70}))
	if h.Method != FTP20MinTest || h.FTPWatts != 237.5 || len(h.CandidatesWatts) != 2 {
		t.Fatalf("%+v", h)
	}
	approx(t, "W/kg", h.WattsPerKg, 237.5/70, 1e-12)
	h = must[FTPEstimate](t)(EstimateFTP(FTPHybrid, FTPInput{VO2maxMlKgMin: 55, WeightKg: 70}))
	if h.Method != FTPFromVO2max {
		t.Fatal(h.Method)
	}
	_, err := EstimateFTP(FTPHybrid, FTPInput{})
	wantInsufficient(t, err)
	_, err = EstimateFTP(FTP20MinTest, FTPInput{Best20MinWatts: -1})
	wantInputError(t, err, "best_20min_watts")
	_, err = EstimateFTP("guess", FTPInput{})
	wantInputError(t, err, "algorithm")
}

func TestCriticalPower(t *testing.T) {
	// 3 min at 400 W and 12 min at 300 W: CP = (216000 − 72000)/540, W′ = 24 kJ.
	cp, wp := 0.0, 0.0
	var err error
	cp, wp, err = CriticalPower([]PowerEffort{{180, 400}, {720, 300}})
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "CP", cp, 800.0/3, 1e-9)
	approx(t, "W'", wp, 24000, 1e-6)
	e := must[FTPEstimate](t)(EstimateFTP(FTPCriticalPower, FTPInput{Efforts: []PowerEffort{{180, 400}, {720, 300}}}))
	approx(t, "FTP=CP", e.FTPWatts, 800.0/3, 1e-9)
	_, _, err = CriticalPower([]PowerEffort{{180, 400}})
	wantInsufficient(t, err)
	_, _, err = CriticalPower([]PowerEffort{{180, 300}, {720, 400}})
	wantInputError(t, err, "efforts")
	_, _, err = CriticalPower([]PowerEffort{{30, 900}, {720, 300}})
	wantInputError(t, err, "efforts[0].duration_seconds")
}

func TestEstimateLTHR(t *testing.T) {
	approx(t, "from max", must[LTHREstimate](t)(EstimateLTHR(LTHRFromMaxHR, LTHRInput{MaxHeartRateBPM: 190})).LTHRBPM, 167.2, 1e-9)
	test := append(constant(150, 600), constant(170, 1200)...)
	e := must[LTHREstimate](t)(EstimateLTHR(LTHRFrom30Min, LTHRInput{ThirtyMinTestHeartRate: test}))
	approx(t, "30-min test (last 20 min)", e.LTHRBPM, 170, 1e-9)
	approx(t, "race", must[LTHREstimate](t)(EstimateLTHR(LTHRFromRace, LTHRInput{RaceAverageHeartRate: 172, RaceDurationSeconds: 3000})).LTHRBPM, 172, 0)
	h := must[LTHREstimate](t)(EstimateLTHR(LTHRHybrid, LTHRInput{MaxHeartRateBPM: 190, RaceAverageHeartRate: 172, RaceDurationSeconds: 3000}))
	if h.Method != LTHRFromRace {
		t.Fatal(h.Method)
	}
	h = must[LTHREstimate](t)(EstimateLTHR(LTHRHybrid, LTHRInput{MaxHeartRateBPM: 190}))
	if h.Method != LTHRFromMaxHR {
		t.Fatal(h.Method)
	}
	_, err := EstimateLTHR(LTHRFromRace, LTHRInput{RaceAverageHeartRate: 172, RaceDurationSeconds: 1200})
	wantInputError(t, err, "race_duration_seconds")
	_, err = EstimateLTHR(LTHRFrom30Min, LTHRInput{ThirtyMinTestHeartRate: constant(160, 600)})
	wantInputError(t, err, "thirty_min_test_heart_rate_bpm")
	_, err = EstimateLTHR(LTHRHybrid, LTHRInput{})
	wantInsufficient(t, err)
}
