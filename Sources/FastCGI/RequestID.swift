/// Request identifiers for requests that arrive without one from nginx.
public enum RequestID {
    /// A random 16-hex-digit identifier.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
