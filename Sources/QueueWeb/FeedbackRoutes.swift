import FastCGI
import Foundation
import QueueCore

/// Feedback after service: the citizen rates the visit from the served token page, once, from the
/// device that booked (the manage capability: the view secret travels on tickets and in messages,
/// and must not let a stranger or a clerk rate someone's visit); managers read their office's ratings.
enum FeedbackRoutes {
    static func register(in router: inout Router, auth: StaffAuth) {
        router.add("POST", "/api/v1/tokens/{id}/feedback") { context in
            let body = try RequestBody(context.request)
            let token = try TokenAccess.managed(context)
            // (The view secret only brings the form's sender back to their page.)
            let secret = body["secret"] ?? ""
            guard let rating = body["rating"].flatMap({ Int($0) }) else {
                throw APIError.invalidField("rating", "rating must be 1 to 5.")
            }
            try context.services.queue.giveFeedback(token: token.id, rating: rating, comment: body["comment"], at: context.now)
            if body.wantsPage { return TokenRoutes.redirectToTokenPage(token, viewSecret: secret) }
            return JSON.response(status: 201, ["rating": rating])
        }
        router.add("GET", "/api/v1/offices/{office}/feedback") { context in
            let office = context.parameter("office")
            _ = try auth.manager(of: office, context)
            guard let from = context.query["from"], !from.isEmpty else { throw APIError.invalidField("from", "Give the first day as YYYY-MM-DD.") }
            let to = context.query["to"].flatMap { $0.isEmpty ? nil : $0 } ?? from
            return JSON.response(try context.services.queue.feedbackReport(office: office, from: from, to: to))
        }
    }
}
