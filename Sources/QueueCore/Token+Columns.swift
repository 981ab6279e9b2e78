import Foundation
import GRDB

/// A token read by column position: GRDB's `Row` builds a dictionary of every column's lowercased
/// name each time a statement is read from, and `Token(row:)` then looks its 29 columns up by name;
/// for one token that was about 45,000 instructions, and a counter's call, start and completion
/// read several (callgrind, `Benchmarks/instruction-count.sh`).
extension Token {
    /// The columns `Token(columnsOf:)` reads, in its order.
    static let columns = """
        id, view_secret_hash, manage_secret_hash, office_code, service_code, booked_service_code, service_day, sequence, \
        number, kind, state, citizen_name, phone, email, consumer_number, language, priority, slot_id, slot_starts_at, \
        queued_at, created_at, called_at, started_at, finished_at, counter_id, target_counter_id, recalls, staff_note, has_rejoined
        """

    /// The token of a statement that selects `Token.columns`, at its current row.
    init(columnsOf statement: SQLiteStatement) {
        var reader = ColumnReader(statement: statement)
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
    }

    /// The tokens a statement selecting `Token.columns` finds with these arguments. The statement
    /// is stepped to its end, so it holds no read open afterwards.
    static func fetchAll(byColumns statement: Statement, arguments: StatementArguments) throws -> [Token] {
        try statement.setArguments(arguments)
        var tokens: [Token] = []
        try TokenCursor(statement).forEach { tokens.append($0) }
        return tokens
    }
}

/// Steps a statement that selects `Token.columns`, a token a row.
private final class TokenCursor: DatabaseCursor {
    typealias Element = Token
    let _statement: Statement
    var _isDone = false

    /// `statement` has its arguments set (which also resets it).
    init(_ statement: Statement) { _statement = statement }

    func _element(sqliteStatement: SQLiteStatement) throws -> Token { Token(columnsOf: sqliteStatement) }
}

/// A row's columns read left to right.
private struct ColumnReader {
    let statement: SQLiteStatement
    var index: CInt = 0

    mutating func next<Value: DatabaseValueConvertible>() -> Value? {
        defer { index += 1 }
        return Value.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: index))
    }

    /// Milliseconds since 1970, as the token table keeps its times.
    mutating func date() -> Date? { (next() as Int64?).map(Date.init(milliseconds:)) }
}
