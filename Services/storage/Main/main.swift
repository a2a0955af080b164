// trellis-storage: the single SQLite writer answering storage requests.
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
import Storage

// Opens and migrates the SQLite database, then answers storage:requests
// (docs/storage.md). Start order: Redis client, heartbeat, the consumer, the
// admin server; a graceful shutdown lets the consumer finish its batch.
await TrellisProcess.main(role: .storage) { context in
    try StorageServices.make(context: context)
}
