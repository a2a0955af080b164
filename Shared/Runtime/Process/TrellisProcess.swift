#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Cluster
import Logging
import NIOCore
import ServiceLifecycle

/// The shell every Trellis executable runs in:
/// config → logs + metrics → `ServiceGroup([services…, admin server])` → exit code.
///
/// A main is one call:
///
///     await TrellisProcess.main(role: .router) { context in
///         [RouterWorker(configuration: context.configuration.router, logger: context.logger)]
///     }
public enum TrellisProcess {
    /// The exit code for a clean shutdown.
    public static let successExitCode: Int32 = 0
    /// The exit code for a service failure or a shutdown that overran its grace period.
    public static let failureExitCode: Int32 = 1
    /// The exit code for a bad configuration (`EX_CONFIG` from sysexits.h).
    public static let configurationErrorExitCode: Int32 = 78

    /// Runs `role` until SIGTERM/SIGINT and exits the process with the right code.
    ///
    /// - Parameter makeServices: builds the role's services, started in order
    ///   before the admin server and stopped in reverse order after it.
    public static func main(
        role: Role,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        services makeServices: @Sendable (TrellisContext) async throws -> [any Service] = { _ in [] }
    ) async -> Never {
        exit(await run(role: role, environment: environment, services: makeServices))
    }

    /// `main` without the `exit`: returns the exit code.
    public static func run(
        role: Role,
        environment: [String: String],
        services makeServices: @Sendable (TrellisContext) async throws -> [any Service] = { _ in [] }
    ) async -> Int32 {
        let configuration: TrellisConfiguration
        do {
            configuration = try await TrellisConfiguration.load(role: role, environment: environment)
        } catch {
            StructuredLogHandler.writeToStandardError(
                "\(role.executableName): configuration error: \(error)\n")
            return configurationErrorExitCode
        }

        let logger = LoggingBootstrap.bootstrap(
            role: role, nodeID: configuration.common.nodeID, configuration: configuration.common.log)
        let context = TrellisContext(
            configuration: configuration, logger: logger, readiness: Readiness(),
            metrics: MetricsBootstrap.bootstrap())

        do {
            try await runServices(context: context, makeServices: makeServices)
            logger.info("stopped")
            return successExitCode
        } catch let error as ClusterSettingsCheck.Refusal {
            logger.critical("refusing to join the cluster", metadata: ["error": "\(error)"])
            return configurationErrorExitCode
        } catch {
            logger.critical("stopped on error", metadata: ["error": "\(error)"])
            return failureExitCode
        }
    }

    /// Runs the role's services and the admin server in one `ServiceGroup`
    /// until a graceful shutdown (SIGTERM/SIGINT), bounded by `shutdown_grace_seconds`.
    ///
    /// Services start in order and stop in reverse: the admin server, last in
    /// the list, stops first, so `/health` and `/ready` stop answering as soon
    /// as draining begins. Throws the first service error, or
    /// `TrellisProcessError` when the shutdown overran its grace period.
    public static func runServices(
        context: TrellisContext,
        makeServices: @Sendable (TrellisContext) async throws -> [any Service]
    ) async throws {
        let configuration = context.configuration
        let logger = context.logger
        let admin = AdminServer(
            configuration: configuration.common.admin, readiness: context.readiness,
            registry: context.metrics, logger: logger
        ) { address in
            logger.info(
                "started",
                metadata: [
                    "admin.address": .string(AdminServer.describe(address)),
                    "listen": .array(configuration.listenAddresses.map { .string($0) }),
                    "domains": .array(configuration.common.domains.map { .string($0) }),
                    "redis": .string(configuration.common.redis.description),
                ])
        }
        let watch = ShutdownWatch()
        let settings = ClusterSettings(configuration)
        let heartbeat = NodeHeartbeat(
            record: NodeRecord(
                id: context.nodeID, role: configuration.role,
                address: configuration.listenAddresses.first,
                adminAddress: "\(configuration.common.admin.host):\(configuration.common.admin.port)",
                vroute: configuration.role == .boshGateway ? configuration.bosh.resolvedVRoute() : nil,
                startedAt: Int(Date().timeIntervalSince1970), settings: settings.encoded, settingsHash: settings.hash),
            redis: context.redis, keys: context.keys,
            interval: .milliseconds(configuration.common.heartbeatIntervalMilliseconds),
            ttl: .milliseconds(configuration.common.nodeTTLMilliseconds),
            readiness: context.readiness, recreations: context.recordRecreations,
            settingsCheck: ClusterSettingsCheck(
                settings: settings, refuseAnyDifference: configuration.common.refuseConfigurationDrift),
            logger: logger)
        // Start order: Redis, the heartbeat, the role's services, the admin
        // server; a graceful shutdown runs it backwards, so the node deregisters
        // after its services drained and Redis closes last.
        var groupConfiguration = ServiceGroupConfiguration(
            services: [context.redis, heartbeat] + (try await makeServices(context)) + [admin, watch],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // Dotted metadata keys, like the rest of Trellis's logs.
        groupConfiguration.logging.keys.signalKey = "lifecycle.signal"
        groupConfiguration.logging.keys.gracefulShutdownSignalsKey = "lifecycle.graceful_shutdown_signals"
        groupConfiguration.logging.keys.cancellationSignalsKey = "lifecycle.cancellation_signals"
        groupConfiguration.logging.keys.serviceKey = "lifecycle.service"
        groupConfiguration.logging.keys.servicesKey = "lifecycle.services"
        groupConfiguration.logging.keys.errorKey = "error"
        // The group cancels stragglers half a second after the limit, so that an
        // overrun is always measured as longer than the limit below (cancelling
        // exactly at the limit raced with that measurement).
        groupConfiguration.maximumGracefulShutdownDuration =
            Duration.seconds(configuration.common.shutdownGraceSeconds) + .milliseconds(500)
        try await ServiceGroup(configuration: groupConfiguration).run()
        let limit = configuration.common.shutdownGraceSeconds
        if let elapsed = watch.elapsed, elapsed > .seconds(limit) {
            throw TrellisProcessError.gracefulShutdownOverran(elapsed, limit: limit)
        }
    }
}
