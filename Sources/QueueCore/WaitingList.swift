import Foundation

/// The live picture's waiting list: an array whose front can be taken out without moving the rest.
///
/// Calls take citizens from the front of the queue, and newcomers join at its end. With a plain
/// array, each call moved every citizen behind the one called, a `memmove` of the whole queue
/// (about 1 MB at 12,000 waiting) on the writer's thread per call. Here the list starts at `start`
/// in `storage`: an entry in the first half is taken out by moving the entries before it one place
/// on, and the places left free before `start` are given back once they outnumber the list (so the
/// storage, which each write group's first change copies, is never more than twice the list).
/// Entries are plain bytes (`LiveOffice.Waiting`), so the free places hold nothing to release.
struct WaitingList: RandomAccessCollection, Sendable, Equatable {
    typealias Indices = Range<Int>

    private var storage: [LiveOffice.Waiting]
    private var start = 0

    init(_ entries: [LiveOffice.Waiting] = []) { storage = entries }

    var startIndex: Int { 0 }
    var endIndex: Int { storage.count - start }
    subscript(position: Int) -> LiveOffice.Waiting { storage[start + position] }

    static func == (lhs: WaitingList, rhs: WaitingList) -> Bool { lhs.elementsEqual(rhs) }

    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<LiveOffice.Waiting>) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start...])) }
    }

    mutating func append(_ entry: LiveOffice.Waiting) { storage.append(entry) }

    mutating func insert(_ entry: LiveOffice.Waiting, at index: Int) {
        precondition(index >= 0 && index <= count, "WaitingList.insert: index out of range")
        guard start > 0, index < count / 2 else { return storage.insert(entry, at: start + index) }
        // Room before the front: the entries before `index` move one place back.
        move(index, from: start, to: start - 1)
        start -= 1
        storage[start + index] = entry
    }

    @discardableResult
    mutating func remove(at index: Int) -> LiveOffice.Waiting {
        precondition(index >= 0 && index < count, "WaitingList.remove: index out of range")
        let entry = storage[start + index]
        guard index < count / 2 else {
            storage.remove(at: start + index)
            return entry
        }
        // The entries before it move one place on; the first place becomes free.
        move(index, from: start, to: start + 1)
        start += 1
        if start > 64, start > count {
            storage.removeFirst(start)
            start = 0
        }
        return entry
    }

    /// Moves `count` entries of `storage` (plain bytes) from one place to another that may overlap it.
    private mutating func move(_ count: Int, from source: Int, to destination: Int) {
        guard count > 0 else { return }
        storage.withUnsafeMutableBufferPointer { buffer in
            _ = memmove(buffer.baseAddress! + destination, buffer.baseAddress! + source, count * MemoryLayout<LiveOffice.Waiting>.stride)
        }
    }
}
