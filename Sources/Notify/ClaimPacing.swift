import Foundation

/// How many messages the worker claims next, and how long it lets them gather before it claims.
///
/// Every claim and every record of outcomes is a commit that takes SQLite's one write lock, which
/// the bookings need too. Claiming a fixed 20 at a time, the worker made about 45 commits a second
/// while bookings came at 900 a second. So the claim grows with the backlog (it doubles while
/// claims come back full), and after a claim that emptied the backlog the worker waits a moment
/// (`gatherSeconds`) for the next messages to gather rather than claiming them one commit each. A
/// quiet outbox keeps the smallest claim, and a message booked then goes out at the next look.
///
/// A claim must be sent within its lease, or another worker may take its last messages while
/// they are still in hand: the claim is kept to what half the lease sends at the last batch's
/// pace (a slow gateway gets small claims).
struct ClaimPacing: Sendable, Equatable {
    /// The claim when the outbox is quiet (the worker's `--batch`).
    let smallest: Int
    /// The most one claim takes, however long the backlog.
    let largest: Int
    let leaseSeconds: Double
    /// The pause after a claim that took every due message, for the next ones to gather (at most `pollSeconds`).
    let gatherSeconds: Double
    /// The pause after a claim that found nothing.
    let pollSeconds: Double
    /// How many the next claim takes.
    private(set) var limit: Int

    init(smallest: Int, largest: Int = 1000, leaseSeconds: Double, gatherSeconds: Double, pollSeconds: Double) {
        self.smallest = max(1, smallest)
        self.largest = max(self.smallest, largest)
        self.leaseSeconds = leaseSeconds
        // Never longer than the look at an empty outbox: the gathering is for a busy one.
        self.gatherSeconds = min(gatherSeconds, pollSeconds)
        self.pollSeconds = pollSeconds
        limit = self.smallest
    }

    /// After a batch: `claimed` messages were claimed and took `seconds` to send and record. Sets
    /// the next claim's size and says how long to pause before it.
    mutating func finished(claimed: Int, seconds: Double) -> Double {
        guard claimed > 0 else {
            limit = smallest
            return pollSeconds
        }
        let full = claimed >= limit
        var next = full ? limit * 2 : max(smallest, min(limit, claimed * 2))
        if seconds > 0 {
            // What half the lease sends at this batch's pace; at least one message.
            let withinLease = Int((leaseSeconds / 2) / (seconds / Double(claimed)))
            next = min(next, max(1, withinLease))
        }
        limit = min(largest, next)
        return full ? 0 : gatherSeconds
    }
}
