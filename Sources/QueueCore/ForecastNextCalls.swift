/// When each counter of a play can next call, kept so that the first of them is found in a few
/// steps rather than by looking at every counter at every call (the play's innermost question,
/// asked once per citizen called): a tournament over the counters, each pair's earlier one going up
/// (on a tie the lower index, as a pass over the counters in order would find it).
struct ForecastNextCalls {
    private struct Entry {
        var at: Double
        var counter: Int
    }

    /// Leaves from `leaves` on, one per counter (the rest never call); node `i`'s pair is `2i`, `2i + 1`.
    private var entries: ContiguousArray<Entry>
    private let leaves: Int

    /// `at`: by counter, when it can first call.
    init(_ at: [Double]) {
        var leaves = 1
        while leaves < at.count { leaves *= 2 }
        self.leaves = leaves
        entries = ContiguousArray(repeating: Entry(at: .infinity, counter: Int.max), count: 2 * leaves)
        for (counter, moment) in at.enumerated() { entries[leaves + counter] = Entry(at: Self.key(moment), counter: counter) }
        for node in stride(from: leaves - 1, to: 0, by: -1) { entries[node] = Self.earlier(entries[2 * node], entries[2 * node + 1]) }
    }

    /// The counter that can call first, and when; nil when none can before infinity.
    var first: (counter: Int, at: Double)? {
        let top = entries[1]
        return top.at < .infinity ? (top.counter, top.at) : nil
    }

    /// Sets when a counter can next call (infinity: not any more).
    mutating func set(_ counter: Int, _ at: Double) {
        entries.withUnsafeMutableBufferPointer { entries in
            var node = leaves + counter
            entries[node].at = Self.key(at)
            node /= 2
            while node > 0 {
                entries[node] = Self.earlier(entries[2 * node], entries[2 * node + 1])
                node /= 2
            }
        }
    }

    /// A moment that is not a number never comes first, as no comparison finds it earlier.
    private static func key(_ at: Double) -> Double { at.isNaN ? .infinity : at }

    /// The left one (lower counters) unless the right is strictly earlier.
    private static func earlier(_ left: Entry, _ right: Entry) -> Entry { right.at < left.at ? right : left }
}
