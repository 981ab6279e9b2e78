import Foundation
import QueueCore

/// The cookie that makes a browser an enrolled kiosk: the device id, signed with the server key.
/// Revocation is checked in the database on every use, so the pass itself never needs to expire soon.
enum KioskPass {
    static let lifetimeSeconds = 400 * 86_400

    static func encoded(_ id: Int64, key: [UInt8]) -> String {
        let payload = "kiosk.\(id)"
        return payload + "." + Base64URL.encode(StaffCrypto.sign(Array(payload.utf8), key: key))
    }

    /// The device id, if the pass is signed by this server and written exactly as `encoded` writes
    /// it: `kiosk.02.<mac>` or `kiosk.+2.<mac>` would carry a valid signature of `kiosk.2` under
    /// another spelling, and nginx counts a kiosk's bookings by the cookie's text.
    static func deviceID(_ text: String?, key: [UInt8]) -> Int64? {
        guard let text else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "kiosk", let id = Int64(parts[1]), id > 0,
              ConstantTime.equal(text, encoded(id, key: key)) else { return nil }
        return id
    }
}
