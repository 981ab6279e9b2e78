import Foundation
import GRDB

/// Rows read by column position. GRDB's `Row` builds a dictionary of every column's lowercased name
/// each time a statement is read from, and a look-up by name then searches it: for a token's 29
/// columns that was about 45,000 instructions a read, and a counter's call, start and completion
/// read tokens and counters several times each inside the write lock (callgrind,
/// `Benchmarks/instruction-count.sh`). The statement must select the columns in the order `read`
/// takes them; it is stepped to its end, so it holds no read open afterwards.
enum PositionalRows {
    static func fetchAll<Element>(_ statement: Statement, arguments: StatementArguments,
                                  _ read: (inout ColumnReader) -> Element) throws -> [Element] {
        try statement.setArguments(arguments)  // also resets the statement
        var rows: [Element] = []
        try withoutActuallyEscaping(read) { read in
            try PositionalCursor(statement, read: read).forEach { rows.append($0) }
        }
        return rows
    }
}

/// Steps a statement, an element a row.
private final class PositionalCursor<Element>: DatabaseCursor {
    let _statement: Statement
    var _isDone = false
    private let read: (inout ColumnReader) -> Element

    init(_ statement: Statement, read: @escaping (inout ColumnReader) -> Element) {
        _statement = statement
        self.read = read
    }

    func _element(sqliteStatement: SQLiteStatement) throws -> Element {
        var reader = ColumnReader(statement: sqliteStatement)
        return read(&reader)
    }
}

/// A row's columns, read left to right.
struct ColumnReader {
    let statement: SQLiteStatement
    private var index: CInt = 0

    init(statement: SQLiteStatement) { self.statement = statement }

    mutating func next<Value: DatabaseValueConvertible>() -> Value? {
        defer { index += 1 }
        return Value.fromDatabaseValue(DatabaseValue(sqliteStatement: statement, index: index))
    }

    /// Milliseconds since 1970, as the tables keep their times.
    mutating func date() -> Date? { (next() as Int64?).map(Date.init(milliseconds:)) }
}
