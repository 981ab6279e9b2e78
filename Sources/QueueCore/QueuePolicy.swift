/// An office's ordering parameters (table `queue_policy`; these defaults where it has no row).
public struct QueuePolicy: Sendable, Equatable, Codable {
    /// At most this many priority citizens are called in a row while others wait.
    public var maxPriorityStreak: Int
    /// A token that has waited this long goes before every class: nobody waits forever.
    public var agingMinutes: Int
    /// A called citizen is announced again this many times before a no-show may be marked.
    public var recallLimit: Int
    /// Active tokens one mobile number may hold for one day.
    public var activeTokensPerPhone: Int
    /// Seconds a called citizen is given to come after each call before a recall or a no-show.
    public var minRecallSeconds: Int
    /// Minutes a counter's break may run before the dashboard flags it as over the office's limit.
    public var breakLimitMinutes: Int
    /// Where a transferred citizen waits in their new queue (see `TransferPlacement`).
    public var transferPlacement: TransferPlacement

    public static let standard = QueuePolicy(maxPriorityStreak: 2, agingMinutes: 45, recallLimit: 2, activeTokensPerPhone: 3)
    /// The default of `minRecallSeconds` (and of its column, see `CounterRulesMigration`).
    public static let standardRecallSeconds = 30
    /// The default of `breakLimitMinutes` (and of its column).
    public static let standardBreakMinutes = 30

    public init(maxPriorityStreak: Int, agingMinutes: Int, recallLimit: Int, activeTokensPerPhone: Int,
                minRecallSeconds: Int = QueuePolicy.standardRecallSeconds, breakLimitMinutes: Int = QueuePolicy.standardBreakMinutes,
                transferPlacement: TransferPlacement = .originalTime) {
        self.maxPriorityStreak = maxPriorityStreak
        self.agingMinutes = agingMinutes
        self.recallLimit = recallLimit
        self.activeTokensPerPhone = activeTokensPerPhone
        self.minRecallSeconds = minRecallSeconds
        self.breakLimitMinutes = breakLimitMinutes
        self.transferPlacement = transferPlacement
    }
}
