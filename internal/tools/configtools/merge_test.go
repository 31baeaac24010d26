package configtools

import (
	"errors"
	"strings"
	"testing"

	"github.com/pierre-fitness/pierre/internal/tools"
	"github.com/pierre-fitness/pierre/internal/usersettings"
)

func f(v float64) *float64 { return &v }
func str(s string) *string { return &s }

func TestMergeKeepsClearsAndCanonicalises(t *testing.T) {
	cur := usersettings.UserConfig{Profile: "elite", Algorithms: map[string]string{"tss": "avg_power", "maxhr": "fox"},
		Parameters: usersettings.Physiology{FTPWatts: 250, MaxHR: 190, RestingHR: 50}}
	next, err := merge(cur, updateArgs{
		Algorithms: map[string]string{"TSS": "default", "trimp": "Banister", "maxhr": " NES "},
		Parameters: &paramArgs{FTP: f(0), LTHR: f(170)},
	})
	if err != nil {
		t.Fatal(err)
	}
	// "default" removes a choice; aliases and case are stored canonically; 0 removes a value; the rest is kept.
	if _, ok := next.Algorithms["tss"]; ok || next.Algorithms["trimp"] != "bannister" || next.Algorithms["maxhr"] != "nes" ||
		next.Profile != "elite" || next.Parameters.FTPWatts != 0 || next.Parameters.LTHR != 170 || next.Parameters.MaxHR != 190 {
		t.Fatalf("merged %+v", next)
	}
	if next, _ = merge(cur, updateArgs{Reset: true, Profile: str("Medical")}); next.Profile != "medical" || len(next.Algorithms) != 0 || next.Parameters.FTPWatts != 0 {
		t.Fatalf("reset: %+v", next)
	}
	if next, _ = merge(cur, updateArgs{Profile: str("")}); next.Profile != "" {
		t.Fatalf("empty profile removes it: %+v", next)
	}
}

func TestMergeRefusesWhatContradictsTheStoredValues(t *testing.T) {
	cur := usersettings.UserConfig{Parameters: usersettings.Physiology{MaxHR: 180, RestingHR: 60}}
	// Alone 185 is a fine LTHR; with the stored max HR of 180 it is not.
	_, err := merge(cur, updateArgs{Parameters: &paramArgs{LTHR: f(185)}})
	var ae *tools.ArgumentError
	if !errors.As(err, &ae) || ae.Field != "parameters.lthr" || !strings.Contains(ae.Reason, "must be less than max_hr (180)") {
		t.Fatalf("contradiction: %v", err)
	}
	_, err = merge(cur, updateArgs{Parameters: &paramArgs{LTHR: f(160), ThresholdHR: f(150)}})
	if !errors.As(err, &ae) || ae.Field != "parameters.threshold_hr" {
		t.Fatalf("two names for one value: %v", err)
	}
}
