import XMPPCore

extension BOSHSessionStateMachine {
    /// What one HTTP request carried.
    public struct Request: Sendable, Hashable {
        public var rid: UInt64
        public var payloads: [XMLElement]
        public var terminate: Bool
        public var restart: Bool
        /// `pause` in seconds (§10), if asked.
        public var pause: Int?
        /// §9.2: the highest `rid` whose response the client has received.
        public var ack: UInt64?

        public init(
            rid: UInt64, payloads: [XMLElement] = [], terminate: Bool = false, restart: Bool = false, pause: Int? = nil,
            ack: UInt64? = nil
        ) {
            self.rid = rid
            self.payloads = payloads
            self.terminate = terminate
            self.restart = restart
            self.pause = pause
            self.ack = ack
        }
    }

    /// The answer to one HTTP request.
    public struct Response: Sendable, Hashable {
        /// The `rid` of the request this answers.
        public var rid: UInt64
        public var payloads: [XMLElement]
        /// Set when this response ends the session.
        public var terminate: BOSHTerminalCondition?
        /// `true` for a normal end (`type='terminate'` without a condition).
        public var terminatedNormally: Bool
        /// §9.2: the `rid` whose response the client seems to have missed, and
        /// the milliseconds since it was sent.
        public var report: UInt64?
        public var reportTime: Int?

        init(
            rid: UInt64, payloads: [XMLElement] = [], terminate: BOSHTerminalCondition? = nil, terminatedNormally: Bool = false,
            report: UInt64? = nil, reportTime: Int? = nil
        ) {
            self.rid = rid
            self.payloads = payloads
            self.terminate = terminate
            self.terminatedNormally = terminatedNormally
            self.report = report
            self.reportTime = reportTime
        }

        /// The response ends the session.
        public var isTerminal: Bool { terminate != nil || terminatedNormally }
    }
}
