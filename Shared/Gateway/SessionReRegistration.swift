import Cluster
import Logging
import ServiceLifecycle
import XMPPCore

/// Registers this gateway's live sessions again whenever the node's record had
/// to be recreated (it expired during a stall or a Redis outage, or Redis lost
/// it): the routers' sweeper may have removed the sessions from the registry
/// and told their contacts they went offline. Each session whose record is
/// gone is written back, and an available one routes its last presence again
/// so contacts see it online. (Vines never did this: a node that stalled kept
/// its connections but vanished from the cluster.)
public final class SessionReRegistration: Service, Sendable {
    let environment: GatewayEnvironment
    let recreations: AsyncStream<Void>

    public init(environment: GatewayEnvironment, recreations: AsyncStream<Void>) {
        self.environment = environment
        self.recreations = recreations
    }

    public func run() async throws {
        for await _ in recreations.cancelOnGracefulShutdown() {
            await registerAgain()
        }
    }

    /// Writes back every local session's record; returns how many were restored.
    @discardableResult
    public func registerAgain() async -> Int {
        var restored = 0
        for target in environment.sessions.all {
            guard let registration = target.registration else { continue }
            do {
                guard try await environment.registry.restore(registration.jid, record: registration.record) else { continue }
                restored += 1
                if registration.record.available, let text = registration.record.presence,
                    var presence = StanzaWire.decode(text)
                {
                    presence[attribute: "from"] = registration.jid.description
                    try await environment.routes.submit(presence, from: registration.jid, initialPresence: true)
                }
            } catch {
                environment.logger.warning("could not register a session again", metadata: ["error": "\(error)"])
            }
        }
        environment.logger.notice("sessions registered again", metadata: ["sessions": "\(restored)"])
        return restored
    }
}
