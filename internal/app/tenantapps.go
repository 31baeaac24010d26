package app

import "github.com/pierre-fitness/pierre/internal/tenantapps"

// assembleTenantApps lets tenants bring their own vendor applications: the
// connection manager resolves each tenant's through the service, which the
// caller mounts for tenant administrators.
func (a *App) assembleTenantApps() *tenantapps.Service {
	svc := tenantapps.New(tenantapps.Options{Store: a.Store, Tenants: a.Store, Vault: a.Vault,
		Server: a.Connections.Apps, Log: a.Log})
	a.Connections.TenantApps = svc.Apps
	return svc
}
