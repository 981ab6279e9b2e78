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
        return QueueEvent(
            id: db.lastInsertedRowID, officeCode: office, kind: kind.rawValue, tokenID: token?.id, tokenNumber: token?.number,
            serviceCode: token?.serviceCode, counterID: counter?.id, counterNumber: counter?.number,
            fromState: from?.rawValue, toState: to?.rawValue, at: at)
    }
}
