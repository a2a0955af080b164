import Testing
@testable import XMPPCore

/// XEP-0082 DateTime: what is read, what is refused, what is written.
@Suite("XEP-0082 date and time")
struct XMPPDateTimeTests {
    @Test func readsTheProfileWithZonesAndFractions() {
        let rows: [(String, Int64)] = [
            ("1970-01-01T00:00:00Z", 0),
            ("2010-07-10T23:08:25Z", 1_278_803_305_000),
            ("2010-07-10T23:08:25.123Z", 1_278_803_305_123),
            ("2010-07-10T23:08:25.1Z", 1_278_803_305_100),
            ("2010-07-10T23:08:25.123456Z", 1_278_803_305_123),
            ("2010-07-11T01:08:25+02:00", 1_278_803_305_000),
            ("2010-07-10T18:38:25-04:30", 1_278_803_305_000),
            ("2000-02-29T12:00:00Z", 951_825_600_000),
            ("1969-12-31T23:59:59Z", -1000),
            ("2100-03-01T00:00:00Z", 4_107_542_400_000),
        ]
        for (text, milliseconds) in rows {
            #expect(XMPPDateTime.milliseconds(text) == milliseconds, "\(text)")
        }
    }

    @Test func refusesWhatIsNotTheProfile() {
        for text in [
            "", "2010-07-10", "2010-07-10T23:08:25", "2010-07-10 23:08:25Z", "2010-13-10T23:08:25Z",
            "2010-00-10T23:08:25Z", "2010-02-30T00:00:00Z", "2100-02-29T00:00:00Z", "2010-07-10T24:00:00Z",
            "2010-07-10T23:60:00Z", "2010-07-10T23:08:61Z", "2010-07-10T23:08:25.Z", "2010-07-10T23:08:25+0200",
            "2010-07-10T23:08:25+25:00", "10-07-10T23:08:25Z", "2010-07-10T23:08:25Zjunk", "yesterday",
            "2010-07-10T23:08:25z",
        ] {
            #expect(XMPPDateTime.milliseconds(text) == nil, "\(text)")
        }
    }

    @Test func writesUTCWithMillisecondsAndReadsItBack() {
        #expect(XMPPDateTime.string(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(XMPPDateTime.string(milliseconds: 1_278_803_305_123) == "2010-07-10T23:08:25.123Z")
        #expect(XMPPDateTime.string(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        for milliseconds: Int64 in [0, 951_825_600_000, 1_764_150_000_042, 4_107_542_399_999, -86_400_001] {
            #expect(XMPPDateTime.milliseconds(XMPPDateTime.string(milliseconds: milliseconds)) == milliseconds)
        }
    }
}
