import Foundation
import GRDB

/// The tokens citizens are reading now, kept in this process so that a token page's status, its
/// stream and the booking answer need no database read. Each entry is stamped with the newest
/// events row id of its token (every change to a token appends one, in the same transaction):
/// commits in this process put the token as they left it; commits elsewhere, seen by the
/// once-a-second catch-up, mark it stale until it is read again; an older read never replaces a
/// newer entry. Only reads of a token's status use it: every change reads the row in its own write
/// transaction.
final class TokenCache: @unchecked Sendable {
    /// Beyond this many tokens the cache starts afresh (a day of the busiest offices fits).
    static let capacity = 50_000

    private struct Entry {
        /// Nil while a change made elsewhere has not been read yet.
        var token: Token?
        var eventID: Int64
    }

    private let lock = NSLock()
    private var entries: [Int64: Entry] = [:]

    /// The token as last known, or nil if it must be read.
    func token(_ id: Int64) -> Token? {
        lock.lock(); defer { lock.unlock() }
        return entries[id]?.token
    }

    /// Reads a token with the newest event id that concerns it, in one read transaction, and keeps it.
    func read(_ id: Int64, from database: AppDatabase) throws -> Token? {
        let read = try database.writer.read { db -> (Token, Int64)? in
            guard let token = try Token.fetch(db, id: id) else { return nil }
            let eventID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM event WHERE token_id = ?"),
                                             arguments: [id]) ?? 0
            return (token, eventID)
        }
        guard let (token, eventID) = read else { return nil }
        put(token, eventID: eventID)
        return token
    }

    /// A token as a transaction of this process left it, with the event that change appended.
    func put(_ token: Token, eventID: Int64) {
        lock.lock(); defer { lock.unlock() }
        if let known = entries[token.id], known.eventID > eventID { return }
        if entries.count >= Self.capacity { entries = [:] }
        entries[token.id] = Entry(token: token, eventID: eventID)
    }

    /// A change to the token made elsewhere, known only by its event: read it again when asked for,
    /// and refuse a read that does not include it (one begun before it was committed).
    func changed(_ id: Int64, eventID: Int64) {
        lock.lock(); defer { lock.unlock() }
        if let known = entries[id], known.eventID >= eventID { return }
        if entries.count >= Self.capacity { entries = [:] }
        entries[id] = Entry(token: nil, eventID: eventID)
    }

    func forget() {
        lock.lock(); entries = [:]; lock.unlock()
    }
}
