package app_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestToolSchemaSnapshots pins what every MCP client sees of each tool
// (name, title, description, input schema, annotations) to a file in
// testdata/toolsnaps, so a change to a tool's contract shows up in review.
// Run with UPDATE_TOOLSNAPS=1 to accept changes.
func TestToolSchemaSnapshots(t *testing.T) {
	s := startServer(t, "sqlite")
	cs := connect(t, s, demoToken(t, s), nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tools) != 47 {
		t.Errorf("%d tools listed, want the 47 of the specification", len(res.Tools))
	}
	dir := filepath.Join("testdata", "toolsnaps")
	update := os.Getenv("UPDATE_TOOLSNAPS") != ""
	seen := map[string]bool{}
	for _, tool := range res.Tools {
		seen[tool.Name+".json"] = true
		got, err := json.MarshalIndent(tool, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join(dir, tool.Name+".json")
		if update {
			os.MkdirAll(dir, 0o755)
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s has no snapshot (run with UPDATE_TOOLSNAPS=1): %v", tool.Name, err)
			continue
		}
		if string(want) != string(got) {
			t.Errorf("%s changed from its snapshot %s (review, then UPDATE_TOOLSNAPS=1):\n%s", tool.Name, path, got)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !seen[e.Name()] && !update {
			t.Errorf("snapshot %s has no tool any more", e.Name())
		}
	}
}
