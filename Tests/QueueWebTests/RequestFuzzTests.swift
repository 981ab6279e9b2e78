import FastCGI
import Foundation
import GRDB
import Logging
import QueueCore
import Testing
@testable import QueueWeb

/// Raw FastCGI parameters and bodies, generated from a seed, through the same decoding the server
/// uses and into the application: no request may crash the process or answer 500. A trap (an
/// overflow on a client's number, say) kills this test process, so the whole suite fails.
///
/// `GUVNL_FUZZ_ITERATIONS` and `GUVNL_FUZZ_SEED` run it longer or from another seed (`make check-long`);
/// `GUVNL_FUZZ_TRACE=1` prints each request before it is sent, to find the one that crashed.
@Suite("Fuzzing the request decoding")
struct RequestFuzzTests {
    static let now = ISO8601DateFormatter().date(from: "2026-11-30T05:30:00Z") ?? Date()

    @Test func noRequestCrashesTheProcessOrAnswers500() throws {
        let environment = ProcessInfo.processInfo.environment
        let iterations = environment["GUVNL_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3000
        let seed = environment["GUVNL_FUZZ_SEED"].flatMap { UInt64($0) } ?? 2026
        let trace = environment["GUVNL_FUZZ_TRACE"] == "1"
        let world = try FuzzWorld()
        var generator = FuzzRequestGenerator(seed: seed, world: world)
        var statuses: [Int: Int] = [:]
        // First every route with each boundary number in every numeric place, then random requests.
        let sweep = generator.boundarySweep() + generator.fieldMutations()
        for iteration in 0..<(sweep.count + iterations) {
            let (params, body) = iteration < sweep.count ? sweep[iteration] : generator.next()
            if trace { FileHandle.standardError.write(Data("fuzz \(iteration): \(params) body=\(body.count)B\n".utf8)) }
            let request = Request(fastCGIParameters: params, body: body)
            let response = try world.app.respond(to: request)
            statuses[response.status, default: 0] += 1
            #expect(response.status < 500 || response.status == 503,
                    "request \(iteration) (seed \(seed)) answered \(response.status): \(params) body \(String(decoding: body.prefix(400), as: UTF8.self))")
            if case .stream(let produce) = response.body {
                // The stream's first messages, then the server stops: what runs once per stream runs.
                produce(RecordingStream(leaveAfter: 2, stopping: true))
            }
            if case .events(let attach) = response.body {
                // An event stream's first messages, worked out from what the request carried (Last-Event-ID ...)
                let sink = ObservedStream(leaveAfter: 2)
                attach(sink)
                sink.leave()
            }
        }
        // The generator reached the handlers, not only the router's refusals.
        #expect(statuses.keys.contains(200) && statuses.keys.contains(400) && statuses.keys.contains(404))
    }
}

/// A demo database with staff, a booked token and an enrolled kiosk, so that generated requests
/// can carry real ids, secrets and cookies and get past the first checks.
struct FuzzWorld {
    let app: WebApplication
    let tokenID: Int64
    let tokenSecret: String
    let staffCookie: String
    let csrf: String
    let kioskCookie: String
    let manageCookie: String
    let clerkID: Int64
    let slotID: Int64

    init() throws {
        let database = try AppDatabase.inMemory()
        try database.migrate()
        try DemoData.install(in: database)
        try DemoStaff.install(in: database)
        let queue = Queue(database: database)
        let now = RequestFuzzTests.now
        app = WebApplication(services: AppServices(queue: queue, now: { now }), logger: Logger(label: "fuzz"))
        let booked = try app.respond(to: Request(
            method: "POST", path: "/api/v1/tokens", headers: ["Content-Type": "application/json"],
            body: Array(#"{"office":"VAD-247","service":"bill-complaint","name":"Fuzz Citizen","phone":"9825012345"}"#.utf8)))
        let answer = try JSONSerialization.jsonObject(with: Data(booked.bodyBytes)) as? [String: Any]
        tokenID = ((answer?["token"] as? [String: Any])?["id"] as? NSNumber)?.int64Value ?? 0
        tokenSecret = answer?["secret"] as? String ?? ""
        manageCookie = booked.headers.first { $0.name == "Set-Cookie" }.map { String($0.value.split(separator: ";")[0]) } ?? ""
        (clerkID, slotID) = try database.writer.read { db in
            (try Int64.fetchOne(db, sql: "SELECT id FROM staff_user WHERE username = 'clerk-vad-247'") ?? 0,
             try Int64.fetchOne(db, sql: """
                SELECT id FROM appointment_slot WHERE office_code = 'VAD-247' AND service_code = 'new-lt-connection' AND weekday = 2
                """) ?? 0)
        }
        let login = try app.respond(to: Request(
            method: "POST", path: "/api/v1/auth/login", headers: ["Content-Type": "application/json"],
            body: Array(#"{"username":"manager-vad-247","password":"\#(DemoStaff.managerPassword)"}"#.utf8)))
        let cookies = login.headers.filter { $0.name == "Set-Cookie" }.map { String($0.value.split(separator: ";")[0]) }
        staffCookie = (cookies + [manageCookie]).joined(separator: "; ")
        csrf = (try? JSONSerialization.jsonObject(with: Data(login.bodyBytes)) as? [String: Any])?["csrf_token"] as? String ?? ""
        let enrol = try app.respond(to: Request(
            method: "POST", path: "/api/v1/kiosks",
            headers: ["Content-Type": "application/json", "Cookie": staffCookie, "X-CSRF-Token": csrf],
            body: Array(#"{"office":"VAD-247","label":"Fuzz kiosk"}"#.utf8)))
        kioskCookie = enrol.headers.first { $0.name == "Set-Cookie" }.map { String($0.value.split(separator: ";")[0]) } ?? ""
    }
}

/// Requests as an attacker would send them: real routes with hostile values, wrong methods and
/// media types, numbers at and past every integer limit, broken encodings and odd Unicode.
struct FuzzRequestGenerator {
    private var random: SeededRandom
    private let world: FuzzWorld
    private let routes: [(method: String, segments: [String])]

    init(seed: UInt64, world: FuzzWorld) {
        random = SeededRandom(seed: seed)
        self.world = world
        routes = world.app.routeDescriptions.map { description in
            let parts = description.split(separator: " ", maxSplits: 1)
            return (String(parts[0]), parts[1].split(separator: "/", omittingEmptySubsequences: false).map(String.init))
        }
    }

    static let numbers = [
        "0", "1", "-1", "2", "17", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "18446744073709551615", "99999999999999999999999", "2147483647", "-2147483649", "4294967296",
        "1e308", "1e309", "-1e309", "NaN", "inf", "-0", "0x10", "1.5", "+5", "007", " 5", "5 ", "",
    ]
    static let texts = [
        "VAD-247", "SRT-VRC", "bill-complaint", "new-lt-connection", "NC-017", "BC-001", "2026-11-30", "2026-12-01",
        "9999-12-31", "0000-01-01", "2026-02-30", "2026-13-01", "-2026-01-01", "20261-01-01", "9825012345", "+91 98250 12345",
        "a@b.co", "true", "false", "null", "none", "senior_citizen", "gu", "hi", "en", "xx", "walk_in", "appointment",
        "services", "hours", "csv", String(repeating: "A", count: 300), String(repeating: "👨‍👩‍👧‍👦", count: 100),
        "e" + String(repeating: "\u{301}", count: 200), "a\u{0}b", "a\u{0}@b.co", "2026-12-+2", "2027-1-001", "2026-12-+9", "+026-12-01", "2026-12-1 ", "\u{3164}", "\u{2800}", "é@é.co", "x@y.z\u{202E}", "\u{202E}evil", "zero\u{200B}width", "%", "%zz", "%00",
        "%ff%fe", "..", ".", "/", "//", "<script>", "'; DROP TABLE token; --", "ગુજરાત", "हिन्दी", "\r\nX-Injected: 1",
    ]
    static let fieldNames = [
        "office", "service", "name", "phone", "email", "consumer_number", "language", "priority", "slot", "date",
        "secret", "number", "kiosk", "username", "password", "label", "reason", "counter", "token", "note", "state",
        "services", "role", "display_name", "active", "capacity", "places", "day", "from", "to", "before", "table",
        "interval", "last_event_id", "id", "csrf", "max_priority_streak", "aging_minutes", "recall_limit",
        "active_tokens_per_phone", "weekday", "starts_at", "ends_at", "holiday", "staff", "limit", "days",
    ]

    /// Every route with each boundary number in one place at a time: the path parameters and
    /// `Last-Event-ID`; every known query field; every form field; every JSON field. Signed in,
    /// with a kiosk's cookie and the CSRF token, so that the numbers reach the handlers.
    func boundarySweep() -> [([String: String], [UInt8])] {
        var requests: [([String: String], [UInt8])] = []
        for route in routes {
            for number in Self.numbers {
                let path = route.segments.map { $0.hasPrefix("{") ? (Self.numbers.contains(number) ? number : "1") : $0 }.joined(separator: "/")
                let realPath = route.segments.map(realValue).joined(separator: "/")
                var base = [
                    "REQUEST_METHOD": route.method, "HTTP_COOKIE": world.staffCookie + "; " + world.kioskCookie,
                    "HTTP_X_CSRF_TOKEN": world.csrf, "HTTP_X_TOKEN_SECRET": world.tokenSecret, "REMOTE_ADDR": "127.0.0.1",
                ]
                var inPath = base
                inPath["REQUEST_URI"] = path
                inPath["HTTP_LAST_EVENT_ID"] = number
                requests.append((inPath, []))

                let fields = Self.fieldNames.filter { $0 != "secret" && $0 != "csrf" }
                let query = fields.map { "\($0)=\(number)" }.joined(separator: "&")
                base["REQUEST_URI"] = realPath + "?secret=\(world.tokenSecret)&" + query
                base["QUERY_STRING"] = "secret=\(world.tokenSecret)&" + query
                requests.append((base, []))

                base["REQUEST_URI"] = realPath + "?secret=\(world.tokenSecret)"
                base["QUERY_STRING"] = "secret=\(world.tokenSecret)"
                let form = (fields.map { "\($0)=\(number)" } + ["secret=\(world.tokenSecret)", "csrf=\(world.csrf)"]).joined(separator: "&")
                var formRequest = base
                formRequest["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
                requests.append((formRequest, Array(form.utf8)))

                // As JSON numbers, where JSON can carry them.
                let trimmed = number.trimmingCharacters(in: .whitespaces)
                if let value = Double(trimmed), value.isFinite, !trimmed.hasPrefix("+"), !trimmed.hasPrefix("0x"),
                   !(trimmed.hasPrefix("0") && trimmed.count > 1 && !trimmed.hasPrefix("0.")) {
                    let json = "{" + fields.map { "\"\($0)\":\(trimmed)" }.joined(separator: ",") + ",\"secret\":\"\(world.tokenSecret)\"}"
                    var jsonRequest = base
                    jsonRequest["CONTENT_TYPE"] = "application/json"
                    requests.append((jsonRequest, Array(json.utf8)))
                }
            }
        }
        return requests
    }

    /// Valid requests for each route that takes a body, with one field at a time replaced by each
    /// hostile value: deep enough to reach validation, the database and its constraints.
    func fieldMutations() -> [([String: String], [UInt8])] {
        let clerk = String(world.clerkID)
        let templates: [(String, String, [String: String])] = [
            ("POST", "/api/v1/tokens", ["office": "VAD-247", "service": "bill-complaint", "name": "Asha Patel", "phone": "PHONE",
                                        "email": "asha@example.com", "consumer_number": "12345678", "language": "gu", "priority": "none"]),
            ("POST", "/api/v1/tokens", ["office": "VAD-247", "service": "new-lt-connection", "name": "Asha Patel", "phone": "PHONE",
                                        "slot": String(world.slotID), "date": "2026-12-01", "language": "hi"]),
            ("POST", "/token/find", ["office": "VAD-247", "number": "BC-001", "phone": "9825012345", "language": "gu"]),
            ("POST", "/api/v1/offices/VAD-247/check-in", ["phone": "9825012345", "number": "NC-001"]),
            ("POST", "/api/v1/tokens/\(world.tokenID)/reschedule", ["secret": world.tokenSecret, "slot": String(world.slotID), "date": "2026-12-02"]),
            ("POST", "/api/v1/counters/1/pause", ["reason": "Lunch"]),
            ("POST", "/api/v1/counters/1/call", ["token": "BC-001"]),
            ("POST", "/api/v1/counters/1/note", ["note": "Brought the bill"]),
            ("POST", "/api/v1/counters/1/transfer", ["service": "new-lt-connection", "to_counter": "2", "reason": "Wrong queue"]),
            ("POST", "/api/v1/offices/VAD-247/policy", ["max_priority_streak": "2", "aging_minutes": "45", "recall_limit": "2",
                                                        "active_tokens_per_phone": "3"]),
            ("POST", "/api/v1/offices/VAD-247/counters/2/services", ["services": "bill-complaint,new-lt-connection"]),
            ("POST", "/api/v1/offices/VAD-247/slot-capacity", ["service": "new-lt-connection", "capacity": "4"]),
            ("POST", "/api/v1/offices/VAD-247/holidays", ["day": "2026-12-25", "reason": "Christmas"]),
            ("POST", "/api/v1/staff", ["username": "new.clerk", "name": "New Clerk", "password": "a-long-password", "role": "counter_staff",
                                       "office": "VAD-247", "counter": "2"]),
            ("POST", "/api/v1/staff/\(clerk)/assignment", ["role": "counter_staff", "office": "VAD-247", "counter": "1"]),
            ("POST", "/api/v1/kiosks", ["office": "VAD-247", "label": "Hall kiosk"]),
        ]
        var requests: [([String: String], [UInt8])] = []
        var phone = 7_000_000_000
        for (method, target, fields) in templates {
            let path = target.split(separator: "?")[0]
            for field in fields.keys.sorted() {
                for hostile in Self.texts + Self.numbers {
                    phone += 1
                    var body = fields
                    body[field] = hostile
                    body = body.mapValues { $0 == "PHONE" ? String(phone) : $0 }
                    let asJSON = phone % 2 == 0
                    let bytes: [UInt8]
                    if asJSON {
                        bytes = (try? JSONSerialization.data(withJSONObject: body)).map(Array.init) ?? []
                    } else {
                        bytes = Array((body.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                                       + ["csrf=\(world.csrf)"]).joined(separator: "&").utf8)
                    }
                    requests.append(([
                        "REQUEST_METHOD": method, "REQUEST_URI": String(path), "REMOTE_ADDR": "127.0.0.1",
                        "HTTP_COOKIE": world.staffCookie, "HTTP_X_CSRF_TOKEN": world.csrf,
                        "CONTENT_TYPE": asJSON ? "application/json" : "application/x-www-form-urlencoded",
                    ], bytes))
                }
            }
        }
        return requests
    }

    /// A path segment filled with a value that exists, so that the request gets past the lookup.
    private func realValue(_ segment: String) -> String {
        switch segment {
        case "{id}": String(world.tokenID)
        case "{office}": "VAD-247"
        case "{counter}", "{number}": "1"
        default: segment.hasPrefix("{") ? "1" : segment
        }
    }

    mutating func next() -> ([String: String], [UInt8]) {
        var params: [String: String] = [:]
        let route = routes[pick(routes.count)]
        params["REQUEST_METHOD"] = chance(0.75) ? route.method : pick(["GET", "POST", "HEAD", "PUT", "DELETE", "TRACE", "OPTIONS", "", "G\u{0}ET"])
        var filled: [String] = []
        for segment in route.segments { filled.append(fill(segment)) }
        let path = chance(0.9) ? filled.joined(separator: "/") : pick(["/", "", "//api", "/api/../api/healthz", "/api/v1/%", "/api/v1/tokens/%FF"])
        var query: [String] = []
        for _ in 0..<pick(5) { query.append("\(pick(Self.fieldNames))=\(encode(value()))") }
        if world.tokenID > 0, chance(0.3) { query.append("secret=\(chance(0.8) ? world.tokenSecret : encode(value()))") }
        let queryString = query.joined(separator: "&")
        params["REQUEST_URI"] = queryString.isEmpty ? path : path + "?" + queryString
        params["QUERY_STRING"] = queryString
        params["REMOTE_ADDR"] = pick(["127.0.0.1", "10.1.2.3", "::1", "", "not-an-address"])
        if chance(0.8) { params["REQUEST_ID"] = chance(0.9) ? String(random.next(), radix: 16) : "" }
        if chance(0.2) { params["HTTPS"] = "on" }
        var cookies: [String] = []
        if chance(0.5) { cookies.append(world.staffCookie) }
        if chance(0.3) { cookies.append(chance(0.7) ? world.kioskCookie : "gq_kiosk=\(pick(["kiosk.1.x", "kiosk.01.", "kiosk.+1.", "kiosk.\(value()).AAAA", value()]))") }
        if chance(0.1) { cookies.append("gq_access=\(value()); gq_refresh=\(value())") }
        if !cookies.isEmpty { params["HTTP_COOKIE"] = cookies.joined(separator: "; ") }
        if chance(0.5) { params["HTTP_X_CSRF_TOKEN"] = chance(0.8) ? world.csrf : value() }
        if chance(0.3) { params["HTTP_LAST_EVENT_ID"] = pick(Self.numbers) }
        if chance(0.2) { params["HTTP_X_TOKEN_SECRET"] = chance(0.5) ? world.tokenSecret : value() }
        if chance(0.3) { params["HTTP_ACCEPT"] = pick(["application/json", "text/html", "*/*", "text/html;q=0.1, application/json", value()]) }
        if chance(0.2) { params["HTTP_IDEMPOTENCY_KEY"] = value() }
        if chance(0.2) { params["HTTP_HOST"] = value() }
        if chance(0.2) { params["HTTP_ACCEPT_LANGUAGE"] = pick(["gu-IN", "hi", "en;q=0.5", value()]) }
        let body = makeBody(&params)
        if chance(0.9) {
            params["CONTENT_LENGTH"] = chance(0.9) ? String(body.count) : pick(Self.numbers)
        }
        return (params, body)
    }

    private mutating func makeBody(_ params: inout [String: String]) -> [UInt8] {
        switch pick(6) {
        case 0:
            return []
        case 1, 2:
            params["CONTENT_TYPE"] = pick(["application/json", "application/json; charset=utf-8", "", "APPLICATION/JSON"])
            var fields: [String] = []
            for _ in 0..<pick(8) { fields.append("\(jsonString(pick(Self.fieldNames))):\(jsonValue())") }
            if chance(0.1) { return Array("[\(fields.joined(separator: ","))]".utf8) }
            return Array("{\(fields.joined(separator: ","))}".utf8)
        case 3, 4:
            params["CONTENT_TYPE"] = pick(["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8"])
            var fields: [String] = []
            for _ in 0..<pick(8) { fields.append("\(pick(Self.fieldNames))=\(encode(value()))") }
            if chance(0.3) { fields.append("secret=\(world.tokenSecret)") }
            if chance(0.3) { fields.append("csrf=\(world.csrf)") }
            return Array(fields.joined(separator: "&").utf8)
        default:
            params["CONTENT_TYPE"] = pick(["text/plain", "multipart/form-data; boundary=x", "application/json", value()])
            return (0..<pick(64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
    }

    private mutating func fill(_ segment: String) -> String {
        guard segment.hasPrefix("{") else { return chance(0.02) ? segment.uppercased() : segment }
        switch segment {
        case "{id}": return chance(0.6) ? String(world.tokenID) : encode(pick(Self.numbers))
        case "{office}": return chance(0.7) ? pick(["VAD-247", "SRT-VRC", "AMD-NRN"]) : encode(value())
        case "{counter}", "{number}": return chance(0.5) ? pick(["1", "2", "3"]) : encode(pick(Self.numbers))
        default: return encode(value())
        }
    }

    private mutating func value() -> String {
        chance(0.5) ? pick(Self.numbers) : pick(Self.texts)
    }

    private mutating func jsonValue() -> String {
        switch pick(7) {
        case 0: return pick(Self.numbers.filter { Double($0) != nil && !$0.hasPrefix("+") && !$0.hasPrefix(" ") && !$0.hasSuffix(" ") && !$0.hasPrefix("0") || $0 == "0" })
        case 1: return pick(["true", "false", "null", "[]", "{}", "[1,2]", "{\"a\":1}", "1e400", "-0.0"])
        default: return jsonString(value())
        }
    }

    private func jsonString(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    /// Percent-encodes most of the time; sometimes sends the text raw, as an attacker may.
    private mutating func encode(_ text: String) -> String {
        guard chance(0.85) else { return text }
        return text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double(random.next() % 10_000) / 10_000 < probability
    }

    private mutating func pick(_ count: Int) -> Int { count <= 0 ? 0 : Int(random.next() % UInt64(count)) }

    private mutating func pick<T>(_ items: [T]) -> T { items[pick(items.count)] }
}
