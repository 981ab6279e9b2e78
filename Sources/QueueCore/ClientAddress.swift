import Foundation

/// A client's address as limits count it: an IPv4 address as it is, an IPv6 address by its /64
/// (what one subscriber is given, so that rotating within it buys nothing).
public enum ClientAddress {
    public static func limitKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var bytes = [UInt8](repeating: 0, count: 16)
        guard inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        return Digits.hex(bytes.prefix(8)) + "::/64"
    }
}
