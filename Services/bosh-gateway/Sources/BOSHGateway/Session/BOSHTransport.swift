import Gateway

/// A `ClientSession`'s connection when it is a BOSH session: what the session
/// writes is queued for the next held HTTP request (XEP-0124 §7.1). There is no
/// STARTTLS over BOSH (XEP-0206 §4: TLS is the HTTP layer's, here nginx's), so
/// the negotiation runs with `secured: true` and never asks for it.
struct BOSHTransport: SessionTransport {
    let session: BOSHSession

    func write(_ text: String) async -> Bool {
        session.write(text)
    }

    func writeThenStartTLS(_ text: String) async -> Bool {
        false
    }

    /// The stream is over; if no `</stream:stream>` or stream error said so,
    /// the session ends normally.
    func close() async {
        session.terminate(nil)
    }
}
