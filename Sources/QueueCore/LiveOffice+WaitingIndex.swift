import Foundation
import Synchronization

/// The last waiting-list revision given out, by any picture of this process.
private let waitingRevisions = Atomic<Int64>(0)

/// The waiting list's two companions, kept with it so that a counter's head of the queue (each key
/// press's desk, each call) is found without a pass over thousands: how many wait for each service,
/// and the few entries a pass in arrival order cannot stop before (see `LiveOffice.head`).
extension LiveOffice {
    /// Whether an entry can go before those who came earlier, or be left for another counter: a
    /// priority citizen, an appointment, a token sent to a counter. Everyone else is called in
    /// arrival order within their class.
    static func isUnusual(_ entry: Waiting) -> Bool {
        entry.candidate.priority.isPriority || entry.candidate.kind == .appointment || entry.targetCounter != nil
    }

    /// Builds the companions from the waiting list (a load).
    mutating func indexWaiting() {
        waitingPerService = [Int](repeating: 0, count: serviceCodes.count)
        unusual = []
        for entry in waiting {
            waitingPerService[entry.serviceNumber] += 1
            if Self.isUnusual(entry) { unusual.append(entry) }
        }
    }

    /// A revision no waiting list of this process had.
    static func newWaitingRevision() -> Int64 { waitingRevisions.add(1, ordering: .relaxed).newValue }

    /// Puts a token into the waiting list at its place in arrival order (a newcomer is last: no search).
    mutating func insertWaiting(_ entry: Waiting) {
        let key = (entry.candidate.queuedAt, entry.id)
        if let last = waiting.last, (last.candidate.queuedAt, last.id) > key {
            waiting.insert(entry, at: Self.insertionIndex(of: key, in: waiting))
            waitingRevision = Self.newWaitingRevision()
        } else {
            waiting.append(entry)
        }
        waitingPerService[entry.serviceNumber] += 1
        if Self.isUnusual(entry) { unusual.insert(entry, at: Self.insertionIndex(of: key, in: unusual)) }
    }

    /// Takes the entry at `index` out of the waiting list.
    mutating func removeWaiting(at index: Int) {
        let entry = waiting.remove(at: index)
        waitingRevision = Self.newWaitingRevision()
        waitingPerService[entry.serviceNumber] -= 1
        if Self.isUnusual(entry), let at = Self.index(of: (entry.candidate.queuedAt, entry.id), in: unusual) { unusual.remove(at: at) }
    }

    /// The first index of `list` (in arrival order) whose entry does not come before `key`.
    static func insertionIndex<List: RandomAccessCollection<Waiting>>(of key: (Date, Int64), in list: List) -> Int where List.Index == Int {
        var low = list.startIndex, high = list.endIndex
        while low < high {
            let middle = (low + high) / 2
            if (list[middle].candidate.queuedAt, list[middle].id) < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The index of the entry of `key` (queueing time, id) in `list` (in arrival order), if it is there.
    static func index<List: RandomAccessCollection<Waiting>>(of key: (Date, Int64), in list: List) -> Int? where List.Index == Int {
        let low = insertionIndex(of: key, in: list)
        return low < list.endIndex && list[low].id == key.1 ? low : nil
    }
}
