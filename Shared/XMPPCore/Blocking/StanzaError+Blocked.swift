extension StanzaError {
    /// XEP-0191 §3.3: the error for a stanza to a blocked JID, typed `cancel`
    /// as in the XEP's example (retrying cannot help until the user unblocks).
    public static var blocked: StanzaError {
        StanzaError(
            .notAcceptable, type: .cancel,
            applicationCondition: XMLElement(name: "blocked", namespace: XMPPNamespace.blockingErrors))
    }
}
