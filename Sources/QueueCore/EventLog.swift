import Foundation
import GRDB

/// Appends rows to the events table inside the caller's transaction.
enum EventLog {
    static func append(
        _ db: Database, office: String, kind: EventKind, token: Token? = nil, counter: Counter? = nil,
        from: TokenState? = nil, to: TokenState? = nil, actor: Actor, reason: String? = nil, at: Date
    ) throws -> QueueEvent {
        try db.cachedStatement(sql: """
            INSERT INTO event (office_code, token_id, counter_id, kind, from_state, to_state, actor, reason, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [office, token?.id, counter?.id, kind.rawValue, from?.rawValue, to?.rawValue,
                             actor.recorded, reason, at.milliseconds])
        let id = db.lastInsertedRowID
        if let counter, kind.isPublic, case .staff(let staff, _) = actor {
            // A clerk acting at a counter is present there (see `CounterPlan.presence`).
            try CounterPlan.seen(db, counter: counter.id, staff: staff, at: at)
        }
        return QueueEvent(
            id: id, officeCode: office, kind: kind.rawValue, tokenID: token?.id, tokenNumber: token?.number,
            serviceCode: token?.serviceCode, counterID: counter?.id, counterNumber: counter?.number,
            fromState: from?.rawValue, toState: to?.rawValue, at: at, actorIsStaff: actor.isStaff, reason: reason)
    }
}
