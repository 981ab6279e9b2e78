import Foundation
import GRDB

/// What a clerk sees at a counter: its state, the citizen at it (with their details, for staff only)
/// and who waits for its services, in the order they will be called.
public struct CounterDesk: Sendable, Encodable {
    public struct Citizen: Sendable, Encodable {
        public var tokenID: Int64
        public var number: String
        public var state: String
        public var service: String
        public var kind: String
        public var priority: String
        public var name: String
        public var phone: String
        public var consumerNumber: String?
        public var recalls: Int
        public var calledAt: Date?
        public var requiredDocuments: [LocalizedName]
        public var note: String?
        /// Whether the citizen was told they were called, per channel they chose (empty: no channel).
        public var toldOfCall: [MessageStatus] = []
    }

    /// Where one message to the citizen stands.
    public struct MessageStatus: Sendable, Encodable, Equatable {
        public var channel: String
        public var state: String
    }

    public struct Waiting: Sendable, Encodable {
        public var tokenID: Int64
        public var number: String
        public var service: String
        public var priority: String
        public var kind: String
        public var waitedSeconds: Double
    }

    /// A citizen this counter parked, to be called back here when ready.
    public struct Parked: Sendable, Encodable, Equatable {
        public var tokenID: Int64
        public var number: String
        public var service: String
        public var reason: String?
        public var parkedAt: Date?
        /// When the clerk expects them back, if they said.
        public var until: Date?
    }

    public var counterID: Int64
    public var office: String
    public var number: Int
    public var state: String
    public var pauseReason: String?
    /// When the running break began (the console's timer).
    public var pausedAt: Date?
    public var services: [String]
    public var current: Citizen?
    /// The first `shownWaiting` this counter would call, in order: a clerk reads the head of the
    /// queue, and a desk of thousands of rows would cost every key press its encoding.
    public var waiting: [Waiting]
    /// How many this counter could call now, all told.
    public var waitingCount: Int
    /// The citizens this counter parked today, oldest first.
    public var parked: [Parked]
    /// The newest events id of the office this desk reflects: a console skips snapshots no newer.
    public var version: Int64
    /// The counter actions the server accepts now (`CounterAction` raw values), and why not the others:
    /// the console offers only these, and says the reason when a refused one's key is pressed.
    public var actions: [String]
    public var refusals: [String: CounterRefusal]
    /// The server's clock when the desk was made, so that the console counts "called 40 s ago" and
    /// waits out a refusal's `readyAt` on the server's time, not the laptop's.
    public var serverTime: Date
    /// In the answer to a walk-in booked at this counter: its number, for the clerk to tell the citizen.
    public var booked: String? = nil
    /// In the desk as the console first reads it: the capability its beacon uses to say the clerk
    /// left this counter once the sign-in has expired (see QueueWeb's `LeaveKey`).
    public var leaveKey: String? = nil

    /// How many of the waiting a desk lists.
    public static let shownWaiting = 50
}

extension CounterDesk {
    /// Whether the citizen was told of their call, per channel they chose.
    static func toldOfCall(_ db: Database, token: Int64) throws -> [MessageStatus] {
        // Read by column position (`PositionalRows`): every key press with a citizen at the counter needs it.
        try PositionalRows.fetchAll(db.cachedStatement(sql: "SELECT channel, state FROM outbox WHERE token_id = ? AND trigger = 'called' ORDER BY channel"),
                                    arguments: [token]) { row in
            MessageStatus(channel: row.next() ?? "", state: row.next() ?? "")
        }
    }
}

extension Queue {
    /// A counter as its office's live picture has it (no read when the picture is current).
    public func counter(_ counterID: Int64, at now: Date = Date()) throws -> Counter? {
        guard let office = try live.office(ofCounter: counterID),
              let held = try live.office(office, at: now).counters.first(where: { $0.id == counterID }) else { return nil }
        return Counter(id: held.id, officeCode: office, number: held.number, state: held.state, pauseReason: held.pauseReason,
                       serviceCodes: held.services)
    }

    /// What the clerk at a counter sees: from the office's live picture and the kept tokens, so that
    /// the answer to a key press reads nothing the change did not already bring. `answering`: the
    /// token a key press's change has just left at this counter, whose told state that change read.
    public func desk(counter counterID: Int64, answering: Int64? = nil, at now: Date) throws -> CounterDesk {
        guard let code = try live.office(ofCounter: counterID) else { throw QueueError.counterNotFound(counterID) }
        let office = try live.office(code, at: now)
        guard let counter = office.counters.first(where: { $0.id == counterID }) else { throw QueueError.counterNotFound(counterID) }
        var current: CounterDesk.Citizen?
        if let tokenID = counter.currentTokenID, let token = try live.token(tokenID) {
            current = CounterDesk.Citizen(
                tokenID: token.id, number: token.number, state: token.state.rawValue, service: token.serviceCode,
                kind: token.kind.rawValue, priority: token.citizen.priority.rawValue, name: token.citizen.name,
                phone: token.citizen.phone, consumerNumber: token.citizen.consumerNumber, recalls: token.recalls,
                calledAt: token.calledAt, requiredDocuments: office.documents[token.serviceCode] ?? [], note: token.staffNote)
        }
        // Who waits, in calling order: from the office's live picture, not recomputed per desk.
        let (order, count) = office.callingOrder(counter: counterID, limit: CounterDesk.shownWaiting, at: now)
        let waiting = order.map { entry in
            CounterDesk.Waiting(tokenID: entry.id, number: office.number(of: entry), service: office.serviceCode(of: entry),
                                priority: entry.candidate.priority.rawValue, kind: entry.candidate.kind.rawValue,
                                waitedSeconds: now.timeIntervalSince(entry.candidate.queuedAt))
        }
        let citizen = current.flatMap { current in
            TokenState(rawValue: current.state).map { CounterAction.Citizen(state: $0, recalls: current.recalls, calledAt: current.calledAt) }
        }
        var actions: [String] = []
        var refusals: [String: CounterRefusal] = [:]
        for action in CounterAction.allCases {
            if let refusal = action.refusal(counter: counter.state, citizen: citizen, waiting: count, policy: office.policy, at: now) {
                refusals[action.rawValue] = refusal
            } else {
                actions.append(action.rawValue)
            }
        }
        // What the picture does not keep: whether the citizen at the counter has heard of the call.
        // The worker (another process) moves a message on without an event, so this is read unless
        // the key press's own change read it: one indexed statement, without a read transaction's
        // begin and end around it.
        let told = try current.map { current in
            if current.tokenID == answering, let known = live.toldAsCommitted(current.tokenID) { return known }
            return try database.writer.unsafeRead { db in try CounterDesk.toldOfCall(db, token: current.tokenID) }
        }
        if let told { current?.toldOfCall = told }
        return CounterDesk(counterID: counterID, office: code, number: counter.number,
                           state: counter.state.rawValue, pauseReason: counter.pauseReason, pausedAt: counter.pausedAt, services: counter.services,
                           current: current, waiting: waiting, waitingCount: count, parked: office.parked[counterID] ?? [], version: office.version,
                           actions: actions, refusals: refusals, serverTime: now)
    }
}
