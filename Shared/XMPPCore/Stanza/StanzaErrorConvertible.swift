/// Something that can be reported to the sender of a stanza as a stanza
/// error (RFC 6120 §8.3), e.g. by `XMLElement.errorReply(_:)`.
public protocol StanzaErrorConvertible: Error {
    var stanzaError: StanzaError { get }
}

extension JIDError: StanzaErrorConvertible {
    /// A malformed address is `jid-malformed`, type 'modify' (RFC 6120 §8.3.3.8).
    public var stanzaError: StanzaError { StanzaError(.jidMalformed, text: description) }
}
