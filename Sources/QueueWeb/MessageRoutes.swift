import FastCGI
import Foundation
import QueueCore

/// The dashboard's view of the messages to citizens: per day, how many were sent, delivered and
/// failed by channel and reason, and the newest messages as rendered (the local sink's page when no
/// gateway is configured); and the manager's "close early", which tells every citizen still
/// waiting or booked today. Office managers act on their office; administrators on every office.
enum MessageRoutes {
    static func register(in router: inout Router, auth: StaffAuth) {
        router.add("GET", "/api/v1/offices/{office}/messages/tally") { context in
            let office = context.parameter("office")
            _ = try auth.manager(of: office, context)
            guard let from = context.query["from"], !from.isEmpty else { throw APIError.invalidField("from", "Give the first day as YYYY-MM-DD.") }
            let to = context.query["to"].flatMap { $0.isEmpty ? nil : $0 } ?? from
            let tally = try Deliveries(database: context.services.database).tally(office: office, from: from, to: to)
            return JSON.response(Tally(office: office, from: from, to: to, tally: tally))
        }
        router.add("GET", "/api/v1/offices/{office}/messages") { context in
            let office = context.parameter("office")
            _ = try auth.manager(of: office, context)
            var limit = 50
            if let text = context.query["limit"] {
                guard let value = Int(text), (1...500).contains(value) else { throw APIError.invalidField("limit", "limit must be from 1 to 500.") }
                limit = value
            }
            return JSON.response(Listing(messages: try Deliveries(database: context.services.database).recent(office: office, limit: limit)))
        }
        router.add("POST", "/api/v1/offices/{office}/close-early") { context in
            let body = try RequestBody(context.request)
            let office = context.parameter("office")
            let manager = try auth.manager(of: office, context, csrfFrom: body)
            let cancelled = try context.services.queue.closeEarly(office: office, reason: body["reason"] ?? "",
                                                                  actor: .staff(id: manager.id, username: manager.username), at: context.now)
            return JSON.response(ClosedEarly(office: office, cancelled: cancelled.count, told: cancelled.map(\.number)))
        }
    }

    struct ClosedEarly: Encodable {
        let office: String
        /// How many waiting or booked tokens of today were cancelled, and their numbers.
        let cancelled: Int
        let told: [String]
    }

    struct Tally: Encodable {
        let office: String
        let from: String
        let to: String
        let tally: [MessageTally]
    }

    struct Listing: Encodable {
        let messages: [MessageListing]
    }
}
