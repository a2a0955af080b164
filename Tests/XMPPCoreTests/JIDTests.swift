import Foundation
import Testing
@testable import XMPPCore

@Suite("JID parsing and normalisation (RFC 7622)")
struct JIDTests {
    /// RFC 7622 §3.5 examples of valid JIDs, with the parts each should split into.
    static let valid: [(String, String?, String, String?)] = [
        ("juliet@example.com", "juliet", "example.com", nil),
        ("juliet@example.com/foo", "juliet", "example.com", "foo"),
        ("juliet@example.com/foo bar", "juliet", "example.com", "foo bar"),
        ("juliet@example.com/foo@bar", "juliet", "example.com", "foo@bar"),
        ("foo\\20bar@example.com", "foo\\20bar", "example.com", nil),
        ("fussball@example.com", "fussball", "example.com", nil),
        ("fußball@example.com", "fußball", "example.com", nil),
        ("π@example.com", "π", "example.com", nil),
        ("Σ@example.com/foo", "σ", "example.com", "foo"),
        ("σ@example.com/foo", "σ", "example.com", "foo"),
        ("ς@example.com/foo", "ς", "example.com", "foo"),
        ("king@example.com/♚", "king", "example.com", "♚"),
        ("example.com", nil, "example.com", nil),
        ("example.com/foobar", nil, "example.com", "foobar"),
        ("a.example.com/b@example.net", nil, "a.example.com", "b@example.net"),
    ]

    /// RFC 7622 §3.5 examples of invalid JIDs, plus the empty-part cases of §3.1.
    static let invalid: [(String, JIDError.Part)] = [
        ("\"juliet\"@example.com", .localpart),
        ("foo bar@example.com", .localpart),
        ("juliet@example.com/", .resourcepart),
        ("@example.com/", .localpart),
        ("henri\u{2163}@example.com", .localpart),
        ("\u{265A}@example.com", .localpart),
        ("juliet@", .domainpart),
        ("/foobar", .domainpart),
        ("@b", .localpart),
        ("a@", .domainpart),
        ("a@b/", .resourcepart),
        ("/r", .domainpart),
        ("", .domainpart),
        ("a@b@c", .domainpart),
        ("a@exa mple.com", .domainpart),
        ("a@example..com", .domainpart),
        ("a@.", .domainpart),
        ("a@b/c\u{7}", .resourcepart),
        ("a\u{0}b@example.com", .localpart),
        ("a<b@example.com", .localpart),
        ("a:b@example.com", .localpart),
        ("a&b@example.com", .localpart),
        ("a'b@example.com", .localpart),
        ("a>b@example.com", .localpart),
        ("a@[::1", .domainpart),
        ("a@[::g]", .domainpart),
        ("a@1.2.3", .domainpart),
        ("a@256.1.1.1", .domainpart),
        ("a\u{200D}b@example.com", .localpart),
    ]

    @Test(arguments: 0..<valid.count)
    func validExamples(_ index: Int) throws {
        let (string, local, domain, resource) = Self.valid[index]
        let jid = try JID(string)
        #expect(jid.localpart == local)
        #expect(jid.domainpart == domain)
        #expect(jid.resourcepart == resource)
    }

    @Test(arguments: 0..<invalid.count)
    func invalidExamples(_ index: Int) {
        let (string, part) = Self.invalid[index]
        do {
            let jid = try JID(string)
            Issue.record("'\(string)' parsed as \(jid)")
        } catch {
            #expect(error.part == part, "'\(string)': \(error)")
            #expect(error.condition == "jid-malformed")
        }
    }

    /// Normalisation is idempotent: re-parsing the string form gives the same JID.
    @Test(arguments: 0..<valid.count)
    func normalisationIsIdempotent(_ index: Int) throws {
        let jid = try JID(Self.valid[index].0)
        let again = try JID(jid.description)
        #expect(again == jid)
        #expect(again.description == jid.description)
        #expect(try JID(localpart: jid.localpart, domainpart: jid.domainpart, resourcepart: jid.resourcepart) == jid)
    }

    @Test func resourceIsEverythingAfterTheFirstSlash() throws {
        let jid = try JID("a@b/c@d/e")
        #expect(jid.localpart == "a")
        #expect(jid.domainpart == "b")
        #expect(jid.resourcepart == "c@d/e")
        #expect(jid.description == "a@b/c@d/e")
    }

    @Test func slashFollowedByCombiningMarkStillSplits() throws {
        let jid = try JID("a@b/\u{301}x")
        #expect(jid.domainpart == "b")
        #expect(jid.resourcepart == "\u{301}x")
    }

    @Test func casefoldsLocalAndDomainButNotResource() throws {
        let jid = try JID("Juliet@Example.COM/Balcony")
        #expect(jid.description == "juliet@example.com/Balcony")
        #expect(jid == (try JID("juliet@example.com/Balcony")))
        #expect(jid != (try JID("juliet@example.com/balcony")))
        #expect(try JID("ÉLODIE@ÉCOLE.FR") == (try JID("élodie@école.fr")))
    }

    @Test func nonNFCInputEqualsNFCInput() throws {
        let decomposed = try JID("e\u{301}@cafe\u{301}.example/re\u{301}sume\u{301}")
        let composed = try JID("\u{E9}@caf\u{E9}.example/r\u{E9}sum\u{E9}")
        #expect(decomposed == composed)
        #expect(decomposed.localpart == "\u{E9}")
        #expect(decomposed.resourcepart == "r\u{E9}sum\u{E9}")
        #expect(decomposed.hashValue == composed.hashValue)
    }

    @Test func fullwidthLocalpartMapsToASCII() throws {
        let jid = try JID("\u{FF2A}\u{FF55}\u{FF4C}\u{FF49}\u{FF45}\u{FF54}@example.com")  // ＪＵｌｉｅｔ
        #expect(jid.localpart == "juliet")
        let domain = try JID("a@\u{FF25}\u{FF38}.com")
        #expect(domain.domainpart == "ex.com")
        // Fullwidth forbidden characters still map to forbidden ASCII.
        #expect(throws: JIDError.self) { try JID("a\u{FF20}b@example.com") }
        // The resourcepart (OpaqueString) keeps width.
        #expect(try JID("a@b/\u{FF21}").resourcepart == "\u{FF21}")
    }

    @Test func nonASCIISpacesInResourceBecomeSpace() throws {
        #expect(try JID("a@b/x\u{A0}y\u{3000}z").resourcepart == "x y z")
        #expect(throws: JIDError.resourcepart(.disallowedCharacter("\u{200B}"))) { try JID("a@b/x\u{200B}") }
    }

    @Test func partLengthLimitIs1023Bytes() throws {
        let ok = String(repeating: "a", count: 1023)
        let tooLong = String(repeating: "a", count: 1024)
        #expect(try JID("\(ok)@example.com").localpart == ok)
        #expect(throws: JIDError.localpart(.tooLong(bytes: 1024))) { try JID("\(tooLong)@example.com") }
        #expect(try JID("a@example.com/\(ok)").resourcepart == ok)
        #expect(throws: JIDError.resourcepart(.tooLong(bytes: 1024))) { try JID("a@example.com/\(tooLong)") }
        // Multibyte: 341 × 'é' (2 bytes) + 'a' = 683; 511 × 2 + 1 = 1023; 512 × 2 = 1024.
        let multiOK = String(repeating: "\u{E9}", count: 511) + "a"
        let multiLong = String(repeating: "\u{E9}", count: 512)
        #expect(try JID("\(multiOK)@example.com").localpart?.utf8.count == 1023)
        #expect(throws: JIDError.localpart(.tooLong(bytes: 1024))) { try JID("\(multiLong)@example.com") }
        // 3-byte characters: 341 × 3 = 1023, 342 × 3 = 1026.
        #expect(try JID("a@b/" + String(repeating: "♚", count: 341)).resourcepart?.utf8.count == 1023)
        #expect(throws: JIDError.resourcepart(.tooLong(bytes: 1026))) {
            try JID("a@b/" + String(repeating: "♚", count: 342))
        }
        // Length is measured after normalisation: 1023 decomposed 'é' pairs would be
        // 3069 bytes as input but 2046 after NFC — still too long.
        #expect(throws: JIDError.self) { try JID(String(repeating: "e\u{301}", count: 1023) + "@b") }
        // Domain: labels of 63 bytes are fine, total 1023 is the limit.
        let label = String(repeating: "x", count: 63)
        let domain = Array(repeating: label, count: 16).joined(separator: ".")  // 16 × 64 - 1 = 1023
        #expect(try JID(domain).domainpart.utf8.count == 1023)
        #expect(throws: JIDError.domainpart(.tooLong(bytes: 1025))) { try JID(domain + ".y") }
        #expect(throws: JIDError.domainpart(.invalidLabel(label + "x"))) { try JID("a@\(label)x.com") }
    }

    @Test func domainForms() throws {
        #expect(try JID("a@example.com.").domainpart == "example.com")
        #expect(try JID("a@example.com./r").description == "a@example.com/r")
        #expect(try JID("a@example\u{3002}com").domainpart == "example.com")
        #expect(try JID("a@127.0.0.1/r").domainpart == "127.0.0.1")
        #expect(try JID("a@[::1]/r").domainpart == "[::1]")
        #expect(try JID("a@[0:0:0:0:0:0:0:1]").domainpart == "[::1]")
        #expect(try JID("[2001:DB8::A]").domainpart == "[2001:db8::a]")
        #expect(try JID("localhost").domainpart == "localhost")
        #expect(try JID("a@b").domainpart == "b")
        #expect(try JID("a@münchen.example").domainpart == "münchen.example")
        #expect(throws: JIDError.self) { try JID("a@[]") }
        #expect(throws: JIDError.self) { try JID("a@[1.2.3.4]") }
        #expect(throws: JIDError.self) { try JID("a@exa\tmple.com") }
        #expect(throws: JIDError.self) { try JID("a@☃.example") }
    }

    @Test func initFromParts() throws {
        let jid = try JID(localpart: "Romeo", domainpart: "Montague.LIT", resourcepart: "Orchard")
        #expect(jid.description == "romeo@montague.lit/Orchard")
        #expect(try JID(domainpart: "example.com").description == "example.com")
        #expect(throws: JIDError.localpart(.empty)) { try JID(localpart: "", domainpart: "example.com") }
        #expect(throws: JIDError.resourcepart(.empty)) { try JID(domainpart: "example.com", resourcepart: "") }
        #expect(throws: JIDError.localpart(.disallowedCharacter("@"))) {
            try JID(localpart: "a@b", domainpart: "example.com")
        }
        #expect(throws: JIDError.domainpart(.disallowedCharacter("/"))) { try JID(domainpart: "a/b") }
    }

    @Test func bareAndResource() throws {
        let full = try JID("juliet@example.com/balcony")
        #expect(!full.isBare)
        #expect(full.bare == (try JID("juliet@example.com")))
        #expect(full.bare.isBare)
        #expect(try full.bare.withResource("chamber") == (try JID("juliet@example.com/chamber")))
        #expect(throws: JIDError.resourcepart(.empty)) { try full.withResource("") }
    }

    @Test func codableRoundTrip() throws {
        let jid = try JID("juliet@example.com/balcony")
        let data = try JSONEncoder().encode([jid])
        #expect(try JSONDecoder().decode([String].self, from: data) == ["juliet@example.com/balcony"])
        #expect(try JSONDecoder().decode([JID].self, from: data) == [jid])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([JID].self, from: Data(#"["@x"]"#.utf8))
        }
    }

    /// The ASCII fast path and the Unicode path must agree on every ASCII
    /// character: appending a non-ASCII letter forces the slow path.
    @Test func asciiFastPathAgreesWithUnicodePath() {
        for value in UInt8(0)...0x7F {
            let c = String(UnicodeScalar(value))
            let local = (try? JID("\(c)x@b"))?.localpart
            #expect((try? JID("\(c)x\u{E9}@b"))?.localpart == local.map { $0 + "\u{E9}" }, "localpart \(value)")
            let domain = (try? JID("a@\(c)x"))?.domainpart
            #expect((try? JID("a@\(c)x\u{E9}"))?.domainpart == domain.map { $0 + "\u{E9}" }, "domainpart \(value)")
            let resource = (try? JID("a@b/\(c)x"))?.resourcepart
            #expect((try? JID("a@b/\(c)x\u{E9}"))?.resourcepart == resource.map { $0 + "\u{E9}" }, "resource \(value)")
        }
    }

    @Test func errorsMapToJIDMalformed() {
        let error = JIDError.localpart(.empty)
        #expect(error.stanzaError.condition == .jidMalformed)
        #expect(error.stanzaError.type == .modify)
    }
}
