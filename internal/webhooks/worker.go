package webhooks

import (
	"context"
	"log/slog"
	"sync"
)

// Worker runs notification handling after the answer has gone (vendors
// want a quick 2xx), bounded by the server's lifetime.
type Worker struct {
	// Background bounds the handling; nil means context.Background().
	Background context.Context
	Log        *slog.Logger

	wg sync.WaitGroup
}

// later runs f in the background and logs its error as what.
func (w *Worker) later(what string, f func(ctx context.Context) error) {
	ctx := w.Background
	if ctx == nil {
		ctx = context.Background()
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		if err := f(ctx); err != nil && w.Log != nil {
			w.Log.Warn(what, "err", err)
		}
	}()
}

// Wait waits for the notifications being handled.
func (w *Worker) Wait() { w.wg.Wait() }
