package intelligence

import (
	"errors"
	"strings"
	"testing"
)

func TestWithChoice(t *testing.T) {
	a, err := DefaultAlgorithms().WithChoice("tss", " Normalized_Power ")
	if err != nil || a.TSS != TSSNormalizedPower || a.MaxHR != MaxHRTanaka {
		t.Fatalf("tss choice: %+v %v", a, err)
	}
	if a, err = a.WithChoice("trimp", "banister"); err != nil || a.TRIMP != TRIMPBannister {
		t.Fatalf("alias: %+v %v", a, err)
	}
	_, err = a.WithChoice("maxhr", "astrand")
	var ae *AlgorithmError
	if !errors.As(err, &ae) || ae.Variable != "maxhr" || !strings.Contains(err.Error(), "fox, tanaka, nes, gulati") {
		t.Fatalf("unknown variant must name the key and list the allowed values: %v", err)
	}
	_, err = a.WithChoice("recovery", "neural")
	if err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("unsupported variant must say why: %v", err)
	}
	_, err = a.WithChoice("warp", "x")
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "training_load") {
		t.Fatalf("unknown key must list the keys: %v", err)
	}
}
