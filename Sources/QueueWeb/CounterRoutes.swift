import FastCGI
import Foundation
import QueueCore

/// The counter console's server side: a counter's desk, and every counter action. Each request is
/// authorised against the counter's office (and counter, for assigned counter staff).
enum CounterRoutes {
    static func register(in router: inout Router, auth: StaffAuth) {
        router.add("GET", "/api/v1/counters/{counter}") { context in
            let (counter, user) = try authorised(context, auth: auth, body: nil)
            var desk = try context.services.queue.desk(counter: counter.id, at: context.now)
            desk.leaveKey = LeaveKey(counterID: counter.id, staffID: user.id, from: context.now).encoded(key: auth.key)
            return JSON.response(desk)
        }
        // The console's heartbeat while a clerk is signed in at the counter: only then does an open
        // counter count in the wait forecast.
        router.add("POST", "/api/v1/counters/{counter}/presence") { context in
            let body = try RequestBody(context.request)
            // A closing console's beacon may come after its sign-in expired: its leave key alone says
            // that this clerk left this counter, and can say nothing else.
            if body["leaving"] == "true", let text = body["leave_key"] {
                guard let id = Int64(context.parameter("counter")), let leave = LeaveKey.decode(text, key: auth.key, now: context.now),
                      leave.counterID == id else {
                    throw APIError(status: 401, code: "invalid_leave_key",
                                   message: "This leave key is not valid for this counter, or has expired.", field: "leave_key")
                }
                try context.services.queue.leave(counter: id, actor: .staff(id: leave.staffID, username: ""), at: context.now)
                return Response(status: 204, headers: [("Cache-Control", "no-store")])
            }
            let (counter, user) = try authorised(context, auth: auth, body: body)
            let actor = Actor.staff(id: user.id, username: user.username)
            // `leaving`: the console is closing (a beacon from its pagehide), so the counter shows as gone at once.
            if body["leaving"] == "true" {
                try context.services.queue.leave(counter: counter.id, actor: actor, at: context.now)
            } else {
                try context.services.queue.heartbeat(counter: counter.id, actor: actor, at: context.now)
            }
            return Response(status: 204, headers: [("Cache-Control", "no-store")])
        }
        for action in ["open", "pause", "close", "call-next", "call", "recall", "start", "complete",
                       "complete-and-call-next", "no-show", "transfer", "note",
                       "walk-in", "park", "resume"] {
            router.add("POST", "/api/v1/counters/{counter}/\(action)") { context in
                let body = try RequestBody(context.request)
                let (counter, user) = try authorised(context, auth: auth, body: body)
                let done = try perform(action, at: counter, by: user, body: body, context: context)
                var desk = try context.services.queue.desk(counter: counter.id, answering: done.atCounter, at: context.now)
                desk.booked = done.booked
                return JSON.response(desk)
            }
        }
    }

    private static func authorised(_ context: RequestContext, auth: StaffAuth, body: RequestBody?) throws -> (Counter, StaffUser) {
        let user = try auth.principal(context, csrfFrom: body)
        guard let id = Int64(context.parameter("counter")), let counter = try context.services.queue.counter(id, at: context.now) else {
            throw APIError(QueueError.counterNotFound(Int64(context.parameter("counter")) ?? 0))
        }
        guard user.mayAct(atCounter: counter.id, inOffice: counter.officeCode) else {
            throw APIError(status: 403, code: "forbidden", message: "You may not act at counter \(counter.number) of \(counter.officeCode).")
        }
        return (counter, user)
    }

    /// What a counter action did that its answer shows: the number of the token it booked, for a
    /// walk-in; and the token it left at the counter, when its change read whether that citizen was
    /// told of their call (a call, recall or start), so that the desk need not read it again.
    private struct Done {
        var booked: String? = nil
        var atCounter: Int64? = nil
    }

    /// Performs a counter action.
    private static func perform(_ action: String, at counter: Counter, by user: StaffUser, body: RequestBody,
                                context: RequestContext) throws -> Done {
        let queue = context.services.queue
        let actor = Actor.staff(id: user.id, username: user.username)
        let now = context.now
        /// Today's token of this office with the number the form gives in `token`.
        func named(_ hint: String) throws -> Token {
            let number = try body.required("token", hint)
            guard let token = try queue.todaysToken(office: counter.officeCode, number: number, at: now) else {
                throw APIError(status: 404, code: "token_not_found", message: "No token \(TokenNumber.canonical(number)) today.", field: "token")
            }
            return token
        }
        func current() throws -> Token {
            guard let token = try queue.tokenAt(counter: counter.id, at: now) else {
                throw APIError(status: 409, code: "no_citizen_at_counter", message: "Counter \(counter.number) is not attending to anyone.")
            }
            // The console names the citizen its desk shows: if another console at this counter has
            // moved on since, the key acts on nobody rather than on a citizen the clerk has not seen.
            // (The change itself then acts on this token only, so a change between here and its
            // transaction is refused by the transition's own checks.)
            if let expected = body["expected_token_id"] {
                guard let id = Int64(expected) else {
                    throw APIError.invalidField("expected_token_id", "expected_token_id must be the id of the token the desk shows.")
                }
                guard id == token.id else {
                    throw APIError(status: 409, code: "desk_out_of_date",
                                   message: "Counter \(counter.number) is now attending to \(token.number), not the citizen this desk showed.",
                                   field: "expected_token_id")
                }
            }
            return token
        }
        // The counter's own changes are held to the rules the desk offers by, inside their transaction
        // (the token's are held by their transitions).
        switch action {
        case "open": _ = try queue.setCounter(counter.id, to: .open, asTheDeskAllows: true, actor: actor, at: now)
        case "pause": _ = try queue.setCounter(counter.id, to: .paused, reason: body["reason"], asTheDeskAllows: true, actor: actor, at: now)
        case "close": _ = try queue.setCounter(counter.id, to: .closed, asTheDeskAllows: true, actor: actor, at: now)
        case "call-next": return Done(atCounter: try queue.callNext(counter: counter.id, actor: actor, at: now)?.id)
        case "call":
            let token = try named("Give the number of the token to call, such as NC-017.")
            return Done(atCounter: try queue.call(token: token.id, counter: counter.id, actor: actor, at: now).id)
        case "note":
            try queue.setStaffNote(body["note"] ?? "", token: try current().id, counter: counter.id, actor: actor, at: now)
        case "recall": return Done(atCounter: try queue.recall(token: try current().id, counter: counter.id, actor: actor, at: now).id)
        case "start": return Done(atCounter: try queue.start(token: try current().id, counter: counter.id, actor: actor, at: now).id)
        case "complete": _ = try queue.complete(token: try current().id, counter: counter.id, actor: actor, at: now)
        case "complete-and-call-next":
            return Done(atCounter: try queue.completeAndCallNext(token: try current().id, counter: counter.id, actor: actor, at: now).called?.id)
        case "no-show": _ = try queue.markNoShow(token: try current().id, counter: counter.id, actor: actor, at: now)
        case "transfer":
            var target: Int64?
            if let text = body["to_counter"] {
                guard let number = Int(text), let id = try queue.counterID(office: counter.officeCode, number: number) else {
                    throw APIError.invalidField("to_counter", "There is no such counter at this office.")
                }
                target = id
            }
            _ = try queue.transfer(token: try current().id, from: counter.id, toService: body["service"], toCounter: target,
                                   reason: body["reason"], actor: actor, at: now)
        case "park":
            var until: Date?
            if let text = body["back_in_minutes"], !text.isEmpty {
                guard let minutes = Int(text), (1...480).contains(minutes) else {
                    throw APIError.invalidField("back_in_minutes", "back_in_minutes must be from 1 to 480.")
                }
                until = now.addingTimeInterval(Double(minutes) * 60)
            }
            _ = try queue.park(token: try current().id, counter: counter.id, reason: body["reason"] ?? "", until: until, actor: actor, at: now)
        case "resume":
            let token = try named("Give the number of the parked token, such as NC-017.")
            _ = try queue.resume(token: token.id, counter: counter.id, actor: actor, at: now)
        case "walk-in":
            // Serve at once (the default), or add to the queue ("queue").
            let serve = body["serve"] ?? "now"
            guard serve == "now" || serve == "queue" else { throw APIError.invalidField("serve", "serve must be now or queue.") }
            return Done(booked: try queue.walkInAtCounter(counter.id, service: try body.required("service", "Choose the service."),
                                                          citizen: try TokenRoutes.citizen(from: body), serveNow: serve == "now",
                                                          actor: actor, at: now).number)
        default:
            throw APIError.notFound("Unknown counter action \(action).")
        }
        return Done()
    }
}
