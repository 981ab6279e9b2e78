import Foundation
import GRDB

/// Writes the messages a change causes into the outbox, inside that change's own transaction (or
/// savepoint), so that a change that rolls back leaves no message and none commits without its
/// message. Each row holds what its template needs, in the token's language; the worker renders
/// and sends it. A trigger tells a token once per channel (`UNIQUE (token_id, trigger, channel)`).
enum Outbox {
    /// Records the channels the citizen chose: SMS by default when a mobile number is given, e-mail
    /// when an address is; a channel without its address is dropped.
    @discardableResult
    static func recordChannels(_ db: Database, token: Token, chosen: Set<MessageChannel>?) throws -> Set<MessageChannel> {
        let citizen = token.citizen
        var channels = chosen ?? [.sms, .email]
        if citizen.phone.isEmpty { channels.subtract([.sms, .whatsapp]) }
        if citizen.email == nil { channels.remove(.email) }
        // Push is chosen on the token page, by subscribing (PushSubscriptions), not when booking.
        channels.remove(.push)
        for channel in channels.sorted(by: { $0.rawValue < $1.rawValue }) {
            try db.cachedStatement(sql: "INSERT INTO token_channel (token_id, channel) VALUES (?, ?)")
                .execute(arguments: [token.id, channel.rawValue])
        }
        return channels
    }

    /// The channels a token's citizen chose.
    static func channels(_ db: Database, token id: Int64) throws -> Set<MessageChannel> {
        Set(try String.fetchAll(db.cachedStatement(sql: "SELECT channel FROM token_channel WHERE token_id = ?"),
                                arguments: [id]).compactMap(MessageChannel.init(rawValue:)))
    }

    /// Queues `trigger`'s message to `token` on each channel it chose; `extra` adds to the common
    /// values (number, office, service). Returns how many rows were written (a trigger already
    /// written for the token writes nothing again).
    @discardableResult
    /// `channels`: the token's channels when the caller has just recorded them (else they are read).
    /// `settings`: the queue's writer reads the names through its cache (else they are read here).
    static func enqueue(_ db: Database, _ trigger: MessageTrigger, token: Token, extra: [String: String] = [:],
                        due: Date? = nil, channels known: Set<MessageChannel>? = nil, settings: SettingsReader? = nil,
                        at now: Date) throws -> Int {
        let channels = try (known ?? self.channels(db, token: token.id)).sorted { $0.rawValue < $1.rawValue }
        guard !channels.isEmpty else { return 0 }
        let names = try (settings ?? .uncached(db)).messageNames(office: token.officeCode, service: token.serviceCode,
                                                                  language: language(of: token))
        var params = ["number": token.number, "office": names.office, "service": names.service, "office_code": token.officeCode,
                      "day": token.serviceDay]
        params.merge(extra) { _, given in given }
        let json = paramsJSON(params)
        let smsVia = names.smsVia
        var written = 0
        for chosen in channels {
            let channel = chosen == .sms ? smsVia : chosen
            // Push goes to the token's subscribed browsers (PushSubscriptions), not to an address.
            let address = channel == .push ? "push" : channel == .email ? token.citizen.email : token.citizen.phone
            guard let recipient = address, !recipient.isEmpty else { continue }
            try db.cachedStatement(sql: """
                INSERT INTO outbox (token_id, office_code, trigger, channel, language, recipient, params, next_attempt_at, created_at,
                    idempotency_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (token_id, trigger, channel) DO NOTHING
                """).execute(arguments: [token.id, token.officeCode, trigger.rawValue, channel.rawValue, token.citizen.language,
                                         recipient, json, (due ?? now).milliseconds, now.milliseconds, idempotencyKey(at: now)])
            written += db.changesCount
        }
        return written
    }

    /// A message's idempotency key for the gateways: 32 hex digits as before, the first 12 the time
    /// in milliseconds and the other 20 random (80 bits). Keys that grow with time land at the end of
    /// the key's unique index; wholly random ones each touched a page of their own, and a booking's
    /// insert into the outbox cost about twice as much with a long outbox (measured in SQLite).
    static func idempotencyKey(at now: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let time = String(UInt64(max(0, now.milliseconds)) & 0xFFFF_FFFF_FFFF, radix: 16)
        let high: UInt64 = generator.next(), low: UInt64 = generator.next() & 0xFFFF
        return pad(time, 12) + pad(String(high, radix: 16), 16) + pad(String(low, radix: 16), 4)

        func pad(_ text: String, _ width: Int) -> String { String(repeating: "0", count: max(0, width - text.count)) + text }
    }

    /// When an appointment's evening-before reminder is due: this hour (local) the day before.
    static let eveningReminderHour = 18

    /// Queues an appointment's reminders, each due at its time (the evening before, an hour before
    /// the slot); one whose time has passed already is left out.
    static func enqueueReminders(_ db: Database, token: Token, slotStartsAt: Int, timeZone: TimeZone, settings: SettingsReader? = nil,
                                 at now: Date) throws {
        guard let midnight = ServiceDay.midnight(of: token.serviceDay, timeZone: timeZone) else { return }
        let settings = settings ?? .uncached(db)
        let extra = ["slot": Queue.clock(slotStartsAt), "documents": try documents(settings, token: token)]
        let evening = midnight.addingTimeInterval(Double(eveningReminderHour - 24) * 3600)
        let hourBefore = midnight.addingTimeInterval(Double(slotStartsAt - 60) * 60)
        if evening > now { try enqueue(db, .reminderEvening, token: token, extra: extra, due: evening, settings: settings, at: now) }
        if hourBefore > now { try enqueue(db, .reminderHour, token: token, extra: extra, due: hourBefore, settings: settings, at: now) }
    }

    /// A cancelled or moved appointment's reminders not yet sent are given up, never sent.
    static func withdrawReminders(_ db: Database, token tokenID: Int64, at now: Date) throws {
        try db.cachedStatement(sql: """
            UPDATE outbox SET state = 'gave_up', last_error = 'the appointment was cancelled or moved', next_attempt_at = NULL,
                finished_at = ?
            WHERE token_id = ? AND trigger IN ('reminder_evening', 'reminder_hour') AND state IN ('pending', 'failed')
            """).execute(arguments: [now.milliseconds, tokenID])
    }

    /// The template's values as a JSON object, keys sorted (as the encoder wrote them), written by hand:
    /// it is written with every message, inside the write lock.
    static func paramsJSON(_ params: [String: String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        var object = JSONObjectWriter(into: &out)
        for key in params.keys.sorted() { object.string(key, params[key], into: &out) }
        object.end(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The language a token's messages are written in (one the templates have).
    private static func language(of token: Token) -> String {
        CitizenDetails.languages.contains(token.citizen.language) ? token.citizen.language : "en"
    }

    /// The documents to bring for the token's service, in its language, as one line.
    static func documents(_ settings: SettingsReader, token: Token) throws -> String {
        try settings.documents(service: token.serviceCode, language: language(of: token))
    }
}
