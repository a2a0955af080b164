import NIOCore

/// The `vroute` cookie value of a BOSH gateway replica (docs/bosh.md).
///
/// A configured value is used as given. `auto` derives `g<N>`, N the last octet
/// of the replica's IPv4 address — the form nginx's map (deploy/nginx/trellis.conf)
/// and the launcher turn back into the replica's address: the `bosh.host`
/// address when it is a specific IPv4 address, else the one interface address
/// inside `vroute_network`, else the only non-loopback IPv4 address. With none
/// or several candidates the value cannot be derived (`nil`).
public enum VRoute {
    public static func derive(configured: String, host: String, network: String?, addresses: [String]) -> String? {
        guard configured == "auto" else { return configured }
        if host != "0.0.0.0", IPv4Network.parse(host) != nil { return name(host) }
        var candidates = addresses.filter { IPv4Network.parse($0) != nil && !$0.hasPrefix("127.") }
        if let network = network.flatMap(IPv4Network.init) { candidates = candidates.filter(network.contains) }
        let distinct = Array(Set(candidates))
        return distinct.count == 1 ? name(distinct[0]) : nil
    }

    static func name(_ address: String) -> String? {
        address.split(separator: ".").last.map { "g" + $0 }
    }

    /// This host's IPv4 interface addresses.
    public static func interfaceAddresses() -> [String] {
        ((try? System.enumerateDevices()) ?? []).compactMap { device in
            guard case .v4? = device.address else { return nil }
            return device.address?.ipAddress
        }
    }
}

extension BOSHConfiguration {
    /// The cookie value this replica sets, or `nil` when `auto` cannot be derived.
    public func resolvedVRoute(addresses: [String] = VRoute.interfaceAddresses()) -> String? {
        VRoute.derive(configured: vroute, host: host, network: vrouteNetwork, addresses: addresses)
    }
}
