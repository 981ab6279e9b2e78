/// A short content hash for asset names (`site.3f9a0c1b2d4e5f60.css`): change the file, change the
/// name, so browsers may cache every name for a year. FNV-1a: for cache busting, not for security.
enum Fingerprint {
    static func of(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `site.css` -> `site.<hash>.css`.
    static func name(_ file: String, bytes: [UInt8]) -> String {
        guard let dot = file.lastIndex(of: ".") else { return "\(file).\(of(bytes))" }
        return "\(file[..<dot]).\(of(bytes))\(file[dot...])"
    }
}
