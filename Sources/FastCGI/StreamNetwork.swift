import Foundation

/// The IPv6 network a stream's client belongs to, as the cap per network counts it: its /48. One
/// subscriber is given a /64 (counted per address), but a home or office line gets a /56 and anyone
/// can have a /48 from a tunnel broker: 256 or 65,536 "addresses", enough to fill every slot.
enum StreamNetwork {
    /// "2001:db8:7::/48" for an IPv6 address or nginx's "/64" key, nil for IPv4 (an IPv4 address is
    /// one subscriber, or a carrier's NAT, already counted as one address).
    static func key(of address: String) -> String? {
        guard address.contains(":") else { return nil }
        let bare = address.split(separator: "/").first.map(String.init) ?? address
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, bare, &bytes) == 1 else { return nil }
        // An IPv4-mapped address (::ffff:a.b.c.d) is an IPv4 client.
        if bytes.prefix(10).allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return nil }
        let groups = stride(from: 0, to: 6, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/48"
    }
}
