import FastCGI
import Foundation
import QueueCore

/// Administration, by role: an office manager changes their own office (counters' services, slot
/// places, holidays, queue rules, counter staff accounts); an administrator any office and any
/// account. The pages only hide what a role cannot do; every rule is checked here.
enum AdminRoutes {
    struct Settings: Encodable {
        let settings: OfficeSettings
        let staff: [StaffAccounts.Member]
    }

    static func register(in router: inout Router, auth: StaffAuth) {
        router.add("GET", "/api/v1/offices/{office}/settings") { context in
            let (_, office) = try managing(context, auth: auth, body: nil)
            return try settings(context, office: office, auth: auth)
        }
        router.add("POST", "/api/v1/offices/{office}/policy") { context in
            let body = try RequestBody(context.request)
            let (actor, office) = try managing(context, auth: auth, body: body)
            // The fields added later are optional, so that a form or script written before them keeps the office's values.
            let current = try context.services.queue.settings(office: office, at: context.now).policy
            let policy = QueuePolicy(
                maxPriorityStreak: try number(body, "max_priority_streak"), agingMinutes: try number(body, "aging_minutes"),
                recallLimit: try number(body, "recall_limit"), activeTokensPerPhone: try number(body, "active_tokens_per_phone"),
                minRecallSeconds: body["min_recall_seconds"] == nil ? current.minRecallSeconds : try number(body, "min_recall_seconds"),
                breakLimitMinutes: body["break_limit_minutes"] == nil ? current.breakLimitMinutes : try number(body, "break_limit_minutes"),
                transferPlacement: try body["transfer_placement"].map(placement) ?? current.transferPlacement)
            try context.services.queue.setPolicy(office: office, to: policy, actor: actor, at: context.now)
            return try settings(context, office: office, auth: auth)
        }
        router.add("POST", "/api/v1/offices/{office}/counters/{number}/services") { context in
            let body = try RequestBody(context.request)
            let (actor, office) = try managing(context, auth: auth, body: body)
            let services = try body.required("services", "List the services, separated by commas.")
                .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            try context.services.queue.setCounterServices(office: office, counter: try counterNumber(context), services: services, actor: actor, at: context.now)
            return try settings(context, office: office, auth: auth)
        }
        router.add("POST", "/api/v1/offices/{office}/counters/{number}/schedule") { context in
            let body = try RequestBody(context.request)
            let (actor, office) = try managing(context, auth: auth, body: body)
            // Pauses one per line (or separated by semicolons), such as "13:30-14:00 Lunch".
            let pauses = (body["pauses"] ?? "").split(whereSeparator: { $0 == "\n" || $0 == ";" }).map(String.init)
            let schedule = try CounterSchedule.parse(pauses: pauses, closes: body["closes"])
            try context.services.queue.setCounterSchedule(office: office, counter: try counterNumber(context), schedule: schedule, actor: actor, at: context.now)
            return try settings(context, office: office, auth: auth)
        }
        router.add("POST", "/api/v1/offices/{office}/targets") { context in
            let body = try RequestBody(context.request)
            let (actor, office) = try managing(context, auth: auth, body: body)
            try context.services.queue.setWaitTarget(office: office, service: try body.required("service", "Choose the service."),
                                                     minutes: try number(body, "minutes"), actor: actor, at: context.now)
            return try settings(context, office: office, auth: auth)
        }
        router.add("POST", "/api/v1/offices/{office}/messaging") { context in
            let body = try RequestBody(context.request)
            let (actor, office) = try managing(context, auth: auth, body: body)
            // Either field may be left out, keeping the office's value.
            var messaging = try context.services.queue.settings(office: office, at: context.now).messaging
            if body["turn_near_ahead"] != nil { messaging.turnNearAhead = try number(body, "turn_near_ahead") }
            if let via = body["sms_via"] {
                guard let channel = MessageChannel(rawValue: via), channel == .sms || channel == .whatsapp else {
                    throw APIError.invalidField("sms_via", "sms_via is sms or whatsapp.")
                }
                messaging.smsVia = channel
            }
            try context.services.queue.setMessaging(office: office, to: messaging, actor: actor, at: context.now)
            return try settings(context, office: office, auth: auth)
        }
        router.add("POST", "/api/v1/offices/{office}/slot-capacity") { context in
            let body = try RequestBody(context.request)
            let (actor, office) = try managing(context, auth: auth, body: body)
            try context.services.queue.setSlotCapacity(office: office, service: try body.required("service", "Choose the service."),
                                                       capacity: try number(body, "capacity"), actor: actor, at: context.now)
            return try settings(context, office: office, auth: auth)
        }
        router.add("POST", "/api/v1/offices/{office}/holidays") { context in
            let body = try RequestBody(context.request)
            let (actor, office) = try managing(context, auth: auth, body: body)
            try context.services.queue.addHoliday(office: office, day: try body.required("day", "Give the day as YYYY-MM-DD."),
                                                  reason: body["reason"] ?? "", actor: actor, at: context.now)
            return try settings(context, office: office, auth: auth)
        }
        router.add("POST", "/api/v1/offices/{office}/holidays/{day}/remove") { context in
            let body = try RequestBody(context.request)
            let (actor, office) = try managing(context, auth: auth, body: body)
            try context.services.queue.removeHoliday(office: office, day: context.parameter("day"), actor: actor, at: context.now)
            return try settings(context, office: office, auth: auth)
        }
        router.add("POST", "/api/v1/staff") { context in
            let body = try RequestBody(context.request)
            let user = try auth.principal(context, csrfFrom: body)
            guard let role = StaffRole(rawValue: body["role"] ?? "counter_staff") else {
                throw APIError.invalidField("role", "role is counter_staff, office_manager or administrator.")
            }
            let office = body["office"].flatMap { $0.isEmpty ? nil : $0 }
            try requireMayChange(user, role: role, office: office)
            let counter = try optionalCounter(body)
            let member = try auth.accounts.addUser(
                username: try body.required("username", "Choose a username."), displayName: try body.required("name", "Give the person's name."),
                password: try body.required("password", "Choose a first password of at least 10 characters."), role: role,
                office: office, counterNumber: counter, at: context.now)
            return JSON.response(status: 201, try auth.accounts.member(member.id))
        }
        for (action, active) in [("deactivate", false), ("activate", true)] {
            router.add("POST", "/api/v1/staff/{id}/\(action)") { context in
                let body = try RequestBody(context.request)
                let (user, member) = try changingMember(context, auth: auth, body: body)
                guard member.id != user.id else {
                    throw APIError(status: 409, code: "own_account", message: "You cannot turn off your own account.", field: "id")
                }
                try auth.accounts.setActive(member.id, active, actor: .staff(id: user.id, username: user.username), at: context.now)
                return JSON.response(try auth.accounts.member(member.id))
            }
        }
        router.add("POST", "/api/v1/staff/{id}/assignment") { context in
            let body = try RequestBody(context.request)
            let (user, member) = try changingMember(context, auth: auth, body: body)
            guard let role = StaffRole(rawValue: body["role"] ?? member.role.rawValue) else {
                throw APIError.invalidField("role", "role is counter_staff, office_manager or administrator.")
            }
            let office = body["office"].map { $0.isEmpty ? nil : $0 } ?? member.office
            try requireMayChange(user, role: role, office: office)
            guard member.id != user.id else {
                throw APIError(status: 409, code: "own_account", message: "Ask another administrator to change your own account.", field: "id")
            }
            let counter = try optionalCounter(body)
            try auth.accounts.setAssignment(member.id, role: role, office: office, counterNumber: counter,
                                            actor: .staff(id: user.id, username: user.username), at: context.now)
            return JSON.response(try auth.accounts.member(member.id))
        }
        router.add("POST", "/api/v1/staff/{id}/password") { context in
            let body = try RequestBody(context.request)
            let (user, member) = try changingMember(context, auth: auth, body: body)
            try auth.accounts.setPassword(member.id, to: try body.required("password", "Choose a password of at least 10 characters."),
                                          actor: .staff(id: user.id, username: user.username), at: context.now)
            return Response(status: 204, headers: [("Cache-Control", "no-store")])
        }
    }

    /// The signed-in manager of the office in the path, as the audit log names them.
    private static func managing(_ context: RequestContext, auth: StaffAuth, body: RequestBody?) throws -> (Actor, String) {
        let office = context.parameter("office")
        let user = try auth.manager(of: office, context, csrfFrom: body)
        return (.staff(id: user.id, username: user.username), office)
    }

    /// Managers look after the counter staff of their own office; administrators after everyone.
    private static func requireMayChange(_ user: StaffUser, role: StaffRole, office: String?) throws {
        switch user.role {
        case .administrator: return
        case .officeManager where role == .counterStaff && office != nil && user.mayManage(office: office ?? ""): return
        default: throw APIError.forbidden("Office managers create and change counter staff of their own office only.")
        }
    }

    private static func changingMember(_ context: RequestContext, auth: StaffAuth, body: RequestBody) throws -> (StaffUser, StaffAccounts.Member) {
        let user = try auth.principal(context, csrfFrom: body)
        guard let id = Int64(context.parameter("id")), let member = try auth.accounts.member(id) else {
            throw APIError.notFound("There is no such member of staff.")
        }
        try requireMayChange(user, role: member.role, office: member.office)
        return (user, member)
    }

    /// The `counter` field: a counter number, or empty for none.
    private static func optionalCounter(_ body: RequestBody) throws -> Int? {
        guard let text = body["counter"], !text.isEmpty else { return nil }
        guard let number = Int(text) else { throw APIError.invalidField("counter", "The counter is a number, or empty.") }
        return number
    }

    /// The counter number in the path.
    private static func counterNumber(_ context: RequestContext) throws -> Int {
        guard let counter = Int(context.parameter("number")) else { throw APIError.invalidField("number", "The counter number must be a number.") }
        return counter
    }

    private static func number(_ body: RequestBody, _ field: String) throws -> Int {
        guard let value = body[field].flatMap({ Int($0) }) else { throw APIError.invalidField(field, "\(field) must be a whole number.") }
        return value
    }

    /// The `transfer_placement` field: one of the rules `TransferPlacement` names.
    private static func placement(_ text: String) throws -> TransferPlacement {
        guard let placement = TransferPlacement(rawValue: text) else {
            let rules = TransferPlacement.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.invalidField("transfer_placement", "transfer_placement is one of \(rules).")
        }
        return placement
    }

    private static func settings(_ context: RequestContext, office: String, auth: StaffAuth) throws -> Response {
        JSON.response(Settings(settings: try context.services.queue.settings(office: office, at: context.now),
                               staff: try auth.accounts.members(office: office)))
    }
}
