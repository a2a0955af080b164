/// What a client session needs from its connection, whatever carries it (a TCP
/// stream in c2s, HTTP requests in the BOSH gateway).
public protocol SessionTransport: Sendable {
    /// Writes `text`; returns `false` when the connection is gone.
    @discardableResult
    func write(_ text: String) async -> Bool
    /// Writes `text` (the `<proceed/>`), then starts TLS before any further byte
    /// is read (RFC 6120 §5.4.3.3). Returns `false` when that is not possible.
    @discardableResult
    func writeThenStartTLS(_ text: String) async -> Bool
    /// Closes the connection once what was written is flushed.
    func close() async
}
