import Foundation
import GRDB

extension Queue {
    /// Checks in today's appointment booked with this mobile number at this office (the kiosk's
    /// "check in with your phone"). With more than one, the citizen must give the token number.
    public func checkIn(office: String, phone: String, actor: Actor, at now: Date) throws -> Token {
        guard let mobile = CitizenDetails.normalisedMobile(phone) else {
            throw QueueError.invalidField(field: "phone", reason: "Enter the 10-digit mobile number you booked with.")
        }
        let ids = try database.writer.read { db in
            let facts = try OfficeFacts.load(db, code: office)
            return try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM token WHERE office_code = ? AND service_day = ? AND phone = ? AND state = 'booked'
                """), arguments: [office, facts.serviceDay(now).day, mobile])
        }
        guard let id = ids.first else { throw QueueError.tokenNotFound }
        guard ids.count == 1 else {
            throw QueueError.invalidField(
                field: "number", reason: "This mobile number has \(ids.count) appointments today; enter the token number to check in.")
        }
        return try checkIn(token: id, actor: actor, at: now)
    }
}
