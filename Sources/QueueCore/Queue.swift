import CoreMetrics
import Foundation
import GRDB

/// The queues of every office: booking, check-in, counter actions and positions. Each operation is
/// one transaction that also appends its events; subscribers hear of them after the commit.
public struct Queue: Sendable {
    public let database: AppDatabase
    public let feed: QueueFeed
    /// Each office's live picture, from which every answer about the present is worked out.
    public let live: LiveOffices

    /// Groups the changes that arrive together into one transaction.
    let group: GroupCommit
    /// The settings bookings and calls read, kept while unchanged (see `SettingsCache`).
    let settings = SettingsCache()

    /// `metrics` receives the time changes wait for the write lock (nothing is recorded by default);
    /// `writerNice`, the priority the thread writing every change asks for (0: the process's own).
    /// A change's thread tells the database's `writeWait` before it waits for its group's commit.
    public init(database: AppDatabase, feed: QueueFeed = QueueFeed(), metrics: any MetricsFactory = NOOPMetricsHandler.instance,
                writerNice: Int32 = 0) {
        self.database = database
        self.feed = feed
        live = LiveOffices(database: database, feed: feed)
        group = GroupCommit(writer: database.writer, feed: feed, live: live, metrics: metrics, writerNice: writerNice,
                            beforeWaiting: { [wait = database.writeWait] in wait.willWait() })
    }

    /// Whether this process may give the writer thread the priority `nice` (root, CAP_SYS_NICE, or
    /// an RLIMIT_NICE that allows it: systemd's `LimitNICE=`).
    public static func canRaiseWriter(to nice: Int32) -> Bool { GroupCommit.canRaise(to: nice) }

    /// How many transactions the queue's changes took, and how many changes (for the benchmarks).
    public var groupsWritten: (groups: Int, changes: Int) { group.written }

    /// Runs `change` in a savepoint of the next group transaction (see `GroupCommit`) and returns its
    /// result once the group has committed; the events it appended are published as it commits.
    ///
    /// `settled`: the change returns its token (or `BookingOutcome`, or `CounterTurn`) as the change leaves it (a
    /// booking's new row), so it is not read again for the picture.
    func commit<Result: Sendable>(settled: Bool = false, _ change: (Database, inout [QueueEvent]) throws -> Result) throws -> Result {
        var result: Result?
        try group.write { db -> QueueChange? in
            var events: [QueueEvent] = []
            result = try change(db, &events)
            let known = settled ? result.map(Self.settledTokens) ?? [] : []
            guard !events.isEmpty else { return nil }
            var preceding: [String: Int64] = [:]
            for office in Set(events.map(\.officeCode)) {
                let first = events.filter { $0.officeCode == office }.map(\.id).min() ?? 0
                preceding[office] = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM event WHERE office_code = ? AND id < ?"),
                                                       arguments: [office, first]) ?? 0
            }
            let tokens = try Set(events.compactMap(\.tokenID)).sorted().compactMap { id in
                try known.first { $0.id == id } ?? Token.fetch(db, id: id)
            }
            let counters = try Set(events.compactMap(\.counterID) + tokens.compactMap(\.counterID)).sorted()
                .compactMap { try Counter.fetch(db, id: $0) }
            // Whether the citizens it leaves at a counter were told of their call, read on the writer's
            // own connection: the desk answering the key press then needs no reader (about 90 us a press).
            var told: [Int64: [CounterDesk.MessageStatus]] = [:]
            for token in tokens where token.counterID != nil && (token.state == .called || token.state == .serving) {
                told[token.id] = try CounterDesk.toldOfCall(db, token: token.id)
            }
            return QueueChange(events: events.sorted { $0.id < $1.id }, precedingEventID: preceding, tokens: tokens, counters: counters,
                               toldOfCall: told)
        }
        guard let result else { throw QueueError.tokenNotFound }  // not reached: no error means the change ran
        return result
    }

    /// The tokens a settled change returns, in whichever shape it returns them (a dynamic cast to
    /// `Token` also unwraps a `Token?`).
    private static func settledTokens(_ result: Any) -> [Token] {
        switch result {
        case let token as Token: [token]
        case let outcome as BookingOutcome: [outcome.token]
        case let turn as CounterTurn: [turn.completed] + (turn.called.map { [$0] } ?? [])
        default: []
        }
    }
}

/// What the queue needs to know about an office to apply its rules.
struct OfficeFacts: Sendable {
    let code: String
    let timeZone: TimeZone
    let policy: QueuePolicy

    static func load(_ db: Database, code: String) throws -> OfficeFacts {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT o.code, o.time_zone, p.max_priority_streak, p.aging_minutes, p.recall_limit, p.active_tokens_per_phone,
                   p.min_recall_seconds, p.break_limit_minutes, p.transfer_placement
            FROM office o LEFT JOIN queue_policy p ON p.office_code = o.code WHERE o.code = ?
            """), arguments: [code]) else { throw QueueError.officeNotFound(code) }
        var policy = QueuePolicy.standard
        if let streak = row["max_priority_streak"] as Int? {
            policy = QueuePolicy(maxPriorityStreak: streak, agingMinutes: row["aging_minutes"],
                                 recallLimit: row["recall_limit"], activeTokensPerPhone: row["active_tokens_per_phone"],
                                 minRecallSeconds: row["min_recall_seconds"], breakLimitMinutes: row["break_limit_minutes"],
                                 transferPlacement: TransferPlacement(rawValue: row["transfer_placement"]) ?? .originalTime)
        }
        return OfficeFacts(code: row["code"], timeZone: TimeZone(identifier: row["time_zone"]) ?? Self.india, policy: policy)
    }

    static let india = TimeZone(identifier: "Asia/Kolkata") ?? .current

    func serviceDay(_ date: Date) -> ServiceDay { ServiceDay(date, timeZone: timeZone) }

    /// The holiday's reason if the office is closed all that day.
    func holiday(_ db: Database, day: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT reason FROM office_holiday WHERE office_code = ? AND day = ?"),
                            arguments: [code, day])
    }

    /// The office's hours and coming holidays, for the opening rules.
    func calendar(_ db: Database, from day: String) throws -> OfficeCalendar {
        try OfficeCalendar.load(db, office: code, timeZone: timeZone, from: day)
    }

    func isOpen(_ db: Database, at moment: ServiceDay) throws -> Bool {
        try calendar(db, from: moment.day).isOpen(at: moment)
    }

    /// The next moment the office opens after `date`, within a week.
    func nextOpening(_ db: Database, after date: Date) throws -> Date? {
        try calendar(db, from: serviceDay(date).day).nextOpening(after: date)
    }
}

/// A service as one office offers it.
struct OfferedService: Sendable {
    let code: String
    let prefix: String
    let dailyCap: Int
    let takesAppointments: Bool

    static func load(_ db: Database, office: String, service: String) throws -> OfferedService {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT s.code, s.token_prefix, s.takes_appointments, os.daily_cap
            FROM office_service os JOIN service s ON s.code = os.service_code
            WHERE os.office_code = ? AND os.service_code = ?
            """), arguments: [office, service]) else {
            throw QueueError.serviceNotOffered(office: office, service: service)
        }
        return OfferedService(code: row["code"], prefix: row["token_prefix"], dailyCap: row["daily_cap"],
                              takesAppointments: row["takes_appointments"])
    }
}
