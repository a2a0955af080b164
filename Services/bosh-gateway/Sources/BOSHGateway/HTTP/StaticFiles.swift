/// Where a request path lands under the static `root`, and what it is
/// (pure; `StaticFileHandler` does the reading).
///
/// The path is percent-decoded and split on `/`; a `..` segment, a segment
/// that starts with `.` (dot-files, `.git`), a backslash or a NUL refuses the
/// request, so nothing outside `root` can be named. A path ending in `/`
/// means its `index.html`.
public struct StaticFiles: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
    }

    /// The file system path for a request path, or `nil` when it is refused.
    public func resolve(_ requestPath: String) -> String? {
        guard requestPath.hasPrefix("/"), let decoded = Self.percentDecoded(requestPath) else { return nil }
        var segments: [Substring] = []
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if segment.hasPrefix(".") || segment.contains("\\") || segment.contains("\0") { return nil }
            segments.append(segment)
        }
        if decoded.hasSuffix("/") || segments.isEmpty { segments.append("index.html") }
        return root + "/" + segments.joined(separator: "/")
    }

    /// The `Content-Type` for a file name, by extension.
    public static func contentType(for path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        let ext = name.contains(".") ? name.split(separator: ".").last.map { $0.lowercased() } ?? "" : ""
        return types[ext] ?? "application/octet-stream"
    }

    static let types: [String: String] = [
        "html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8", "json": "application/json",
        "map": "application/json", "txt": "text/plain; charset=utf-8", "xml": "application/xml",
        "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "gif": "image/gif", "webp": "image/webp", "ico": "image/x-icon", "woff": "font/woff",
        "woff2": "font/woff2", "wasm": "application/wasm",
    ]

    /// `%XX` decoding as UTF-8; `nil` for a broken escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
