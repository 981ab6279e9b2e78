import Foundation

/// A waiting token as the ordering policy sees it: no names, only what decides its turn.
public struct QueueCandidate: Sendable, Equatable {
    public var tokenID: Int64
    public var priority: PriorityCategory
    public var kind: TokenKind
    /// When it joined the queue (its place in its class): a rejoin resets it; a transfer sets it by
    /// the office's `TransferPlacement` (by default it keeps it).
    public var queuedAt: Date
    /// For an appointment, the local minute of the day its slot starts.
    public var slotStartsAt: Int?

    public init(tokenID: Int64, priority: PriorityCategory = .none, kind: TokenKind = .walkIn,
                queuedAt: Date, slotStartsAt: Int? = nil) {
        self.tokenID = tokenID
        self.priority = priority
        self.kind = kind
        self.queuedAt = queuedAt
        self.slotStartsAt = slotStartsAt
    }
}
