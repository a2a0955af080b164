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

import Runtime

await TrellisProcess.main(role: .c2s) { _ in
    // The role's own services join here as they are written, in start
    // order (Redis client first); the admin server is always added after them.
    []
}
