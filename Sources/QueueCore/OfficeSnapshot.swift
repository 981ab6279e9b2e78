import Foundation

/// What the display board and the public see of an office now. No personal data: tokens appear by
/// number only.
public struct OfficeSnapshot: Sendable, Equatable, Codable {
    public struct CounterNow: Sendable, Equatable, Codable {
        /// The id the counter routes take.
        public var id: Int64
        public var number: Int
        public var state: String
        public var pauseReason: String?
        public var services: [String]
        /// The token called to or served at this counter now.
        public var token: String?
        public var tokenState: String?
    }

    public struct ServiceNow: Sendable, Equatable, Codable {
        public var code: String
        public var waiting: Int
        /// What a citizen booking now would likely wait; nil when no counter serves it now.
        public var estimatedWaitSeconds: Double?
        /// The 80 % range of that wait, when the forecast gives one.
        public var waitLowSeconds: Double? = nil
        public var waitHighSeconds: Double? = nil
        /// False when the office will likely not reach a citizen booking now before closing.
        public var reachedToday: Bool? = nil
        /// The wait as each language says it (filled in by the web layer).
        public var waitText: LocalizedName? = nil
        /// How many counters with a clerk at them serve it now.
        public var openCounters: Int = 0
    }

    public struct Call: Sendable, Equatable, Codable {
        public var token: String
        public var counter: Int
        public var at: Date
        public var recall: Bool
    }

    public var office: String
    public var day: String
    public var isOpenNow: Bool
    /// While closed: when walk-ins are taken again (holidays counted), and today's holiday, if any.
    public var opensAt: Date?
    public var holiday: String?
    /// The newest events row id this snapshot reflects: an SSE client resumes after it.
    public var lastEventID: Int64
    public var counters: [CounterNow]
    public var services: [ServiceNow]
    public var lastCalls: [Call]
}

extension Queue {
    /// How many recent calls the board shows.
    public static let recentCalls = 8

    /// The office's public snapshot, from its live picture.
    public func snapshot(office code: String, at now: Date) throws -> OfficeSnapshot {
        try live.snapshot(office: code, at: now)
    }
}

extension OfficeSnapshot {
    /// The reasons a clerk's console offers for a pause, which anyone may read on the public snapshot.
    public static let publicPauseReasons: Set<String> = ["lunch", "tea break", "system down", "meeting"]

    /// A pause's reason as the public snapshot gives it: one of the console's reasons (as written,
    /// "Lunch" too), or none. The API takes any text, and a reason typed there ("with a citizen
    /// about his disconnection") may name someone; staff still read it on the dashboard.
    static func publicPauseReason(_ reason: String?) -> String? {
        guard let reason, publicPauseReasons.contains(reason.lowercased()) else { return nil }
        return reason
    }
}
