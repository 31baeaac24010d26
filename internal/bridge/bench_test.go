package bridge

import (
	"context"
	"net/http"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/pierre-fitness/pierre/internal/app/apptest"
	"github.com/pierre-fitness/pierre/internal/config"
	"github.com/pierre-fitness/pierre/internal/testutil"
)

// benchCall measures one get_athlete call; the bridge's cost is the
// difference between BenchmarkToolCallThroughBridge and ...Direct.
func benchCall(b *testing.B, cs *mcp.ClientSession) {
	params := &mcp.CallToolParams{Name: "get_athlete", Arguments: map[string]any{}}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		res, err := cs.CallTool(ctx, params)
		if err != nil || res.IsError {
			b.Fatalf("get_athlete: %v %+v", err, res)
		}
	}
}

func BenchmarkToolCallDirect(b *testing.B) {
	s := apptest.Start(b, config.SQLite, apptest.Options{})
	hc := &http.Client{Transport: testutil.Bearer{Token: s.DemoToken(b), Base: http.DefaultTransport}}
	c := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil)
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: s.URL + "/mcp", HTTPClient: hc}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer cs.Close()
	benchCall(b, cs)
}

func BenchmarkToolCallThroughBridge(b *testing.B) {
	s := apptest.Start(b, config.SQLite, apptest.Options{})
	in, out, stop := runBridge(b, Config{ServerURL: s.URL, Auth: StaticToken{Token: s.DemoToken(b)}})
	defer stop()
	cs := host(b, in, out, nil)
	benchCall(b, cs)
}
