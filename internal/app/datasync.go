package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/pierre-fitness/pierre/internal/athletedata"
	"github.com/pierre-fitness/pierre/internal/auth"
	"github.com/pierre-fitness/pierre/internal/connections"
	"github.com/pierre-fitness/pierre/internal/datasync"
	"github.com/pierre-fitness/pierre/internal/provider"
	"github.com/pierre-fitness/pierre/internal/store"
	"github.com/pierre-fitness/pierre/internal/vendorbudget"
	"github.com/pierre-fitness/pierre/internal/webhooks"
)

// assembleSync puts Pierre's activity store between the tools and the
// providers: reads come from the synced copy, syncs run in the background
// (a backfill on connect, incremental ones when the copy gets stale), and
// every request to a vendor takes a slot of that vendor's application-wide
// budget, shared by all replicas through Redis when it is configured.
func (a *App) assembleSync(now func() time.Time) {
	if a.Config.SyncDisabled {
		a.Data = athletedata.New(a.Providers, a.Connections, a.Config.DefaultProvider)
		return
	}
	var counter vendorbudget.Counter = vendorbudget.NewLocal()
	if a.Redis != nil {
		counter = vendorbudget.NewRedis(a.Redis, "pierre:")
	}
	budgets := map[string]*vendorbudget.Budget{
		provider.Strava: vendorbudget.New(provider.Strava, vendorbudget.StravaWindows, counter),
	}
	host, _ := os.Hostname()
	a.Syncer = &datasync.Syncer{
		Records: a.Store, Clients: a.Connections, Now: now, Log: a.Log,
		Holder:      fmt.Sprintf("%s-%d-%s", host, os.Getpid(), uuid.NewString()[:8]),
		Depth:       time.Duration(a.Config.SyncDepthDays) * 24 * time.Hour,
		SkipStreams: func(p string) bool { return p == provider.Synthetic },
		Prepare:     connections.WithoutCache,
	}
	a.Connections.Transport = func(name string, base http.RoundTripper) http.RoundTripper {
		if b := budgets[name]; b != nil {
			return &vendorbudget.Transport{Budget: b, Base: base}
		}
		return base
	}
	a.Connections.OnConnected = func(p auth.Principal, name string) {
		a.Syncer.Start(a.background, store.Owner{TenantID: p.TenantID, UserID: p.UserID}, name)
	}
	a.Connections.OnDisconnected = func(ctx context.Context, p auth.Principal, name string) {
		if err := a.Store.DeleteProviderRecords(ctx, store.Owner{TenantID: p.TenantID, UserID: p.UserID}, name); err != nil {
			a.Log.Warn("delete synced data after disconnect", "provider", name, "err", err)
		}
	}
	// Sync progress reaches the user's notification stream.
	a.Syncer.OnProgress(func(o store.Owner, st store.SyncState) {
		err := a.Notify.Publish(a.background, o.TenantID, o.UserID, "sync_progress", map[string]any{
			"provider": st.Provider, "phase": st.Phase, "status": st.Status, "activities_synced": st.Done,
			"percent": datasync.Percent(st), "error": st.Error})
		if err != nil {
			a.Log.Debug("publish sync progress", "err", err)
		}
	})
	a.StravaWebhook = &webhooks.Strava{
		VerifyToken: a.Config.StravaWebhookVerifyToken, SubscriptionID: a.Config.StravaWebhookSubscriptionID,
		Owners: a.Store, Syncer: a.Syncer, Records: a.Store, Checker: vendorChecker{a}, Worker: webhooks.Worker{Background: a.background, Log: a.Log},
	}
	var fitbitApp connections.App
	if p, ok := a.Providers.Get(provider.Fitbit); ok {
		fitbitApp = connections.LoadApp(a.Config.Lookup, a.Config.BaseURL, p.Descriptor())
	}
	a.FitbitWebhook = &webhooks.Fitbit{VerifyCode: a.Config.FitbitSubscriberVerifyCode, ClientSecret: fitbitApp.ClientSecret,
		Owners: a.Store, Syncer: a.Syncer, Worker: webhooks.Worker{Background: a.background, Log: a.Log}}
	a.GarminWebhook = &webhooks.Garmin{Token: a.Config.GarminPushToken, Owners: a.Store, Syncer: a.Syncer,
		Checker: vendorChecker{a}, Worker: webhooks.Worker{Background: a.background, Log: a.Log}}
	a.Data = athletedata.New(a.Providers, &datasync.Connector{Inner: a.Connections, Records: a.Store, Syncer: a.Syncer,
		Background: a.background, Log: a.Log}, a.Config.DefaultProvider)
}

// vendorChecker confirms a push notification with the vendor, using the
// user's own token and no cache, before Pierre deletes anything.
type vendorChecker struct{ a *App }

func (c vendorChecker) client(ctx context.Context, o store.Owner, name string) (context.Context, provider.Client, error) {
	ctx = connections.WithoutCache(ctx)
	cl, err := c.a.Connections.Client(ctx, auth.Principal{TenantID: o.TenantID, UserID: o.UserID}, name)
	return ctx, cl, err
}

// ActivityGone implements webhooks.Checker.
func (c vendorChecker) ActivityGone(ctx context.Context, o store.Owner, name, id string) (bool, error) {
	ctx, cl, err := c.client(ctx, o, name)
	if err != nil {
		return false, err
	}
	_, err = cl.Activity(ctx, id)
	if provider.KindOf(err) == provider.KindNotFound {
		return true, nil
	}
	return false, err
}

// Deauthorized implements webhooks.Checker: when the vendor confirms the
// user withdrew Pierre's access, Pierre deletes its copy of their data (the
// connection already shows reauth_required).
func (c vendorChecker) Deauthorized(ctx context.Context, o store.Owner, name string) error {
	ctx, cl, err := c.client(ctx, o, name)
	if err == nil {
		if _, err = cl.Athlete(ctx); err == nil {
			return nil // still authorised: not a real deauthorisation
		}
	}
	if k := provider.KindOf(err); k != provider.KindReauthRequired && k != provider.KindNotConnected {
		return err
	}
	return c.a.Store.DeleteProviderRecords(ctx, o, name)
}
