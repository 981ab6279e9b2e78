import Foundation
import GRDB

/// Migration v22 (issue 11, the write path): the CHECK constraints of the tables every booking and
/// call writes name their allowed values as comparisons, not as `IN` lists. SQLite codes a list of
/// three or more constants by building a temporary b-tree of it on every run of a statement that
/// checks it (two pages zeroed, opened, filled, closed: about 35,000 instructions); a booking
/// checked ten such lists and a call five (callgrind), inside the one write lock.
///
/// `state IN ('a', 'b', 'c')` becomes `(state = 'a' OR state = 'b' OR state = 'c')` and `NOT IN`
/// the `!=`/`AND` form: the same truth for every value, NULL included (either way NULL passes a
/// CHECK). A constraint is never enforced against rows already stored, and every stored row already
/// satisfies the equivalent form, so the definitions are rewritten in place, the way SQLite's
/// documentation describes for changes that leave the stored content as it is ("Making Other Kinds
/// Of Table Schema Changes"), with an integrity check after.
enum CheckListsMigration {
    static let tables = ["token", "outbox", "token_channel"]

    static func apply(_ db: Database) throws {
        var rewritten: [(table: String, sql: String)] = []
        for table in tables {
            guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [table])
            else { throw DatabaseError(message: "v22-check-lists: no table \(table)") }
            rewritten.append((table, comparisons(in: sql)))
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        for (table, sql) in rewritten {
            try db.execute(sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", arguments: [sql, table])
        }
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        try db.execute(sql: "PRAGMA writable_schema = OFF")
        let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        guard problems == ["ok"] else { throw DatabaseError(message: "v22-check-lists: \(problems.prefix(3).joined(separator: "; "))") }
    }

    /// A column tested against a list of three or more constants (strings or integers).
    private static let list = try? NSRegularExpression(
        pattern: #"\b([a-z_]+) (NOT )?IN \(((?:'[^']*'|-?\d+)(?:,\s*(?:'[^']*'|-?\d+)){2,})\)"#)

    /// `sql` with each such test written as comparisons.
    static func comparisons(in sql: String) -> String {
        guard let list else { return sql }
        var result = "", rest = sql.startIndex
        for match in list.matches(in: sql, range: NSRange(sql.startIndex..., in: sql)) {
            guard let whole = Range(match.range, in: sql), let column = Range(match.range(at: 1), in: sql),
                  let values = Range(match.range(at: 3), in: sql) else { continue }
            let negated = match.range(at: 2).location != NSNotFound
            let tests = sql[values].split(separator: ",").map { item in
                "\(sql[column]) \(negated ? "!=" : "=") \(item.trimmingCharacters(in: .whitespacesAndNewlines))"
            }
            result += sql[rest..<whole.lowerBound] + "(" + tests.joined(separator: negated ? " AND " : " OR ") + ")"
            rest = whole.upperBound
        }
        return result + sql[rest...]
    }
}
