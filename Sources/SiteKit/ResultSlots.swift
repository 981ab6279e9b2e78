import Foundation

/// One result per index, filled from many threads; read back in index order once all are in.
final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ result: Result<Value, any Error>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// The values in order, or the error of the lowest index that failed.
    func values() throws -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return try slots.map { slot in
            guard let slot else { preconditionFailure("a slot was never filled") }
            return try slot.get()
        }
    }
}
