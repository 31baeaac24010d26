package usersettings

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzFitnessConfiguration feeds arbitrary bodies to the decoding and
// validation that PUT /api/fitness-configurations/{name} and
// set_fitness_config apply: no panic, and whatever validates has ordered
// zones and survives a JSON round trip unchanged (what is stored is what
// is read back).
func FuzzFitnessConfiguration(f *testing.F) {
	f.Add(`{"ftp":250,"lthr":165,"max_hr":190,"resting_hr":50,"weight_kg":70,"heart_rate_zones":{"zone1":{"min":100,"max":120}}}`)
	f.Add(`{"power_zones":{"z1":{"min":200,"max":100}}}`)
	f.Add(`{"sex":"other","age":300,"vo2_max":-1}`)
	f.Add(`{"heart_rate_zones":{"":{"min":0,"max":1}}}`)
	f.Fuzz(func(t *testing.T, body string) {
		var c FitnessConfiguration
		if json.Unmarshal([]byte(body), &c) != nil || c.Validate() != nil {
			return
		}
		for _, zones := range []map[string]ZoneRange{c.HeartRateZones, c.PowerZones} {
			for n, z := range zones {
				if !(z.Min >= 0 && z.Max > z.Min) {
					t.Fatalf("zone %q accepted with min %v max %v", n, z.Min, z.Max)
				}
			}
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back FitnessConfiguration
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(normalise(back), normalise(c)) {
			t.Fatalf("round trip changed %+v into %+v (%v)", c, back, err)
		}
	})
}

// normalise treats an empty zone map like an absent one (omitempty).
func normalise(c FitnessConfiguration) FitnessConfiguration {
	if len(c.HeartRateZones) == 0 {
		c.HeartRateZones = nil
	}
	if len(c.PowerZones) == 0 {
		c.PowerZones = nil
	}
	return c
}
