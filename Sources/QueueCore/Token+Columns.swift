import Foundation
import GRDB

/// A token read by column position (see `PositionalRows`).
extension Token {
    /// The columns `Token(columns:)` reads, in its order.
    static let columns = """
        id, view_secret_hash, manage_secret_hash, office_code, service_code, booked_service_code, service_day, sequence, \
        number, kind, state, citizen_name, phone, email, consumer_number, language, priority, slot_id, slot_starts_at, \
        queued_at, created_at, called_at, started_at, finished_at, counter_id, target_counter_id, recalls, staff_note, has_rejoined, parked_until
        """

    /// The token of a row that selects `Token.columns`.
    init(columns reader: inout ColumnReader) {
        id = reader.next() ?? 0
        viewSecretHash = reader.next() ?? ""
        manageSecretHash = reader.next()
        officeCode = reader.next() ?? ""
        serviceCode = reader.next() ?? ""
        bookedServiceCode = reader.next() ?? ""
        serviceDay = reader.next() ?? ""
        sequence = reader.next() ?? 0
        number = reader.next() ?? ""
        kind = TokenKind(rawValue: reader.next() ?? "") ?? .walkIn
        state = TokenState(rawValue: reader.next() ?? "") ?? .cancelled
        let name: String? = reader.next(), phone: String? = reader.next(), email: String? = reader.next()
        let consumerNumber: String? = reader.next(), language: String = reader.next() ?? ""
        let priority: String = reader.next() ?? ""
        citizen = CitizenDetails(name: name ?? "", phone: phone ?? "", email: email, consumerNumber: consumerNumber,
                                 language: language, priority: PriorityCategory(rawValue: priority) ?? .none)
        slotID = reader.next()
        slotStartsAt = reader.next()
        queuedAt = reader.date()
        createdAt = reader.date() ?? Date(milliseconds: 0)
        calledAt = reader.date()
        startedAt = reader.date()
        finishedAt = reader.date()
        counterID = reader.next()
        targetCounterID = reader.next()
        recalls = reader.next() ?? 0
        staffNote = reader.next()
        hasRejoined = reader.next() ?? false
        parkedUntil = reader.date()
    }

    /// The tokens a statement selecting `Token.columns` finds with these arguments.
    static func fetchAll(byColumns statement: Statement, arguments: StatementArguments) throws -> [Token] {
        try PositionalRows.fetchAll(statement, arguments: arguments) { Token(columns: &$0) }
    }
}
