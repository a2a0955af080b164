import Runtime
import Testing
@testable import BOSHGateway

@Suite("Static files: paths under root")
struct StaticFilesTests {
    let files = StaticFiles(root: "/srv/web/")

    @Test func pathsResolveUnderRoot() {
        #expect(files.resolve("/") == "/srv/web/index.html")
        #expect(files.resolve("/app/") == "/srv/web/app/index.html")
        #expect(files.resolve("/js/app.js") == "/srv/web/js/app.js")
        #expect(files.resolve("/a%20b.txt") == "/srv/web/a b.txt")
        #expect(files.resolve("//js//app.js") == "/srv/web/js/app.js")
    }

    static let refused = ["/../etc/passwd", "/a/../../etc/passwd", "/%2e%2e/etc/passwd", "/.git/config", "/a/.env",
                          "/a%5c..%5cb", "/a%00b", "/%zz", "/%ff", "relative"]

    @Test(arguments: refused)
    func traversalAndHiddenFilesAreRefused(_ path: String) {
        #expect(files.resolve(path) == nil)
    }

    @Test func contentTypes() {
        #expect(StaticFiles.contentType(for: "/x/index.HTML") == "text/html; charset=utf-8")
        #expect(StaticFiles.contentType(for: "/x/app.js") == "text/javascript; charset=utf-8")
        #expect(StaticFiles.contentType(for: "/x/logo.svg") == "image/svg+xml")
        #expect(StaticFiles.contentType(for: "/x/README") == "application/octet-stream")
    }
}

@Suite("vroute: the sticky-session cookie value")
struct VRouteTests {
    @Test func aConfiguredValueIsUsedAsIs() {
        #expect(VRoute.derive(configured: "v2", host: "0.0.0.0", network: nil, addresses: []) == "v2")
    }

    @Test func autoNamesTheReplicaAfterItsListenAddress() {
        #expect(VRoute.derive(configured: "auto", host: "127.0.4.51", network: nil, addresses: []) == "g51")
    }

    @Test func autoOnAllInterfacesUsesTheAddressInTheNetwork() {
        let addresses = ["127.0.0.1", "172.20.0.5", "172.31.240.7"]
        #expect(VRoute.derive(configured: "auto", host: "0.0.0.0", network: "172.31.240.0/24", addresses: addresses) == "g7")
        // Without the network two candidates are ambiguous; one is not.
        #expect(VRoute.derive(configured: "auto", host: "0.0.0.0", network: nil, addresses: addresses) == nil)
        #expect(VRoute.derive(configured: "auto", host: "0.0.0.0", network: nil, addresses: ["127.0.0.1", "10.1.2.3"]) == "g3")
    }

    @Test func autoWithoutAnyCandidateIsUnset() {
        #expect(VRoute.derive(configured: "auto", host: "0.0.0.0", network: "10.0.0.0/8", addresses: ["127.0.0.1", "192.168.1.4"]) == nil)
        #expect(VRoute.derive(configured: "auto", host: "gateway.local", network: nil, addresses: []) == nil)
    }

    @Test func networks() {
        #expect(IPv4Network("172.31.240.0/24")?.contains("172.31.240.255") == true)
        #expect(IPv4Network("172.31.240.0/24")?.contains("172.31.241.1") == false)
        #expect(IPv4Network("0.0.0.0/0")?.contains("8.8.8.8") == true)
        #expect(IPv4Network("172.31.240.0") == nil)
        #expect(IPv4Network("300.1.1.1/8") == nil)
    }
}

@Suite("Client stream output: what the XMPP session writes")
struct ClientStreamOutputTests {
    @Test func headersAreReportedStanzasKeptAndTheEndNoticed() {
        let output = ClientStreamOutput()
        let opened = output.read(
            "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='1' from='example.com' version='1.0'><stream:features/>")
        #expect(opened.elements.map(\.name) == ["features"])
        #expect(opened.header?[attribute: "id"] == "1")
        #expect(opened.header?[attribute: "from"] == "example.com")
        #expect(opened.end == nil)
        #expect(output.read("<message to='a@b'/>").elements.first?.namespace == "jabber:client")
        let failed = output.read("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>")
        guard case .error(let error)? = failed.end else {
            Issue.record("no stream error seen")
            return
        }
        #expect(error.elements.first?.name == "conflict")
        // A restarted stream starts a new document.
        #expect(output.read("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='2' version='1.0'></stream:stream>").end == .closed)
    }
}
