import FastCGI
import Foundation
import QueueCore

/// `POST /api/v1/sms/delivery-reports`: the SMS gateway tells which messages reached the phone.
/// Never open: the body must carry `X-Signature: sha256=<hex>`, the HMAC-SHA256 of the exact body
/// under the shared secret (`--delivery-report-secret-file`); without a configured secret every
/// report is refused. The signed body carries `timestamp` (Unix seconds, when the gateway sent it),
/// and a body whose timestamp is outside the window (`--delivery-report-window-seconds`) either way
/// is refused whole, so a captured report cannot be played back later.
enum DeliveryReportRoutes {
    struct Recorded: Encodable {
        let recorded: Int
        let unknown: Int
    }

    static let delivered: Set<String> = ["delivered", "delivrd", "success"]
    static let failed: Set<String> = ["failed", "undelivered", "undeliv", "rejected", "expired"]

    static func register(in router: inout Router) {
        router.add("POST", "/api/v1/sms/delivery-reports") { context in
            try requireSignature(context)
            let (sentAt, reports) = try reports(in: context.request.body)
            try requireFresh(sentAt, context: context)
            var recorded = 0, unknown = 0
            for report in reports {
                let state = report.status.lowercased()
                guard delivered.contains(state) || failed.contains(state) else {
                    throw APIError.invalidField("status", "status must be delivered or failed (or DELIVRD, UNDELIV, REJECTED, EXPIRED).")
                }
                let known = try Deliveries(database: context.services.database).recordReport(
                    messageRef: report.id, delivered: delivered.contains(state), reason: report.reason, at: context.now)
                if known { recorded += 1 } else { unknown += 1 }
            }
            return JSON.response(status: 200, Recorded(recorded: recorded, unknown: unknown))
        }
    }

    private static func requireSignature(_ context: RequestContext) throws {
        guard let secret = context.services.deliveryReportSecret else {
            throw APIError(status: 403, code: "delivery_reports_not_configured",
                           message: "This server takes no delivery reports: no shared secret is configured.")
        }
        guard let header = context.request.header("x-signature"), header.hasPrefix("sha256="),
              let mac = hexBytes(String(header.dropFirst(7))) else {
            throw APIError(status: 401, code: "signature_required",
                           message: "Sign the body: X-Signature: sha256=<hex HMAC-SHA256 of the body with the shared secret>.")
        }
        guard StaffCrypto.equalMACs(mac, StaffCrypto.hmacSHA256(context.request.body, key: secret)) else {
            throw APIError(status: 401, code: "bad_signature", message: "The signature does not match the body.")
        }
    }

    /// The report was signed within the window of the server's clock, either way.
    private static func requireFresh(_ sentAt: Double, context: RequestContext) throws {
        let window = context.services.deliveryReportWindowSeconds
        guard abs(context.now.timeIntervalSince1970 - sentAt) <= window else {
            throw APIError(status: 400, code: "report_not_fresh",
                           message: "The report's timestamp is more than \(Int(window)) seconds from the server's clock; it was not applied.",
                           field: "timestamp")
        }
    }

    struct Report {
        var id: String
        var status: String
        var reason: String?
    }

    /// `{"id", "status", "reason", "timestamp"}` or `{"reports": [...], "timestamp"}`: when the gateway
    /// sent the body, and its reports.
    private static func reports(in body: [UInt8]) throws -> (sentAt: Double, reports: [Report]) {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw APIError(status: 400, code: "invalid_body",
                           message: "Send a JSON object: {\"id\", \"status\", \"reason\", \"timestamp\"} or {\"reports\": [...], \"timestamp\"}.")
        }
        // (A JSON true would read as 1: far outside any window, so refused there.)
        guard let sentAt = (json["timestamp"] as? NSNumber)?.doubleValue, sentAt.isFinite else {
            throw APIError.invalidField("timestamp", "Give the time the report was sent as timestamp, in Unix seconds, inside the signed body.")
        }
        let items = (json["reports"] as? [Any]) ?? [json]
        guard (1...1000).contains(items.count) else { throw APIError.invalidField("reports", "Send 1 to 1000 reports at a time.") }
        return (sentAt, try items.map { item in
            guard let object = item as? [String: Any], let id = object["id"] as? String, (1...200).contains(id.utf8.count) else {
                throw APIError.invalidField("id", "Each report needs the message's id (as the gateway answered it) as a string.")
            }
            guard let status = object["status"] as? String else { throw APIError.invalidField("status", "Each report needs a status.") }
            return Report(id: id, status: status, reason: (object["reason"] as? String).map { String($0.prefix(200)) })
        })
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
