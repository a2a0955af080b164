// trellis-router: the stateless RFC 6121 routing workers.
//
// The process shell (configuration, logs, metrics, /health, /ready,
// /metrics, SIGTERM handling, exit codes) lives in Runtime's TrellisProcess;
// see docs/operations.md. This file only names the role and its services.
//
// Configuration: environment variables (TRELLIS_*), then the JSON file at
// $TRELLIS_CONFIG, then defaults; see docs/configuration.md.
//
// Exit codes: 0 after a clean shutdown, 78 on a configuration error,
// 1 when a service fails or the shutdown overruns shutdown_grace_seconds.

import Router
import Runtime

// Start order: Redis client, heartbeat, storage client, routing worker,
// dead-node sweeper, admin server (docs/routing.md).
await TrellisProcess.main(role: .router) { context in
    RouterServices.make(context: context)
}
