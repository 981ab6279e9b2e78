import Foundation
import GRDB

/// Erasing citizens' personal data (India's DPDP Act 2023; DESIGN decision 7): a token's name,
/// mobile number, e-mail, consumer number and staff note, and the free-text reasons of its events
/// (the one write the events' append-only trigger allows), the mobile numbers, e-mail addresses,
/// values and texts of the messages sent to it, and the comment of its feedback. What the reports
/// count (service, state, times, counter, priority, language, ratings) stays, so the anonymous
/// statistics do not change.
public enum PersonalDataErasure {
    /// The token columns that hold personal data.
    static let erasedColumns = "citizen_name = NULL, phone = NULL, email = NULL, consumer_number = NULL, staff_note = NULL"
    static let holdsPersonalData = """
        (citizen_name IS NOT NULL OR phone IS NOT NULL OR email IS NOT NULL OR consumer_number IS NOT NULL OR staff_note IS NOT NULL)
        """
    /// A message's personal parts: who it went to and what it said (a message being sent keeps
    /// them until its send ends; the next run erases them).
    static let erasedMessage = "recipient = 'erased', params = '{}', body = NULL"

    /// The retention job: erases the personal data of tokens whose service day is before `day`,
    /// and the reasons of events written before `moment`, `batch` rows a transaction so that the
    /// first run on years of data does not hold up bookings. Returns the rows changed.
    static func erase(_ writer: any DatabaseWriter, tokensBefore day: String, eventsBefore moment: Date, batch: Int = 5000) throws -> Int {
        let steps: [(sql: String, arguments: StatementArguments)] = [
            ("UPDATE token SET \(erasedColumns) WHERE id IN (SELECT id FROM token WHERE service_day < ? AND \(holdsPersonalData) LIMIT ?)",
             [day, batch]),
            ("UPDATE event SET reason = NULL WHERE id IN (SELECT id FROM event WHERE reason IS NOT NULL AND at < ? LIMIT ?)",
             [moment.milliseconds, batch]),
            ("""
             UPDATE outbox SET \(erasedMessage) WHERE id IN (SELECT outbox.id FROM outbox JOIN token ON token.id = outbox.token_id
                 WHERE token.service_day < ? AND outbox.recipient != 'erased' AND outbox.state != 'sending' LIMIT ?)
             """, [day, batch]),
            ("""
             UPDATE token_feedback SET comment = NULL WHERE token_id IN (SELECT token_feedback.token_id FROM token_feedback
                 JOIN token ON token.id = token_feedback.token_id WHERE token.service_day < ? AND token_feedback.comment IS NOT NULL LIMIT ?)
             """, [day, batch]),
            // A browser's push endpoint and keys: personal data of the same tokens.
            ("""
             DELETE FROM push_subscription WHERE id IN
                 (SELECT s.id FROM push_subscription s JOIN token t ON t.id = s.token_id WHERE t.service_day < ? LIMIT ?)
             """, [day, batch]),
        ]
        var changed = 0
        for step in steps {
            while true {
                let rows = try writer.write { db in
                    try db.execute(sql: step.sql, arguments: step.arguments)
                    return db.changesCount
                }
                changed += rows
                if rows < batch { break }
            }
        }
        return changed
    }

    /// One citizen's verified request: erases the tokens given, their events' reasons and the
    /// booking keys that point at them, each with an audit event that names only the token.
    static func erase(_ db: Database, tokens ids: [Int64], actor: Actor, at now: Date) throws -> Int {
        for id in ids {
            guard let token = try Token.fetch(db, id: id) else { continue }
            try db.cachedStatement(sql: "UPDATE token SET \(erasedColumns) WHERE id = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "UPDATE event SET reason = NULL WHERE token_id = ? AND reason IS NOT NULL").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM booking_request WHERE token_id = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "UPDATE outbox SET \(erasedMessage) WHERE token_id = ? AND state != 'sending'").execute(arguments: [id])
            try db.cachedStatement(sql: "UPDATE token_feedback SET comment = NULL WHERE token_id = ?").execute(arguments: [id])
            try db.cachedStatement(sql: "DELETE FROM push_subscription WHERE token_id = ?").execute(arguments: [id])
            _ = try EventLog.append(db, office: token.officeCode, kind: .personalDataErased, token: token, actor: actor, at: now)
        }
        return ids.count
    }
}

extension AppDatabase {
    /// Erases the personal data of every token booked with this mobile number (`fcgi-app
    /// erase-citizen`); returns how many tokens were erased.
    public func eraseCitizen(phone: String, at now: Date) throws -> Int {
        try writer.write { db in
            let ids = try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM token WHERE phone = ? ORDER BY id"), arguments: [phone])
            return try PersonalDataErasure.erase(db, tokens: ids, actor: .system, at: now)
        }
    }

    /// Erases the personal data of one token, found by office, service day and number.
    public func eraseCitizen(office: String, day: String, number: String, at now: Date) throws -> Int {
        try writer.write { db in
            let ids = try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM token WHERE office_code = ? AND service_day = ? AND number = ?"),
                                         arguments: [office, day, TokenNumber.canonical(number)])
            return try PersonalDataErasure.erase(db, tokens: ids, actor: .system, at: now)
        }
    }
}
