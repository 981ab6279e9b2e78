import Foundation
import GRDB

/// The outbox's sending side: workers claim due messages under a lease, record each attempt's
/// outcome, and gateways' delivery reports close them. Every step is one short transaction.
public struct Deliveries: Sendable {
    public let database: AppDatabase

    public init(database: AppDatabase) { self.database = database }

    /// Takes up to `limit` due messages for `owner` until `leaseSeconds` from now: due pending or
    /// failed messages, and messages whose sender's lease ran out (a worker killed mid-send). Two
    /// workers never hold the same message at once.
    ///
    /// The candidates are found in a read, so that a worker with nothing to send (it looks every
    /// poll) never takes the write lock that bookings need, and the write holds it for one update.
    public func claim(owner: String, limit: Int, leaseSeconds: Double, lane: Lane = .every, at now: Date) throws -> [OutboxMessage] {
        let candidates = try database.writer.read { db in try Self.candidates(db, limit: limit, lane: lane, at: now) }
        guard !candidates.isEmpty else { return [] }
        let rows = try database.write { db in try Self.take(db, candidates, owner: owner, leaseSeconds: leaseSeconds, at: now) }
        return try Self.messages(rows, in: candidates)
    }

    /// Records the outcomes of a batch and claims the next due messages in one transaction: the two
    /// write the same outbox pages, and each write transaction holds the lock bookings wait for.
    /// The outcomes' new states (as `record` returns them) and the messages claimed.
    public func recordAndClaim(_ outcomes: [(message: OutboxMessage, outcome: Outcome)], owner: String, retry: RetryPolicy,
                               unit: () -> Double = { Double.random(in: 0..<1) }, limit: Int, leaseSeconds: Double,
                               lane: Lane = .every, at now: Date) throws -> (states: [OutboxMessage.State?], claimed: [OutboxMessage]) {
        let units = outcomes.map { _ in unit() }
        let (states, candidates, rows) = try database.write { db in
            let states = try Self.write(outcomes, units: units, owner: owner, retry: retry, db, at: now)
            let candidates = try Self.candidates(db, limit: limit, lane: lane, at: now)
            return (states, candidates, candidates.isEmpty ? [] : try Self.take(db, candidates, owner: owner, leaseSeconds: leaseSeconds, at: now))
        }
        return (states, try Self.messages(rows, in: candidates))
    }

    /// Due messages' ids, at most `limit`: lapsed leases first (those messages have waited longest),
    /// then the due, oldest due first: each a range of its lane's partial index (`OutboxLanesMigration`),
    /// however many sent messages the table keeps and however many the other lane has waiting.
    private static func candidates(_ db: Database, limit: Int, lane: Lane, at now: Date) throws -> [Int64] {
        let moment = now.milliseconds
        var ids = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT id FROM outbox WHERE state = 'sending' AND lease_until < ? \(lane.condition) ORDER BY lease_until LIMIT ?
            """), arguments: [moment, limit])
        var due: [(at: Int64, id: Int64)] = []
        for part in lane.parts {
            due += try Row.fetchAll(db.cachedStatement(sql: dueSQL(part)), arguments: [moment, limit - ids.count]).map { ($0[0], $0[1]) }
        }
        ids += due.sorted { ($0.at, $0.id) < ($1.at, $1.id) }.prefix(limit - ids.count).map(\.id)
        return ids
    }

    /// A lane's due messages, oldest due first (arguments: now, limit).
    static func dueSQL(_ lane: Lane) -> String {
        """
        SELECT next_attempt_at, id FROM outbox WHERE state IN ('pending', 'failed') AND next_attempt_at <= ? \(lane.condition)
        ORDER BY next_attempt_at, id LIMIT ?
        """
    }

    /// Which channels a worker's loop takes. Each push post may take 10 s, so a push service in
    /// trouble must not hold up the SMS of every office: push has a loop of its own.
    public enum Lane: Sendable, Equatable {
        case every
        case push
        case allButPush

        /// The condition on `channel`, spelt as the partial indexes spell it (SQLite uses a partial
        /// index only for a query whose WHERE names its terms; a bound parameter would not do).
        var condition: String {
            switch self {
            case .every: ""
            case .push: "AND channel = 'push'"
            case .allButPush: "AND channel <> 'push'"
            }
        }

        /// The lanes whose indexes this one reads.
        var parts: [Lane] { self == .every ? [.allButPush, .push] : [self] }
    }

    /// Leases the candidates still due as the write finds them (another worker may have claimed one
    /// since they were found), counting the attempt. The rows, decoded after the commit: decoding each
    /// one's values (JSON) inside the write held the lock that bookings wait for.
    private static func take(_ db: Database, _ candidates: [Int64], owner: String, leaseSeconds: Double, at now: Date) throws -> [Row] {
        let moment = now.milliseconds
        let ids = String(decoding: try JSONEncoder().encode(candidates), as: UTF8.self)
        return try Row.fetchAll(db.cachedStatement(sql: """
            UPDATE outbox SET state = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1
            WHERE id IN (SELECT value FROM json_each(?))
                AND (state = 'sending' AND lease_until < ? OR state IN ('pending', 'failed') AND next_attempt_at <= ?)
            RETURNING *
            """), arguments: [owner, now.addingTimeInterval(leaseSeconds).milliseconds, ids, moment, moment])
    }

    /// The claimed rows as messages, in the candidates' order.
    private static func messages(_ rows: [Row], in candidates: [Int64]) throws -> [OutboxMessage] {
        let claimed = try rows.map(OutboxMessage.init(row:))
        let order = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1, $0) })
        return claimed.sorted { order[$0.id, default: 0] < order[$1.id, default: 0] }
    }

    /// What was sent, as recorded against the message.
    public struct Sent: Sendable {
        public var templateKey: String
        public var templateID: String?
        public var body: String
        /// The gateway's id for the message, which its delivery reports name.
        public var providerID: String?
        /// True when the channel confirms delivery itself (the local sink, SMTP's acceptance is not).
        public var isDelivered: Bool

        public init(templateKey: String, templateID: String?, body: String, providerID: String?, isDelivered: Bool = false) {
            self.templateKey = templateKey
            self.templateID = templateID
            self.body = body
            self.providerID = providerID
            self.isDelivered = isDelivered
        }
    }

    /// How one attempt ended.
    public enum Outcome: Sendable {
        case sent(Sent)
        /// `permanent` when trying again cannot help (a text the template refuses, a bad address).
        /// `retryAfterSeconds`: the channel asked not to be tried again sooner (an HTTP `Retry-After`).
        case failed(reason: String, permanent: Bool, retryAfterSeconds: Double? = nil)
    }

    /// Records the outcomes of a batch of attempts in one transaction (one commit for the batch,
    /// not one per message). A sent message becomes sent (or delivered); a failed one is tried
    /// again after the policy's backoff, or given up once its attempts are spent or the failure is
    /// permanent. Each message's new state, or nil where the lease was lost meanwhile (another
    /// worker has it now): nothing is changed for those.
    @discardableResult
    public func record(_ outcomes: [(message: OutboxMessage, outcome: Outcome)], owner: String, retry: RetryPolicy,
                       unit: () -> Double = { Double.random(in: 0..<1) }, at now: Date) throws -> [OutboxMessage.State?] {
        let units = outcomes.map { _ in unit() }
        return try database.write { db in try Self.write(outcomes, units: units, owner: owner, retry: retry, db, at: now) }
    }

    /// `record`'s writes, inside the caller's transaction.
    private static func write(_ outcomes: [(message: OutboxMessage, outcome: Outcome)], units: [Double], owner: String,
                              retry: RetryPolicy, _ db: Database, at now: Date) throws -> [OutboxMessage.State?] {
        try zip(outcomes, units).map { entry, unit -> OutboxMessage.State? in
            let state: OutboxMessage.State
            switch entry.outcome {
            case .sent(let sent):
                state = sent.isDelivered ? .delivered : .sent
                try db.cachedStatement(sql: """
                    UPDATE outbox SET state = ?, template_key = ?, template_id = ?, body = ?, provider_id = ?, sent_at = ?,
                        finished_at = ?, lease_owner = NULL, lease_until = NULL, next_attempt_at = NULL, last_error = NULL
                    WHERE id = ? AND lease_owner = ?
                    """).execute(arguments: [state.rawValue, sent.templateKey, sent.templateID, sent.body, sent.providerID,
                                             now.milliseconds, sent.isDelivered ? now.milliseconds : nil, entry.message.id, owner])
            case .failed(let reason, let permanent, let retryAfter):
                let givesUp = permanent || entry.message.attempts >= retry.maxAttempts
                let next = now.addingTimeInterval(retry.delay(afterAttempts: entry.message.attempts, unit: unit, notSoonerThan: retryAfter))
                state = givesUp ? .gaveUp : .failed
                try db.cachedStatement(sql: """
                    UPDATE outbox SET state = ?, last_error = ?, next_attempt_at = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL
                    WHERE id = ? AND lease_owner = ?
                    """).execute(arguments: [state.rawValue, String(reason.prefix(300)), givesUp ? nil : next.milliseconds,
                                             givesUp ? now.milliseconds : nil, entry.message.id, owner])
            }
            return db.changesCount == 1 ? state : nil
        }
    }

    /// Gives back claimed messages this worker will not attempt (it is stopping): due again at once
    /// for any worker, the claim not counted as an attempt.
    public func release(_ messages: [OutboxMessage], owner: String) throws {
        guard !messages.isEmpty else { return }
        try database.write { db in
            for message in messages {
                try db.cachedStatement(sql: """
                    UPDATE outbox SET state = 'pending', attempts = attempts - 1, lease_owner = NULL, lease_until = NULL
                    WHERE id = ? AND lease_owner = ? AND state = 'sending'
                    """).execute(arguments: [message.id, owner])
            }
        }
    }

    /// Records one send the channel accepted; false if the lease was lost meanwhile.
    @discardableResult
    public func markSent(_ message: OutboxMessage, owner: String, _ sent: Sent, at now: Date) throws -> Bool {
        let states = try record([(message, .sent(sent))], owner: owner, retry: RetryPolicy(), at: now)
        return states.first.flatMap { $0 } != nil
    }

    /// Records one failed attempt (see `record`); the message's new state.
    @discardableResult
    public func markFailed(_ message: OutboxMessage, owner: String, reason: String, permanent: Bool, retryAfterSeconds: Double? = nil,
                           retry: RetryPolicy, unit: Double, at now: Date) throws -> OutboxMessage.State {
        let states = try record([(message, .failed(reason: reason, permanent: permanent, retryAfterSeconds: retryAfterSeconds))],
                                owner: owner, retry: retry, unit: { unit }, at: now)
        return states.first.flatMap { $0 } ?? message.state
    }

    /// A gateway's delivery report for the message it knows as `providerID` (or by our idempotency
    /// key): delivered, or failed with the gateway's reason, once: only a message still `sent` takes it, so a
    /// replayed or repeated report changes nothing. False if no such message matches.
    public func recordReport(messageRef: String, delivered: Bool, reason: String?, at now: Date) throws -> Bool {
        try database.write { db in
            try db.cachedStatement(sql: """
                UPDATE outbox SET state = ?, last_error = ?, finished_at = ?
                WHERE (provider_id = ? OR idempotency_key = ?) AND state = 'sent' AND sent_at IS NOT NULL
                """).execute(arguments: [delivered ? "delivered" : "failed", delivered ? nil : String((reason ?? "failed").prefix(300)),
                                         now.milliseconds, messageRef, messageRef])
            return db.changesCount > 0
        }
    }

    /// Notes that `worker` is alive, and how many messages it has sent since it started.
    public func beat(worker: String, startedAt: Date, sent: Int, at now: Date) throws {
        try database.write { db in
            try db.cachedStatement(sql: """
                INSERT INTO worker_heartbeat (worker, started_at, beat_at, sent) VALUES (?, ?, ?, ?)
                ON CONFLICT (worker) DO UPDATE SET started_at = excluded.started_at, beat_at = excluded.beat_at, sent = excluded.sent
                """).execute(arguments: [worker, startedAt.milliseconds, now.milliseconds, sent])
            // Workers gone for a day are forgotten, so the table stays a list of the living.
            try db.cachedStatement(sql: "DELETE FROM worker_heartbeat WHERE beat_at < ?").execute(arguments: [now.addingTimeInterval(-86_400).milliseconds])
        }
    }

    /// The newest heartbeat of any worker, and the number of messages waiting to be sent.
    public func workerStatus() throws -> (lastBeat: Date?, pending: Int) {
        try database.writer.read { db in
            let beat = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(beat_at) FROM worker_heartbeat"))
            return (beat.map(Date.init(milliseconds:)), try Self.pending(db))
        }
    }

    /// Messages waiting to be sent, being sent, or failed and due again (one the gateway reported
    /// failed is final: it has no next attempt). Each count reads one partial index (outbox_due,
    /// outbox_leased), not the whole table.
    private static func pending(_ db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: """
            SELECT (SELECT count(*) FROM outbox WHERE state IN ('pending', 'failed') AND next_attempt_at IS NOT NULL)
                 + (SELECT count(*) FROM outbox WHERE state = 'sending')
            """)) ?? 0
    }

    /// What metrics report of the outbox: messages not yet sent, and per channel those sent and the send attempts
    /// that failed (every attempt is counted when it is claimed, so those not sent, delivered or
    /// still in hand failed), a figure that only grows.
    public func outboxFigures() throws -> OutboxFigures {
        try database.writer.read { db in
            let pending = try Self.pending(db)
            var failed: [String: Int] = [:], sent: [String: Int] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT channel, sum(attempts) - sum(state IN ('sent', 'delivered', 'sending')), sum(state IN ('sent', 'delivered'))
                FROM outbox GROUP BY channel
                """)) {
                failed[row[0]] = max(0, row[1] as Int)
                sent[row[0]] = row[2] as Int
            }
            return OutboxFigures(pending: pending, sent: sent, failedSends: failed)
        }
    }

    /// One message by id.
    public func message(_ id: Int64) throws -> OutboxMessage? {
        try database.writer.read { db in
            try OutboxMessage.fetchOne(db.cachedStatement(sql: "SELECT * FROM outbox WHERE id = ?"), arguments: [id])
        }
    }
}

/// The outbox as metrics see it.
public struct OutboxFigures: Sendable, Equatable {
    public var pending: Int
    /// Messages the channel accepted (sent, or delivered since), by channel.
    public var sent: [String: Int]
    public var failedSends: [String: Int]

    public init(pending: Int, sent: [String: Int], failedSends: [String: Int]) {
        self.pending = pending
        self.sent = sent
        self.failedSends = failedSends
    }
}
