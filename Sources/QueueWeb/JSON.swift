import FastCGI
import Foundation
import QueueCore

/// JSON bodies: stable key order, no escaped slashes, never cached.
enum JSON {
    static func encode<Value: Encodable>(_ value: Value) -> [UInt8] {
        // Encoding our own plain structs cannot fail; an empty object is a safe fallback regardless.
        (try? SortedJSONEncoder().encode(value)) ?? Array("{}".utf8)
    }

    /// Foundation's encoder with the settings `SortedJSONEncoder` writes as, for holding the two equal.
    static var foundationEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    static func response<Value: Encodable>(status: Int = 200, _ value: Value) -> Response {
        response(status: status, bytes: encode(value))
    }

    /// A JSON answer already encoded.
    static func response(status: Int = 200, bytes: [UInt8]) -> Response {
        Response(status: status, headers: [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ], body: .bytes(bytes))
    }
}
