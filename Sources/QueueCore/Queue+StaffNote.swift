import Foundation
import GRDB

extension Queue {
    /// The clerk's note on the token at their counter; an empty note removes it. The audit log
    /// records that the note changed, never its text (it may hold personal details).
    public func setStaffNote(_ note: String, token tokenID: Int64, counter counterID: Int64, actor: Actor, at now: Date) throws {
        let text = try TextInput.validated(note, field: "note", label: "note", limit: 500, allowingLineBreaks: true)
        try commit { db, events in
            guard let token = try Token.fetch(db, id: tokenID), token.counterID == counterID,
                  token.state == .called || token.state == .serving else { throw QueueError.tokenNotFound }
            try db.cachedStatement(sql: "UPDATE token SET staff_note = ? WHERE id = ?").execute(arguments: [text.isEmpty ? nil : text, tokenID])
            events.append(try EventLog.append(db, office: token.officeCode, kind: .noteChanged, token: token,
                                              counter: try Counter.fetch(db, id: counterID), actor: actor, at: now))
        }
    }
}
