// trellis-c2s: the XMPP client-to-server gateway (RFC 6120 streams, STARTTLS, SASL, binding).
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

import C2S
import Runtime

// Start order: Redis client, heartbeat, storage client, delivery consumer,
// listeners, admin server (docs/c2s.md).
await TrellisProcess.main(role: .c2s) { context in
    try C2SServices.make(context: context)
}
