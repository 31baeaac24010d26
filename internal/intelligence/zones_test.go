package intelligence

import "testing"

func TestCogganPowerZonesFTP250(t *testing.T) {
	z := must[PowerZones](t)(CogganPowerZones(250))
	lows := []float64{0, 137.5, 187.5, 225, 262.5, 300, 375}
	if len(z.Zones) != 7 {
		t.Fatalf("%d zones", len(z.Zones))
	}
	for i, pz := range z.Zones {
		approx(t, pz.Name+" min", pz.MinWatts, lows[i], 1e-9)
		if i < 6 {
			approx(t, pz.Name+" max", *pz.MaxWatts, lows[i+1], 1e-9)
		} else if pz.MaxWatts != nil {
			t.Error("Z7 must be open-ended")
		}
	}
	if z.Zones[0].Name != "Active Recovery" || z.Zones[3].Name != "Lactate Threshold" || z.Zones[3].MinPercent != 90 || *z.Zones[0].MaxPercent != 55 {
		t.Fatalf("%+v", z.Zones[3])
	}
	_, err := CogganPowerZones(-250)
	wantInputError(t, err, "ftp_watts")
}

func TestHeartRateZones(t *testing.T) {
	k := must[HeartRateZones](t)(HeartRateZonesKarvonen(190, 60))
	wantLows := []float64{125, 138, 151, 164, 177}
	for i, z := range k.Zones {
		approx(t, "karvonen min", z.MinBPM, wantLows[i], 1e-9)
	}
	approx(t, "karvonen top", *k.Zones[4].MaxBPM, 190, 1e-9)
	p := must[HeartRateZones](t)(HeartRateZonesPercentMax(200))
	approx(t, "%max Z3", p.Zones[2].MinBPM, 140, 1e-9)
	approx(t, "%max Z5 max", *p.Zones[4].MaxBPM, 200, 1e-9)
	l := must[HeartRateZones](t)(HeartRateZonesLTHR(170))
	approx(t, "LTHR Z2 min", l.Zones[1].MinBPM, 0.69*170, 1e-9)
	approx(t, "LTHR Z5 min", l.Zones[4].MinBPM, 1.06*170, 1e-9)
	if l.Zones[4].MaxBPM != nil || l.Zones[3].MinPercent != 95 {
		t.Fatal("LTHR zones")
	}
	_, err := HeartRateZonesKarvonen(130, 140)
	ie := wantInputError(t, err, "resting_heart_rate_bpm")
	if ie.Error() != "resting_heart_rate_bpm (140) must be less than max_heart_rate_bpm (130)" {
		t.Fatal(ie.Error())
	}
	_, err = HeartRateZonesPercentMax(0)
	wantInputError(t, err, "max_heart_rate_bpm")
	_, err = HeartRateZonesLTHR(300)
	wantInputError(t, err, "lthr_bpm")
}

func TestTimeInZones(t *testing.T) {
	z := must[PowerZones](t)(CogganPowerZones(200))
	p := append(append(constant(50, 60), constant(150, 120)...), constant(400, 20)...)
	tz := must[[]ZoneTime](t)(TimeInPowerZones(p, z))
	got := map[int]float64{}
	for _, x := range tz {
		got[x.Zone] = x.Seconds
	}
	if got[1] != 60 || got[3] != 120 || got[7] != 20 || len(tz) != 7 {
		t.Fatalf("%+v", tz)
	}
	hz := must[HeartRateZones](t)(HeartRateZonesPercentMax(200))
	h := append(constant(80, 10), constant(0, 5)...) // below zone 1; dropouts ignored
	h = append(h, constant(195, 30)...)
	ht := must[[]ZoneTime](t)(TimeInHeartRateZones(h, hz))
	if ht[0].Zone != 0 || ht[0].Seconds != 10 || ht[len(ht)-1].Zone != 5 || ht[len(ht)-1].Seconds != 30 {
		t.Fatalf("%+v", ht)
	}
	approx(t, "percent", ht[len(ht)-1].Percent, 75, 1e-9)
	_, err := TimeInHeartRateZones(constant(0, 5), hz)
	wantInsufficient(t, err)
	_, err = TimeInPowerZones(nil, z)
	wantInputError(t, err, "power_watts")
}
