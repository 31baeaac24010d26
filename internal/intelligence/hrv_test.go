package intelligence

import "testing"

func hrvSeries(end Date, baseline, recent float64) []HRVReading {
	var out []HRVReading
	wiggle := []float64{-3, 2, -1, 4, 0, -2, 3, 1, -4, 2}
	for i := 36; i >= 7; i-- {
		out = append(out, HRVReading{Date: end - Date(i), RMSSDMs: baseline + wiggle[i%10]})
	}
	for i := 6; i >= 0; i-- {
		out = append(out, HRVReading{Date: end - Date(i), RMSSDMs: recent + wiggle[i%10]/2})
	}
	return out
}

func TestAnalyzeHRV(t *testing.T) {
	end := NewDate(2025, 9, 30)
	low := must[HRVAnalysis](t)(AnalyzeHRV(hrvSeries(end, 60, 48), end, HRVOptions{}))
	if low.Status != "below_normal" || low.RecoveryStatus != "highly_fatigued" || low.BaselineReadings != 30 || low.RollingReadings != 7 {
		t.Fatalf("%+v", low)
	}
	if low.TrendMsPerDay >= 0 || low.NormalRangeLowMs >= low.BaselineMeanRMSSDMs || low.AbsoluteBand != "moderate" {
		t.Fatalf("%+v", low)
	}
	ok := must[HRVAnalysis](t)(AnalyzeHRV(hrvSeries(end, 60, 60), end, HRVOptions{}))
	if ok.Status != "within_normal" || ok.RecoveryStatus != "normal" {
		t.Fatalf("%+v", ok)
	}
	hi := must[HRVAnalysis](t)(AnalyzeHRV(hrvSeries(end, 60, 72), end, HRVOptions{}))
	if hi.Status != "above_normal" {
		t.Fatalf("%+v", hi)
	}
	// SWC is half the SD of ln RMSSD in the baseline.
	var lns []float64
	for _, r := range hrvSeries(end, 60, 60)[:30] {
		lns = append(lns, logf(r.RMSSDMs))
	}
	approx(t, "SWC", ok.SWCLnRMSSD, 0.5*stddev(lns), 1e-12)

	_, err := AnalyzeHRV(hrvSeries(end, 60, 60)[:20], end, HRVOptions{})
	wantInsufficient(t, err)
	_, err = AnalyzeHRV([]HRVReading{{end, -4}}, end, HRVOptions{})
	wantInputError(t, err, "readings[0].rmssd_ms")
	_, err = AnalyzeHRV(nil, end, HRVOptions{RollingDays: 1})
	wantInputError(t, err, "rolling_days")
}
