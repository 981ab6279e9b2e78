import Foundation
import QueueCore

/// A console's capability to say that its clerk has left one counter, and nothing else: given with
/// the desk, and sent by the closing console's beacon, which cannot refresh a sign-in that expired
/// meanwhile. It can only forget that one clerk's presence at that one counter (harmless if replayed:
/// the next heartbeat or action brings it back), so it lives for a working day. Signed with the
/// server key, in a shape no access token has (`leave.<counter>.<staff>.<expires>.<mac>`).
struct LeaveKey: Equatable {
    static let lifetimeSeconds: Double = 12 * 3600

    let counterID: Int64
    let staffID: Int64
    /// Unix seconds.
    let expires: Int64

    init(counterID: Int64, staffID: Int64, expires: Int64) {
        self.counterID = counterID
        self.staffID = staffID
        self.expires = expires
    }

    init(counterID: Int64, staffID: Int64, from now: Date) {
        self.init(counterID: counterID, staffID: staffID, expires: Int64(now.timeIntervalSince1970 + Self.lifetimeSeconds))
    }

    private var payload: String { "leave.\(counterID).\(staffID).\(expires)" }

    func encoded(key: [UInt8]) -> String {
        payload + "." + Base64URL.encode(StaffCrypto.sign(Array(payload.utf8), key: key))
    }

    /// The key, if its signature is right and it has not expired.
    static func decode(_ text: String, key: [UInt8], now: Date) -> LeaveKey? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "leave", let counter = Int64(parts[1]), let staff = Int64(parts[2]),
              let expires = Int64(parts[3]), let mac = Base64URL.decode(String(parts[4])) else { return nil }
        let leave = LeaveKey(counterID: counter, staffID: staff, expires: expires)
        guard leave.payload == parts[0...3].joined(separator: "."), StaffCrypto.verify(mac, of: Array(leave.payload.utf8), key: key),
              Double(expires) > now.timeIntervalSince1970 else { return nil }
        return leave
    }
}
