package intelligence

import (
	"fmt"
	"math"
)

// HeartRateZone is one heart-rate training zone. MaxBPM is nil for an
// open-ended top zone.
type HeartRateZone struct {
	Zone        int      `json:"zone"`
	Name        string   `json:"name"`
	MinBPM      float64  `json:"min_bpm"`
	MaxBPM      *float64 `json:"max_bpm"`
	MinPercent  float64  `json:"min_percent"`
	MaxPercent  *float64 `json:"max_percent"`
	Description string   `json:"description"`
}

// HeartRateZones is a zone model. Method is "karvonen" (percent of
// heart-rate reserve), "percent_max" or "lthr" (Coggan's percent of LTHR);
// Reference says what the percentages refer to.
type HeartRateZones struct {
	Method              string          `json:"method"`
	Reference           string          `json:"percent_of"`
	MaxHeartRateBPM     float64         `json:"max_heart_rate_bpm,omitempty"`
	RestingHeartRateBPM float64         `json:"resting_heart_rate_bpm,omitempty"`
	LTHRBPM             float64         `json:"lthr_bpm,omitempty"`
	Zones               []HeartRateZone `json:"zones"`
}

var fiveZoneNames = [5][2]string{
	{"Recovery", "very easy; active recovery"},
	{"Endurance", "aerobic base; conversational"},
	{"Tempo", "moderately hard; aerobic power"},
	{"Threshold", "hard; around lactate threshold"},
	{"VO2max", "very hard; maximal aerobic"},
}

func ptr(v float64) *float64 { return &v }

// HeartRateZonesKarvonen gives five zones at 50/60/70/80/90/100 % of
// heart-rate reserve: bpm = rest + pct × (max − rest) (Karvonen 1957).
func HeartRateZonesKarvonen(maxHR, restingHR float64) (HeartRateZones, error) {
	if err := checkHeartRates("max_heart_rate_bpm", maxHR, "resting_heart_rate_bpm", restingHR); err != nil {
		return HeartRateZones{}, err
	}
	hrr := maxHR - restingHR
	z := HeartRateZones{Method: "karvonen", Reference: "heart_rate_reserve", MaxHeartRateBPM: maxHR, RestingHeartRateBPM: restingHR}
	for i := range 5 {
		lo, hi := float64(50+10*i)/100, float64(60+10*i)/100
		z.Zones = append(z.Zones, HeartRateZone{Zone: i + 1, Name: fiveZoneNames[i][0], Description: fiveZoneNames[i][1],
			MinBPM: restingHR + lo*hrr, MaxBPM: ptr(restingHR + hi*hrr), MinPercent: float64(50 + 10*i), MaxPercent: ptr(float64(60 + 10*i))})
	}
	return z, nil
}

// HeartRateZonesPercentMax gives five zones at 50/60/70/80/90/100 % of
// maximum heart rate, for when resting heart rate is unknown.
func HeartRateZonesPercentMax(maxHR float64) (HeartRateZones, error) {
	if err := checkRange("max_heart_rate_bpm", maxHR, 60, 250, "bpm"); err != nil {
		return HeartRateZones{}, err
	}
	z := HeartRateZones{Method: "percent_max", Reference: "max_heart_rate", MaxHeartRateBPM: maxHR}
	for i := range 5 {
		lo, hi := float64(50+10*i)/100, float64(60+10*i)/100
		z.Zones = append(z.Zones, HeartRateZone{Zone: i + 1, Name: fiveZoneNames[i][0], Description: fiveZoneNames[i][1],
			MinBPM: lo * maxHR, MaxBPM: ptr(hi * maxHR), MinPercent: float64(50 + 10*i), MaxPercent: ptr(float64(60 + 10*i))})
	}
	return z, nil
}

// HeartRateZonesLTHR gives Coggan's five heart-rate zones from LTHR:
// < 69 %, 69–84 %, 84–95 %, 95–106 %, ≥ 106 % (published as ≤ 68,
// 69–83, 84–94, 95–105, ≥ 106).
func HeartRateZonesLTHR(lthr float64) (HeartRateZones, error) {
	if err := checkRange("lthr_bpm", lthr, 80, 230, "bpm"); err != nil {
		return HeartRateZones{}, err
	}
	bounds := []float64{0, 0.69, 0.84, 0.95, 1.06}
	names := [5][2]string{
		{"Active Recovery", "very easy"},
		{"Endurance", "all-day aerobic pace"},
		{"Tempo", "brisk; sustained efforts"},
		{"Lactate Threshold", "around one-hour race effort"},
		{"VO2max", "above threshold; short intervals"},
	}
	z := HeartRateZones{Method: "lthr", Reference: "lthr", LTHRBPM: lthr}
	for i, lo := range bounds {
		hz := HeartRateZone{Zone: i + 1, Name: names[i][0], Description: names[i][1], MinBPM: lo * lthr, MinPercent: math.Round(lo * 100)}
		if i+1 < len(bounds) {
			hz.MaxBPM, hz.MaxPercent = ptr(bounds[i+1]*lthr), ptr(math.Round(bounds[i+1]*100))
		}
		z.Zones = append(z.Zones, hz)
	}
	return z, nil
}

// PowerZone is one of Coggan's power zones. MaxWatts is nil for Z7.
type PowerZone struct {
	Zone        int      `json:"zone"`
	Name        string   `json:"name"`
	MinWatts    float64  `json:"min_watts"`
	MaxWatts    *float64 `json:"max_watts"`
	MinPercent  float64  `json:"min_percent_ftp"`
	MaxPercent  *float64 `json:"max_percent_ftp"`
	Description string   `json:"description"`
}

// PowerZones is Coggan's seven-zone model.
type PowerZones struct {
	Method   string      `json:"method"`
	FTPWatts float64     `json:"ftp_watts"`
	Zones    []PowerZone `json:"zones"`
}

// CogganPowerZones gives the seven Coggan zones from FTP with lower bounds
// 0, 55, 75, 90, 105, 120 and 150 % of FTP.
func CogganPowerZones(ftpWatts float64) (PowerZones, error) {
	if err := checkRange("ftp_watts", ftpWatts, 30, 700, "W"); err != nil {
		return PowerZones{}, err
	}
	bounds := []float64{0, 0.55, 0.75, 0.90, 1.05, 1.20, 1.50}
	names := [7][2]string{
		{"Active Recovery", "easy spinning, recovery rides"},
		{"Endurance", "all-day pace; aerobic base"},
		{"Tempo", "brisk group ride; sustained moderate effort"},
		{"Lactate Threshold", "time-trial effort; 10–60 min"},
		{"VO2max", "3–8 min intervals"},
		{"Anaerobic Capacity", "30 s–3 min efforts"},
		{"Neuromuscular Power", "sprints; seconds"},
	}
	z := PowerZones{Method: "coggan", FTPWatts: ftpWatts}
	for i, lo := range bounds {
		pz := PowerZone{Zone: i + 1, Name: names[i][0], Description: names[i][1], MinWatts: lo * ftpWatts, MinPercent: math.Round(lo * 100)}
		if i+1 < len(bounds) {
			pz.MaxWatts, pz.MaxPercent = ptr(bounds[i+1]*ftpWatts), ptr(math.Round(bounds[i+1]*100))
		}
		z.Zones = append(z.Zones, pz)
	}
	return z, nil
}

// ZoneTime is the time spent in one zone. Zone 0 collects time below the
// first zone.
type ZoneTime struct {
	Zone    int     `json:"zone"`
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
	Percent float64 `json:"percent"`
}

// TimeInHeartRateZones distributes a 1 Hz heart-rate series over zones
// (samples ≤ 0 are dropouts and ignored; values above the top zone count
// in it).
func TimeInHeartRateZones(heartRateBPM []float64, zones HeartRateZones) ([]ZoneTime, error) {
	if len(zones.Zones) == 0 {
		return nil, inputErr("zones", "must not be empty")
	}
	lows := make([]float64, len(zones.Zones))
	names := make([]string, len(zones.Zones))
	for i, z := range zones.Zones {
		lows[i], names[i] = z.MinBPM, z.Name
	}
	return timeInZones("heart_rate_bpm", heartRateBPM, lows, names, true)
}

// TimeInPowerZones distributes a 1 Hz power series over power zones.
func TimeInPowerZones(powerWatts []float64, zones PowerZones) ([]ZoneTime, error) {
	if len(zones.Zones) == 0 {
		return nil, inputErr("zones", "must not be empty")
	}
	lows := make([]float64, len(zones.Zones))
	names := make([]string, len(zones.Zones))
	for i, z := range zones.Zones {
		lows[i], names[i] = z.MinWatts, z.Name
	}
	return timeInZones("power_watts", powerWatts, lows, names, false)
}

func timeInZones(field string, xs, lows []float64, names []string, skipZero bool) ([]ZoneTime, error) {
	if err := checkSeries(field, xs); err != nil {
		return nil, err
	}
	counts := make([]float64, len(lows)+1) // [0] = below zone 1
	total := 0.0
	for _, x := range xs {
		if skipZero && x <= 0 {
			continue
		}
		z := 0
		for z < len(lows) && x >= lows[z] {
			z++
		}
		counts[z]++
		total++
	}
	if total == 0 {
		return nil, insufficient("time in zones", fmt.Sprintf("non-zero %s samples", field))
	}
	out := make([]ZoneTime, 0, len(counts))
	for z, c := range counts {
		if z == 0 && c == 0 {
			continue
		}
		name := "Below zone 1"
		if z > 0 {
			name = names[z-1]
		}
		out = append(out, ZoneTime{Zone: z, Name: name, Seconds: c, Percent: math.Round(c/total*1000) / 10})
	}
	return out, nil
}
