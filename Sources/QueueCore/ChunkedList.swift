import Foundation

/// The live picture's waiting list (and a forecast plan's tokens): a list in chunks of a few
/// hundred, so that changing a copy that readers share copies one chunk, not the whole queue.
///
/// The group commit's writer brings the office's picture forward with each group's changes while
/// readers keep answering from the installed one, so the first change of each group copied the
/// whole list: 2.7 MB at 27,000 waiting, a sixth of the writer's time in a booking rush, and every
/// booking waits for that one thread. Now a copy shares every chunk, and a change copies the chunk
/// it falls in (a newcomer: the last; a call: one near the front) and the list of chunks.
/// Entries are plain bytes (`LiveOffice.Waiting`), so a chunk is copied as memory. A forecast
/// plan's tokens are kept the same way: each booking's plan is the last one's with the newcomers'
/// tokens added (`LiveOffice.forecastPlan(at:reusing:)`), and copying 27,000 tokens was 2 MB a version.
typealias WaitingList = ChunkedList<LiveOffice.Waiting>

struct ChunkedList<Element>: RandomAccessCollection {
    typealias Indices = Range<Int>

    /// The entries in order, chunk by chunk; no chunk is empty, none holds more than `2 * chunkSize`.
    private var chunks: [[Element]]
    /// Where each chunk begins in the list.
    private var starts: [Int]
    private var total: Int
    /// How many a new chunk takes (a full one is split in two halves of this).
    let chunkSize: Int

    init(_ entries: [Element] = [], chunkSize: Int = 512) {
        precondition(chunkSize > 0, "ChunkedList: chunks hold at least one entry")
        self.chunkSize = chunkSize
        chunks = stride(from: 0, to: entries.count, by: chunkSize).map { Array(entries[$0..<Swift.min($0 + chunkSize, entries.count)]) }
        starts = chunks.indices.map { $0 * chunkSize }
        total = entries.count
    }

    var startIndex: Int { 0 }
    var endIndex: Int { total }

    subscript(position: Int) -> Element {
        get {
            precondition(position >= 0 && position < total, "ChunkedList: index out of range")
            let chunk = chunk(of: position)
            return chunks[chunk][position - starts[chunk]]
        }
        set {
            precondition(position >= 0 && position < total, "ChunkedList: index out of range")
            let chunk = chunk(of: position)
            chunks[chunk][position - starts[chunk]] = newValue
        }
    }

    /// Chunk by chunk, without looking each entry up.
    struct Iterator: IteratorProtocol {
        fileprivate let chunks: [[Element]]
        fileprivate var chunk = 0, offset = 0

        mutating func next() -> Element? {
            while chunk < chunks.count {
                if offset < chunks[chunk].count {
                    defer { offset += 1 }
                    return chunks[chunk][offset]
                }
                chunk += 1
                offset = 0
            }
            return nil
        }
    }

    func makeIterator() -> Iterator { Iterator(chunks: chunks) }

    /// Calls `body` with the entries from `start` on, a run of memory at a time, and the index of
    /// each run's first entry.
    func forEachRun(from start: Int = 0, _ body: (Int, UnsafeBufferPointer<Element>) throws -> Void) rethrows {
        guard start < total else { return }
        for chunk in chunk(of: Swift.max(0, start))..<chunks.count {
            let skip = Swift.max(0, start - starts[chunk])
            try chunks[chunk].withUnsafeBufferPointer { try body(starts[chunk] + skip, UnsafeBufferPointer(rebasing: $0[skip...])) }
        }
    }

    mutating func append(_ entry: Element) {
        if let last = chunks.indices.last, chunks[last].count < chunkSize {
            chunks[last].append(entry)
        } else {
            var chunk: [Element] = []
            chunk.reserveCapacity(chunkSize)
            chunk.append(entry)
            chunks.append(chunk)
            starts.append(total)
        }
        total += 1
    }

    mutating func append<Entries: Sequence<Element>>(contentsOf entries: Entries) {
        for entry in entries { append(entry) }
    }

    static func += <Entries: Sequence<Element>>(list: inout ChunkedList, entries: Entries) { list.append(contentsOf: entries) }

    /// Keeps the first `count` entries.
    mutating func removeSubrange(_ range: PartialRangeFrom<Int>) {
        let count = range.lowerBound
        precondition(count >= 0 && count <= total, "ChunkedList.removeSubrange: index out of range")
        guard count < total else { return }
        let chunk = chunk(of: count)
        let keep = count - starts[chunk]
        let first = keep == 0 ? chunk : chunk + 1
        chunks.removeSubrange(first...)
        starts.removeSubrange(first...)
        if keep > 0 { chunks[chunk].removeSubrange(keep...) }
        total = count
    }

    mutating func insert(_ entry: Element, at index: Int) {
        precondition(index >= 0 && index <= total, "ChunkedList.insert: index out of range")
        guard index < total else { return append(entry) }
        let chunk = chunk(of: index)
        chunks[chunk].insert(entry, at: index - starts[chunk])
        for later in (chunk + 1)..<starts.count { starts[later] += 1 }
        total += 1
        if chunks[chunk].count > 2 * chunkSize {
            let half = chunks[chunk].count / 2
            chunks.insert(Array(chunks[chunk][half...]), at: chunk + 1)
            chunks[chunk].removeSubrange(half...)
            starts.insert(starts[chunk] + half, at: chunk + 1)
        }
    }

    /// Puts `entries` in before `index` (a forecast's newcomers, before the citizens it only expects).
    mutating func insert(contentsOf entries: [Element], at index: Int) {
        precondition(index >= 0 && index <= total, "ChunkedList.insert: index out of range")
        guard index < total else { return append(contentsOf: entries) }
        guard !entries.isEmpty else { return }
        let chunk = chunk(of: index)
        var grown = chunks[chunk]
        grown.insert(contentsOf: entries, at: index - starts[chunk])
        for later in (chunk + 1)..<starts.count { starts[later] += entries.count }
        total += entries.count
        guard grown.count > 2 * chunkSize else {
            chunks[chunk] = grown
            return
        }
        // Too long for one chunk: cut into chunks of `chunkSize` (the last one longer, up to twice).
        let first = starts[chunk]
        var pieces: [[Element]] = [], pieceStarts: [Int] = []
        var from = 0
        while from < grown.count {
            let to = grown.count - from < 2 * chunkSize ? grown.count : from + chunkSize
            pieces.append(Array(grown[from..<to]))
            pieceStarts.append(first + from)
            from = to
        }
        chunks.replaceSubrange(chunk...chunk, with: pieces)
        starts.replaceSubrange(chunk...chunk, with: pieceStarts)
    }

    @discardableResult
    mutating func remove(at index: Int) -> Element {
        precondition(index >= 0 && index < total, "ChunkedList.remove: index out of range")
        let chunk = chunk(of: index)
        let entry = chunks[chunk].remove(at: index - starts[chunk])
        for later in (chunk + 1)..<starts.count { starts[later] -= 1 }
        total -= 1
        if chunks[chunk].isEmpty {
            chunks.remove(at: chunk)
            starts.remove(at: chunk)
        } else if chunk + 1 < chunks.count, chunks[chunk].count + chunks[chunk + 1].count <= chunkSize {
            // Two small neighbours become one, so that removals here and there leave few chunks.
            chunks[chunk] += chunks[chunk + 1]
            chunks.remove(at: chunk + 1)
            starts.remove(at: chunk + 1)
        }
        return entry
    }

    /// The chunk holding `position` (of the list, or its end): guessed from the chunk size (all but
    /// the first and last chunks are most often full), then walked to.
    private func chunk(of position: Int) -> Int {
        guard chunks.count > 1 else { return 0 }
        let offset = chunkSize - chunks[0].count
        var chunk = Swift.min(Swift.max((position + offset) / chunkSize, 0), chunks.count - 1)
        while chunk > 0 && starts[chunk] > position { chunk -= 1 }
        while chunk + 1 < chunks.count && starts[chunk + 1] <= position { chunk += 1 }
        return chunk
    }
}

extension ChunkedList: Sendable where Element: Sendable {}

extension ChunkedList where Element: Comparable {
    /// How many entries are below `value`, in a list kept in ascending order: a binary search over
    /// the chunks' first entries, then one in the chunk before the first not below.
    func count(below value: Element) -> Int {
        var low = 0, high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle][0] < value { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return 0 }
        let chunk = chunks[low - 1]
        var first = 0, last = chunk.count
        while first < last {
            let middle = (first + last) / 2
            if chunk[middle] < value { first = middle + 1 } else { last = middle }
        }
        return starts[low - 1] + first
    }
}

extension ChunkedList: Equatable where Element: Equatable {
    static func == (lhs: ChunkedList, rhs: ChunkedList) -> Bool { lhs.elementsEqual(rhs) }
}
