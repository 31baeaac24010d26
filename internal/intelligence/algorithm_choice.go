package intelligence

import "strings"

// AlgorithmKeys lists the category keys of the catalog ("maxhr", "tss", …),
// the names per-user algorithm choices are stored under.
func AlgorithmKeys() []string {
	keys := make([]string, len(algorithmCategories))
	for i := range algorithmCategories {
		keys[i] = algorithmCategories[i].key
	}
	return keys
}

// WithChoice returns a with the category key set to the variant named raw
// (case-insensitive; catalog aliases accepted). An unknown key or variant
// gives an *AlgorithmError whose Variable is the key and whose Allowed
// lists the valid names, so a caller can name the field and the choices.
func (a Algorithms) WithChoice(key, raw string) (Algorithms, error) {
	for i := range algorithmCategories {
		c := &algorithmCategories[i]
		if c.key != strings.ToLower(strings.TrimSpace(key)) {
			continue
		}
		name, err := c.resolve(raw)
		if err != nil {
			err.(*AlgorithmError).Variable = c.key
			return a, err
		}
		c.set(&a, name)
		return a, nil
	}
	return a, &AlgorithmError{Variable: "algorithm", Value: key, Allowed: AlgorithmKeys()}
}
