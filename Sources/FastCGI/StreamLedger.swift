import Foundation

/// Counts the open event streams by client and network, and decides whether a new one may open.
///
/// The caps per address and per IPv6 /48 bound one holder, but a few dozen holders at their caps
/// still fill the server (40 IPv4 addresses at 300 each take all 12,000 slots), after which every
/// citizen's page was refused. So, when the server is full, a newcomer whose holder has at least two
/// streams fewer than the heaviest holder takes the place of that holder's newest stream, which ends
/// (its client is told to come back in 30 s, and is refused while its holder stays the heaviest). The
/// streams are then shared as evenly as the holders allow: refusing a newcomer takes a server full
/// of holders with a stream or two each. A holder is an IPv4 address or an IPv6 /48.
///
/// Streams the application marks as keeping their place (`Response.keepsItsPlace`: staff's
/// consoles, enrolled kiosks) are counted but never ended, and do not weigh their holder: an
/// office's own address, often the heaviest, must not lose its board or its consoles.
///
/// A value type, used under `ServerLifecycle`'s lock.
struct StreamLedger {
    /// The outcome of asking to open a stream.
    enum Admission {
        /// Counted in as `id`, ended (to make room for another) by `ending` once that is set;
        /// `displacing` is another holder's stream to end to make room for this one.
        case admitted(id: UInt64, ending: StreamEnding, displacing: StreamEnding?)
        case refused(StreamRefusal)
    }

    private(set) var open = 0
    private var byAddress: [String: Int] = [:]
    private var byNetwork: [String: Int] = [:]
    /// The streams that may still be ended to make room, by holder, then by id (newest: highest).
    private var endable: [String: [UInt64: StreamEnding]] = [:]
    private var nextID: UInt64 = 1

    /// `endable`: whether the stream may be ended to make room for another (not a staff member's).
    mutating func admit(from address: String, limit: Int, perAddress: Int, perNetwork: Int, endable mayEnd: Bool = true) -> Admission {
        let network = StreamNetwork.key(of: address)
        if byAddress[address, default: 0] >= perAddress { return .refused(.addressFull(limit: perAddress)) }
        if let network, byNetwork[network, default: 0] >= perNetwork { return .refused(.networkFull(limit: perNetwork)) }
        let holder = network ?? address
        var displaced: StreamEnding?
        if open >= limit {
            guard let heaviest = heaviestHolder(), heaviest.count >= (endable[holder]?.count ?? 0) + 2,
                  let newest = endable[heaviest.holder]?.keys.max() else {
                return .refused(.serverFull(limit: limit))
            }
            displaced = endable[heaviest.holder]?[newest]
            forget(newest, of: heaviest.holder)
        }
        let id = nextID
        nextID += 1
        open += 1
        byAddress[address, default: 0] += 1
        if let network { byNetwork[network, default: 0] += 1 }
        let ending = StreamEnding()
        if mayEnd {
            let had = endable[holder]?.count ?? 0
            endable[holder, default: [:]][id] = ending
            move(holder, from: had, to: had + 1)
        }
        return .admitted(id: id, ending: ending, displacing: displaced)
    }

    mutating func close(_ id: UInt64, from address: String) {
        let network = StreamNetwork.key(of: address)
        open -= 1
        Self.takeOne(from: &byAddress, at: address)
        if let network { Self.takeOne(from: &byNetwork, at: network) }
        forget(id, of: network ?? address)
    }

    /// The stream `id` of `holder` can no longer be ended to make room (it closes, or is ending).
    private mutating func forget(_ id: UInt64, of holder: String) {
        guard let had = endable[holder]?.count, endable[holder]?.removeValue(forKey: id) != nil else { return }
        if had == 1 { endable[holder] = nil }
        move(holder, from: had, to: had - 1)
    }

    /// The holders by how many streams they could end, and the most any holds: kept as they change,
    /// so that a full server finds the heaviest at once, however many holders it serves.
    private var holdersByCount: [Int: Set<String>] = [:]
    private var mostHeld = 0

    private mutating func move(_ holder: String, from old: Int, to new: Int) {
        if old > 0 {
            holdersByCount[old]?.remove(holder)
            if holdersByCount[old]?.isEmpty == true { holdersByCount[old] = nil }
        }
        if new > 0 { holdersByCount[new, default: []].insert(holder) }
        mostHeld = max(mostHeld, new)
        while mostHeld > 0 && holdersByCount[mostHeld] == nil { mostHeld -= 1 }
    }

    /// The holder with the most streams that can be ended.
    private func heaviestHolder() -> (holder: String, count: Int)? {
        holdersByCount[mostHeld]?.first.map { ($0, mostHeld) }
    }

    private static func takeOne(from counts: inout [String: Int], at key: String) {
        let left = counts[key, default: 1] - 1
        counts[key] = left > 0 ? left : nil
    }
}

/// How to end one open stream to make room for another: set once the stream is running. Ending it
/// before then ends it as soon as it is set.
final class StreamEnding: @unchecked Sendable {
    private let lock = NSLock()
    private var action: (@Sendable () -> Void)?
    private var ended = false

    func set(_ end: @escaping @Sendable () -> Void) {
        lock.lock()
        guard !ended else { lock.unlock(); end(); return }
        action = end
        lock.unlock()
    }

    func end() {
        lock.lock()
        ended = true
        let end = action
        action = nil
        lock.unlock()
        end?()
    }
}
