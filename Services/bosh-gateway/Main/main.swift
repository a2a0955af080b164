// trellis-bosh-gateway: the BOSH (XEP-0124/0206) HTTP gateway for web clients.
//
// The process shell (configuration, logs, metrics, /health, /ready,
// /metrics, SIGTERM handling, exit codes) lives in Runtime's TrellisProcess;
// see docs/operations.md. This file wires the role's services: the delivery
// consumer (deliver:{node} → BOSH sessions) and the HTTP listener (docs/bosh.md).
//
// Configuration: environment variables (TRELLIS_*), then the JSON file at
// $TRELLIS_CONFIG, then defaults; see docs/configuration.md.
//
// Exit codes: 0 after a clean shutdown, 78 on a configuration error,
// 1 when a service fails or the shutdown overruns shutdown_grace_seconds.

import BOSHGateway
import Runtime

// Start order: Redis client, heartbeat, storage client, delivery consumer,
// re-registration, HTTP listener, admin server (docs/bosh.md).
await TrellisProcess.main(role: .boshGateway) { context in
    BOSHGatewayServices.make(context: context)
}
