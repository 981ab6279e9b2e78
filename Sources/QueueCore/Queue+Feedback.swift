import Foundation
import GRDB

/// A citizen's rating of a served visit, and the manager's view of the ratings.
public struct FeedbackReport: Sendable, Equatable, Codable {
    public struct Group: Sendable, Equatable, Codable {
        /// A service code, or a member of staff's display name.
        public var name: String
        public var count: Int
        public var mean: Double
    }
    public struct Comment: Sendable, Equatable, Codable {
        public var at: Date
        public var service: String
        public var rating: Int
        public var comment: String
    }
    public var office: String
    public var from: String
    public var to: String
    public var count: Int
    public var mean: Double?
    public var byService: [Group]
    /// By the clerk who completed the visit: for the office's managers, never shown to clerks.
    public var byClerk: [Group]
    /// The newest comments, without who wrote them or who served.
    public var comments: [Comment]
}

extension Queue {
    /// Rates a served visit 1-5 with an optional comment, once; `QueueError.feedbackClosed` before
    /// the visit is served or when already rated. The audit log records that feedback came, not what.
    public func giveFeedback(token tokenID: Int64, rating: Int, comment: String?, at now: Date) throws {
        guard (1...5).contains(rating) else { throw QueueError.invalidField(field: "rating", reason: "rating must be 1 to 5.") }
        let text = try TextInput.validated(comment ?? "", field: "comment", label: "comment", limit: 500, allowingLineBreaks: true)
        try commit { db, events in
            guard let token = try Token.fetch(db, id: tokenID) else { throw QueueError.tokenNotFound }
            let given = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM token_feedback WHERE token_id = ?"),
                                         arguments: [tokenID]) ?? 0
            guard token.state == .served, given == 0 else { throw QueueError.feedbackClosed }
            // The clerk who completed the visit, from the audit log ("staff:<id>:<username>").
            let actor = try String.fetchOne(db.cachedStatement(sql: """
                SELECT actor FROM event WHERE token_id = ? AND kind = 'completed' ORDER BY id DESC LIMIT 1
                """), arguments: [tokenID])
            let staff = try actor.flatMap { $0.hasPrefix("staff:") ? Int64($0.split(separator: ":")[1]) : nil }.flatMap {
                try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM staff_user WHERE id = ?"), arguments: [$0])
            }
            try db.cachedStatement(sql: """
                INSERT INTO token_feedback (token_id, office_code, service_code, staff_id, rating, comment, at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [tokenID, token.officeCode, token.serviceCode, staff, rating,
                                         text.isEmpty ? nil : text, now.milliseconds])
            events.append(try EventLog.append(db, office: token.officeCode, kind: .feedbackGiven, token: token,
                                              actor: .citizen, at: now))
        }
    }

    /// Whether the token's visit has been rated.
    public func feedbackGiven(token tokenID: Int64) throws -> Bool {
        try database.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM token_feedback WHERE token_id = ?", arguments: [tokenID]) ?? 0 > 0
        }
    }

    /// The ratings of an office's visits rated on days `from`...`to` (`YYYY-MM-DD`, the office's days).
    public func feedbackReport(office code: String, from: String, to: String) throws -> FeedbackReport {
        try database.writer.read { db in
            let office = try OfficeFacts.load(db, code: code)
            guard let start = ServiceDay.midnight(of: from, timeZone: office.timeZone) else {
                throw QueueError.invalidField(field: "from", reason: "from must be a day written YYYY-MM-DD.")
            }
            guard let end = ServiceDay.end(of: to, timeZone: office.timeZone), to >= from else {
                throw QueueError.invalidField(field: "to", reason: "to must be a day written YYYY-MM-DD, on or after from.")
            }
            let range: StatementArguments = [code, start.milliseconds, end.milliseconds]
            let window = "office_code = ? AND at >= ? AND at < ?"
            let total = try Row.fetchOne(db, sql: "SELECT count(*) AS n, avg(rating) AS mean FROM token_feedback WHERE \(window)",
                                         arguments: range)
            let groups = { (sql: String) in
                try Row.fetchAll(db, sql: sql, arguments: range).map {
                    FeedbackReport.Group(name: $0["name"], count: $0["n"], mean: $0["mean"])
                }
            }
            let byService = try groups("""
                SELECT service_code AS name, count(*) AS n, avg(rating) AS mean FROM token_feedback WHERE \(window)
                GROUP BY service_code ORDER BY service_code
                """)
            let byClerk = try groups("""
                SELECT coalesce(s.display_name, s.username) AS name, count(*) AS n, avg(f.rating) AS mean
                FROM token_feedback f JOIN staff_user s ON s.id = f.staff_id WHERE f.\(window.replacingOccurrences(of: " at ", with: " f.at "))
                GROUP BY f.staff_id ORDER BY name
                """)
            let comments = try Row.fetchAll(db, sql: """
                SELECT at, service_code, rating, comment FROM token_feedback WHERE \(window) AND comment IS NOT NULL
                ORDER BY at DESC LIMIT 20
                """, arguments: range).map {
                FeedbackReport.Comment(at: Date(milliseconds: $0["at"]), service: $0["service_code"], rating: $0["rating"], comment: $0["comment"])
            }
            return FeedbackReport(office: code, from: from, to: to, count: total?["n"] ?? 0, mean: total?["mean"],
                                  byService: byService, byClerk: byClerk, comments: comments)
        }
    }
}
