import Foundation

/// JSON encoded once for as long as what it encodes stays the same: many readers of one token's
/// status, or of one office's snapshot, between two changes get the same bytes, and Foundation's
/// encoder runs once per change rather than once per request.
final class EncodedOnce<Key: Hashable & Sendable, Value: Equatable & Encodable & Sendable>: @unchecked Sendable {
    private let capacity: Int
    private let lock = NSLock()
    private var entries: [Key: (value: Value, bytes: [UInt8])] = [:]

    init(capacity: Int) { self.capacity = capacity }

    /// `value` encoded, by `encode`, or as it was the last time it was the same.
    func bytes(_ key: Key, _ value: Value, encode: (Value) -> [UInt8]) -> [UInt8] {
        lock.lock()
        if let known = entries[key], known.value == value {
            lock.unlock()
            return known.bytes
        }
        lock.unlock()
        let bytes = encode(value)
        lock.lock()
        if entries.count >= capacity { entries = [:] }
        entries[key] = (value, bytes)
        lock.unlock()
        return bytes
    }
}
