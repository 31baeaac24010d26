package intelligence

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func envMap(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaultAlgorithmsMatchDecisions(t *testing.T) {
	a := DefaultAlgorithms()
	want := Algorithms{MaxHR: "tanaka", TRIMP: "bannister", TSS: "hybrid", VDOT: "daniels", TrainingLoad: "trainingpeaks",
		Recovery: "weighted", FTP: "hybrid", LTHR: "hybrid", VO2max: "from_vdot"}
	if a != want {
		t.Fatalf("DefaultAlgorithms() = %+v, want %+v", a, want)
	}
	if err := a.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}

func TestAlgorithmsFromEnv(t *testing.T) {
	a, err := AlgorithmsFromEnv(envMap(nil))
	if err != nil || a != DefaultAlgorithms() {
		t.Fatalf("empty env: %+v, %v", a, err)
	}
	a, err = AlgorithmsFromEnv(envMap(map[string]string{
		"PIERRE_MAXHR_ALGORITHM":         " Gulati ",
		"PIERRE_TRIMP_ALGORITHM":         "edwards_simplified",
		"PIERRE_TSS_ALGORITHM":           "NORMALIZED_POWER",
		"PIERRE_VDOT_ALGORITHM":          "riegel",
		"PIERRE_TRAINING_LOAD_ALGORITHM": "kalman",
		"PIERRE_RECOVERY_ALGORITHM":      "minmax",
		"PIERRE_FTP_ALGORITHM":           "20min_test",
		"PIERRE_LTHR_ALGORITHM":          "from_30min",
		"PIERRE_VO2MAX_ALGORITHM":        "cooper",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Algorithms{MaxHR: MaxHRGulati, TRIMP: TRIMPEdwards, TSS: TSSNormalizedPower, VDOT: VDOTRiegel,
		TrainingLoad: LoadKalman, Recovery: RecoveryMinMax, FTP: FTP20MinTest, LTHR: LTHRFrom30Min, VO2max: VO2maxCooper}
	if a != want {
		t.Fatalf("got %+v\nwant %+v", a, want)
	}
	// Blank values keep the default.
	a, err = AlgorithmsFromEnv(envMap(map[string]string{"PIERRE_TSS_ALGORITHM": "  "}))
	if err != nil || a.TSS != TSSHybrid {
		t.Fatalf("blank: %v %v", a.TSS, err)
	}
}

func TestAlgorithmsFromEnvErrors(t *testing.T) {
	_, err := AlgorithmsFromEnv(envMap(map[string]string{"PIERRE_TSS_ALGORITHM": "foo"}))
	const want = `PIERRE_TSS_ALGORITHM: unknown algorithm "foo"; allowed values: avg_power, normalized_power, hybrid`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	var ae *AlgorithmError
	if !errors.As(err, &ae) || ae.Variable != "PIERRE_TSS_ALGORITHM" || ae.Value != "foo" {
		t.Fatalf("AlgorithmError = %+v", ae)
	}

	_, err = AlgorithmsFromEnv(envMap(map[string]string{"PIERRE_RECOVERY_ALGORITHM": "neural"}))
	const wantNeural = `PIERRE_RECOVERY_ALGORITHM: algorithm "neural" is not supported (it needs a trained model, which Pierre does not ship); allowed values: weighted, additive, multiplicative, minmax`
	if err == nil || err.Error() != wantNeural {
		t.Fatalf("error = %v, want %q", err, wantNeural)
	}

	_, err = AlgorithmsFromEnv(envMap(map[string]string{"PIERRE_MAXHR_ALGORITHM": "karvonen", "PIERRE_VO2MAX_ALGORITHM": "from_pace"}))
	if err == nil {
		t.Fatal("want errors")
	}
	msg := err.Error()
	for _, s := range []string{
		`PIERRE_MAXHR_ALGORITHM: unknown algorithm "karvonen"; allowed values: fox, tanaka, nes, gulati`,
		`PIERRE_VO2MAX_ALGORITHM: algorithm "from_pace" is not supported`,
	} {
		if !strings.Contains(msg, s) {
			t.Errorf("joined error %q lacks %q", msg, s)
		}
	}
}

func TestValidate(t *testing.T) {
	err := Algorithms{}.Validate()
	if err == nil {
		t.Fatal("zero Algorithms must not validate")
	}
	if !strings.Contains(err.Error(), `PIERRE_TRAINING_LOAD_ALGORITHM: unknown algorithm ""; allowed values: trainingpeaks, ema, sma, wma, kalman`) {
		t.Fatalf("message: %v", err)
	}
	a := DefaultAlgorithms()
	a.TRIMP = "edwards_simplified" // aliases are for the environment only
	if err := a.Validate(); err == nil {
		t.Fatal("alias must not validate as a canonical name")
	}
}

func TestCatalog(t *testing.T) {
	cur := DefaultAlgorithms()
	cur.TSS = TSSAvgPower
	cat := cur.Catalog()
	if len(cat) != 9 {
		t.Fatalf("%d categories, want 9", len(cat))
	}
	seen := map[string]bool{}
	for _, c := range cat {
		if !strings.HasPrefix(c.EnvVar, "PIERRE_") || !strings.HasSuffix(c.EnvVar, "_ALGORITHM") {
			t.Errorf("%s: env var %q", c.Key, c.EnvVar)
		}
		seen[c.EnvVar] = true
		defaults := 0
		for _, v := range c.Variants {
			if v.Default {
				defaults++
				if v.Name != c.Default {
					t.Errorf("%s: default flag on %s, Default %s", c.Key, v.Name, c.Default)
				}
			}
			if v.Description == "" || v.Formula == "" || v.Source == "" {
				t.Errorf("%s/%s: empty description, formula or source", c.Key, v.Name)
			}
		}
		if defaults != 1 {
			t.Errorf("%s: %d defaults", c.Key, defaults)
		}
		if c.Current == "" {
			t.Errorf("%s: Current not set", c.Key)
		}
	}
	if cat[2].Key != "tss" || cat[2].Current != "avg_power" || cat[2].Default != "hybrid" {
		t.Errorf("tss category: %+v", cat[2])
	}
	for _, v := range []string{"PIERRE_MAXHR_ALGORITHM", "PIERRE_TRIMP_ALGORITHM", "PIERRE_TSS_ALGORITHM", "PIERRE_VDOT_ALGORITHM",
		"PIERRE_TRAINING_LOAD_ALGORITHM", "PIERRE_RECOVERY_ALGORITHM", "PIERRE_FTP_ALGORITHM", "PIERRE_LTHR_ALGORITHM", "PIERRE_VO2MAX_ALGORITHM"} {
		if !seen[v] {
			t.Errorf("catalog lacks %s", v)
		}
	}
	// The catalog is a copy: mutating it does not leak.
	cat[0].Variants[0].Name = "mutated"
	if Catalog()[0].Variants[0].Name != "fox" {
		t.Fatal("Catalog shares state")
	}
	if Catalog()[0].Current != "" {
		t.Fatal("package Catalog must not report a current selection")
	}
	if _, err := json.Marshal(cat); err != nil {
		t.Fatal(err)
	}
}
