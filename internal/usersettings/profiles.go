package usersettings

import (
	"strings"

	"github.com/pierre-fitness/pierre/internal/intelligence"
)

// Profile is a named preset of algorithm choices for a kind of user
// (get_configuration_profiles). Choosing one in update_user_configuration
// applies its choices; the user's own per-algorithm choices still win.
type Profile struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Audience    string `json:"audience"`
	Description string `json:"description"`
	// Algorithms maps catalog keys to variants; categories not listed
	// keep the server default.
	Algorithms map[string]string `json:"algorithms"`
}

// profiles are Pierre's five presets (the seed names Research, Elite,
// Recreational, Beginner and Medical without defining them); the choices
// and their reasons are in docs/methodology.md.
var profiles = []Profile{
	{Name: "research", Title: "Research", Audience: "sports scientists and coaches comparing athletes",
		Description: "The published reference method in every category, never a fallback: normalized-power TSS, " +
			"TrainingPeaks CTL/ATL, Banister TRIMP, FTP as best 60-minute power and LTHR from a 30-minute test.",
		Algorithms: map[string]string{"tss": "normalized_power", "trimp": "bannister", "training_load": "trainingpeaks",
			"vdot": "daniels", "ftp": "60min_power", "lthr": "from_30min", "vo2max": "from_vdot", "maxhr": "tanaka", "recovery": "weighted"}},
	{Name: "elite", Title: "Elite", Audience: "trained competitive athletes with power meters and heart-rate straps",
		Description: "Normalized-power TSS, FTP from a 20-minute test, max HR from the HUNT formula for fit adults (Nes), " +
			"LTHR from a 30-minute test.",
		Algorithms: map[string]string{"tss": "normalized_power", "ftp": "20min_test", "maxhr": "nes", "lthr": "from_30min",
			"training_load": "trainingpeaks", "vdot": "daniels"}},
	{Name: "recreational", Title: "Recreational", Audience: "regular amateurs with mixed equipment",
		Description: "The server defaults: hybrid TSS (NP when a power stream exists), hybrid FTP and LTHR estimates, " +
			"Tanaka max HR, TrainingPeaks load.",
		Algorithms: map[string]string{}},
	{Name: "beginner", Title: "Beginner", Audience: "new athletes, often with only a heart-rate monitor",
		Description: "Heart-rate methods that need no test: Edwards zone TRIMP, LTHR as 88 % of max HR, " +
			"VO2max from whichever test is available.",
		Algorithms: map[string]string{"trimp": "edwards", "lthr": "from_maxhr", "vo2max": "hybrid", "tss": "hybrid"}},
	{Name: "medical", Title: "Medical", Audience: "rehabilitation and supervised training",
		Description: "The most conservative readings: recovery is the weakest factor (minmax), max HR from the " +
			"women-specific Gulati formula where it applies (Tanaka otherwise), LTHR from max HR.",
		Algorithms: map[string]string{"recovery": "minmax", "maxhr": "gulati", "lthr": "from_maxhr", "trimp": "bannister"}},
}

// Profiles returns the configuration profiles (fresh copies).
func Profiles() []Profile {
	out := make([]Profile, len(profiles))
	for i, p := range profiles {
		p.Algorithms = clone(p.Algorithms)
		out[i] = p
	}
	return out
}

// ProfileByName finds a profile, case-insensitively ("Elite" = "elite").
func ProfileByName(name string) (Profile, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, p := range profiles {
		if p.Name == n {
			p.Algorithms = clone(p.Algorithms)
			return p, true
		}
	}
	return Profile{}, false
}

// ProfileNames lists the profile names.
func ProfileNames() []string {
	n := make([]string, len(profiles))
	for i, p := range profiles {
		n[i] = p.Name
	}
	return n
}

func profileNames() string { return joinNames(ProfileNames()) }

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// checkProfiles is run by the tests: every preset names real variants.
func checkProfiles() error {
	for _, p := range profiles {
		if _, err := (UserConfig{Profile: p.Name}).Apply(intelligence.DefaultAlgorithms()); err != nil {
			return err
		}
	}
	return nil
}
