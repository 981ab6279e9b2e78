import Foundation
import GRDB

/// How an office tells its citizens: when "your turn is near" goes, and whether its SMS-channel
/// messages go as SMS or as WhatsApp Business template messages. Set on the settings page, or by
/// the office's Markdown (`turn_near_ahead`, `sms_via`); the worker reads it for every look.
public struct OfficeMessaging: Sendable, Codable, Equatable {
    /// "Your turn is near" goes once this many people or fewer are before a citizen.
    public var turnNearAhead: Int
    /// `.sms` or `.whatsapp`: how a citizen who chose SMS is told.
    public var smsVia: MessageChannel

    public static let standard = OfficeMessaging(turnNearAhead: 3, smsVia: .sms)
    public static let turnNearRange = 0...50

    public init(turnNearAhead: Int, smsVia: MessageChannel) {
        self.turnNearAhead = turnNearAhead
        self.smsVia = smsVia
    }

    /// Refuses what the schema would: a threshold out of range, a channel other than SMS or WhatsApp.
    public func validated() throws -> OfficeMessaging {
        guard Self.turnNearRange.contains(turnNearAhead) else {
            throw QueueError.invalidField(field: "turn_near_ahead", reason: "Tell citizens when 0 to 50 people are before them.")
        }
        guard smsVia == .sms || smsVia == .whatsapp else {
            throw QueueError.invalidField(field: "sms_via", reason: "Send SMS-channel messages as sms or whatsapp.")
        }
        return self
    }

    static func load(_ db: Database, office code: String) throws -> OfficeMessaging {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT turn_near_ahead, sms_via FROM office WHERE code = ?"),
                                         arguments: [code]) else { return .standard }
        return OfficeMessaging(turnNearAhead: row["turn_near_ahead"], smsVia: smsVia(stored: row["sms_via"]))
    }

    /// How an office sends SMS-channel messages, from its `sms_via` column (SMS unless it says otherwise).
    static func smsVia(stored: String?) -> MessageChannel {
        stored.flatMap(MessageChannel.init(rawValue:)) ?? standard.smsVia
    }

    func save(_ db: Database, office code: String) throws {
        try db.execute(sql: "UPDATE office SET turn_near_ahead = ?, sms_via = ? WHERE code = ?",
                       arguments: [turnNearAhead, smsVia.rawValue, code])
    }
}

extension Queue {
    /// Changes how an office tells its citizens; recorded with the office's other rules.
    public func setMessaging(office code: String, to messaging: OfficeMessaging, actor: Actor, at now: Date) throws {
        let messaging = try messaging.validated()
        try commit { db, events in
            _ = try OfficeFacts.load(db, code: code)
            try messaging.save(db, office: code)
            events.append(try EventLog.append(db, office: code, kind: .policyChanged, actor: actor, reason: """
                turn near at \(messaging.turnNearAhead) before, SMS-channel messages as \(messaging.smsVia.rawValue)
                """, at: now))
        }
    }
}
