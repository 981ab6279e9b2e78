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
    }

    public struct Waiting: Sendable, Encodable {
        public var tokenID: Int64
        public var number: String
        public var service: String
        public var priority: String
        public var kind: String
        public var waitedSeconds: Double
    }

    public var counterID: Int64
    public var office: String
    public var number: Int
    public var state: String
    public var pauseReason: String?
    public var services: [String]
    public var current: Citizen?
    /// The first `shownWaiting` this counter would call, in order: a clerk reads the head of the
    /// queue, and a desk of thousands of rows would cost every key press its encoding.
    public var waiting: [Waiting]
    /// How many this counter could call now, all told.
    public var waitingCount: Int
    /// The newest events id of the office this desk reflects: a console skips snapshots no newer.
    public var version: Int64

    /// How many of the waiting a desk lists.
    public static let shownWaiting = 50
}

extension Queue {
    public func counter(_ counterID: Int64) throws -> Counter? {
        try database.writer.read { db in try Counter.fetch(db, id: counterID) }
    }

    public func desk(counter counterID: Int64, at now: Date) throws -> CounterDesk {
        let (counter, current) = try database.writer.read { db -> (Counter, CounterDesk.Citizen?) in
            guard let counter = try Counter.fetch(db, id: counterID) else { throw QueueError.counterNotFound(counterID) }
            var current: CounterDesk.Citizen?
            if let token = try tokenAtCounter(db, counterID) {
                current = CounterDesk.Citizen(
                    tokenID: token.id, number: token.number, state: token.state.rawValue, service: token.serviceCode,
                    kind: token.kind.rawValue, priority: token.citizen.priority.rawValue, name: token.citizen.name,
                    phone: token.citizen.phone, consumerNumber: token.citizen.consumerNumber, recalls: token.recalls,
                    calledAt: token.calledAt, requiredDocuments: try Self.documents(db, service: token.serviceCode),
                    note: token.staffNote)
            }
            return (counter, current)
        }
        // Who waits, in calling order: from the office's live picture, not recomputed per desk.
        let office = try live.office(counter.officeCode, at: now)
        let (order, count) = office.callingOrder(counter: counterID, limit: CounterDesk.shownWaiting, at: now)
        let waiting = order.map { entry in
            CounterDesk.Waiting(tokenID: entry.id, number: entry.number, service: entry.service,
                                priority: entry.candidate.priority.rawValue, kind: entry.candidate.kind.rawValue,
                                waitedSeconds: now.timeIntervalSince(entry.candidate.queuedAt))
        }
        return CounterDesk(counterID: counterID, office: counter.officeCode, number: counter.number,
                           state: counter.state.rawValue, pauseReason: counter.pauseReason, services: counter.serviceCodes,
                           current: current, waiting: waiting, waitingCount: count, version: office.version)
    }
}
