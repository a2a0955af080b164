import Logging
import ServiceLifecycle

/// Keeps this gateway's managed sessions alive in Redis (XEP-0198): every few
/// seconds it pushes the deadlines of the attached ones further out, so that
/// only sessions whose node died, or whose connection went, ever reach their
/// deadline and get expired by a router. It also forgets detached sessions
/// that waited longer than `max` here (a router expired them, or another node
/// resumed them and the close never came).
public final class StreamManagementKeeper: Service, Sendable {
    let environment: GatewayEnvironment
    let interval: Duration

    public init(environment: GatewayEnvironment, interval: Duration = .seconds(10)) {
        self.environment = environment
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: interval)
            await beat()
        }
    }

    func beat() async {
        var attached: [ManagedSession] = []
        for target in environment.sessions.all {
            guard let endpoint = target as? SessionEndpoint, let management = endpoint.management else { continue }
            guard let detachedAt = management.detachedAt else {
                attached.append(management.session)
                continue
            }
            let waited = ContinuousClock.now - detachedAt
            if waited > .seconds(management.session.maxSeconds) + interval + .seconds(5) {
                environment.sessions.remove(jid: management.session.jid.description, sessionID: endpoint.sessionID)
            }
        }
        do {
            try await environment.resumption.keepAlive(attached)
        } catch {
            environment.logger.warning("could not keep managed sessions alive", metadata: ["error": "\(error)"])
        }
    }
}
