import Foundation
import GRDB

/// A request for a token: now (walk-in) or in an appointment slot on a day.
public struct BookingRequest: Sendable {
    public var officeCode: String
    public var serviceCode: String
    public var citizen: CitizenDetails
    /// For an appointment: the slot and the service day `YYYY-MM-DD`.
    public var appointment: (slotID: Int64, day: String)?
    public var actor: Actor
    /// The token's capabilities, chosen by the caller so that it can hand them out; only their
    /// digests are stored. Only a citizen's own booking gets a manage secret: a token booked at a
    /// kiosk (or by staff) must not be cancellable by whoever uses that device next.
    public var secrets: TokenSecrets

    public init(officeCode: String, serviceCode: String, citizen: CitizenDetails,
                appointment: (slotID: Int64, day: String)? = nil, actor: Actor = .citizen, secrets: TokenSecrets = .random()) {
        self.officeCode = officeCode
        self.serviceCode = serviceCode
        self.citizen = citizen
        self.appointment = appointment
        self.actor = actor
        self.secrets = secrets
    }
}

extension Queue {
    /// How far ahead appointments may be booked.
    public static let bookingHorizonDays = 30

    /// Books a token. A walk-in joins the queue at once (only while the office is open); an
    /// appointment holds a place in its slot and joins the queue at check-in.
    public func book(_ request: BookingRequest, at now: Date) throws -> Token {
        let citizen = try validatedCitizen(of: request)
        return try commit(settled: true) { db, events in
            try insertBooking(db, request, citizen: citizen, at: now, events: &events)
        }
    }

    /// Moves a booked appointment (not yet checked in) to another slot: in one transaction the old
    /// token is cancelled, keeping its number so numbers stay gapless, and a new one is booked.
    public func reschedule(token tokenID: Int64, toSlot slotID: Int64, day: String, secrets: TokenSecrets = .random(),
                           actor: Actor, at now: Date) throws -> Token {
        try commit { db, events in
            guard let old = try Token.fetch(db, id: tokenID) else { throw QueueError.tokenNotFound }
            guard old.kind == .appointment, old.state == .booked else {
                throw QueueError.illegalTransition(action: .cancel, from: old.state)
            }
            try db.cachedStatement(sql: "UPDATE token SET state = 'cancelled', finished_at = ? WHERE id = ?").execute(arguments: [now.milliseconds, tokenID])
            try Outbox.withdrawReminders(db, token: tokenID, at: now)
            events.append(try EventLog.append(db, office: old.officeCode, kind: .rescheduled, token: old, from: .booked,
                                              to: .cancelled, actor: actor, reason: "moved to another slot", at: now))
            // The moved appointment is told on the channels the citizen chose for the old one.
            var citizen = old.citizen
            citizen.channels = try Outbox.channels(db, token: tokenID)
            let request = BookingRequest(officeCode: old.officeCode, serviceCode: old.bookedServiceCode, citizen: citizen,
                                         appointment: (slotID, day), actor: actor, secrets: secrets)
            return try insertBooking(db, request, citizen: citizen, at: now, events: &events)
        }
    }

    /// The citizen's details checked; a walk-in booked by an enrolled kiosk or by a clerk at the
    /// counter may be anonymous (the citizen may have no phone, and is in front of the office's staff).
    func validatedCitizen(of request: BookingRequest) throws -> CitizenDetails {
        let anonymous: Bool
        switch request.actor {
        case .enrolledKiosk, .staff: anonymous = request.appointment == nil
        default: anonymous = false
        }
        return try request.citizen.validated(allowingAnonymous: anonymous)
    }

    func insertBooking(_ db: Database, _ request: BookingRequest, citizen: CitizenDetails, at now: Date,
                               events: inout [QueueEvent]) throws -> Token {
        let settings = try self.settings.reading(db)
        let office = try settings.office(request.officeCode)
        let now = try Self.joiningTime(db, office: office.code, requested: now)
        let service = try settings.service(office: office.code, service: request.serviceCode)
        if case .enrolledKiosk(let kiosk) = request.actor { try KioskDevices.requireEnrolled(db, kiosk: kiosk, office: office.code) }
        let today = office.serviceDay(now)
        let day: String
        var slot: (id: Int64, startsAt: Int)?
        if let appointment = request.appointment {
            slot = try reserveSlot(db, office: office, service: service, slotID: appointment.slotID,
                                   day: appointment.day, today: today, calendar: try settings.calendar(office, from: today.day))
            day = appointment.day
        } else {
            // The calendar from today holds today's holiday and the week ahead for the next opening.
            let calendar = try settings.calendar(office, from: today.day)
            if let reason = calendar.holiday(on: today.day) { throw QueueError.holiday(day: today.day, reason: reason) }
            guard calendar.isOpen(at: today) else { throw QueueError.officeClosed(opensAt: calendar.nextOpening(after: now)) }
            day = today.day
        }
        let numbered = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT max(sequence) FROM token WHERE office_code = ? AND booked_service_code = ? AND service_day = ?
            """), arguments: [office.code, service.code, day]) ?? 0
        try checkLimits(db, office: office, service: service, phone: citizen.phone, day: day, numbered: numbered)
        let sequence = numbered + 1
        let number = "\(service.prefix)-\(Digits.padded(sequence, width: 3))"
        let state: TokenState = slot == nil ? .waiting : .booked
        let kind: TokenKind = slot == nil ? .walkIn : .appointment
        let viewHash = TokenSecrets.digest(request.secrets.view)
        let manageHash = request.actor == .citizen ? TokenSecrets.digest(request.secrets.manage) : nil
        try db.cachedStatement(sql: """
            INSERT INTO token (view_secret_hash, manage_secret_hash, office_code, service_code, booked_service_code,
                service_day, sequence, number, kind, state, priority, citizen_name, phone, email, consumer_number, language,
                slot_id, slot_starts_at, queued_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                viewHash, manageHash, office.code, service.code, service.code, day, sequence, number,
                kind.rawValue, state.rawValue, citizen.priority.rawValue,
                citizen.name.isEmpty ? nil : citizen.name, citizen.phone.isEmpty ? nil : citizen.phone, citizen.email, citizen.consumerNumber, citizen.language,
                slot?.id, slot?.startsAt, slot == nil ? now.milliseconds : nil, now.milliseconds,
            ])
        // The row just written, as `Token(row:)` would read it back (a test holds the two equal):
        // reading it again cost every booking a statement inside the write lock.
        let token = Token(
            id: db.lastInsertedRowID, viewSecretHash: viewHash, manageSecretHash: manageHash, officeCode: office.code,
            serviceCode: service.code, bookedServiceCode: service.code, serviceDay: day, sequence: sequence, number: number,
            kind: kind, state: state,
            citizen: CitizenDetails(name: citizen.name, phone: citizen.phone, email: citizen.email, consumerNumber: citizen.consumerNumber,
                                    language: citizen.language, priority: citizen.priority),
            slotID: slot?.id, slotStartsAt: slot?.startsAt, queuedAt: slot == nil ? Date(milliseconds: now.milliseconds) : nil,
            createdAt: Date(milliseconds: now.milliseconds), calledAt: nil, startedAt: nil, finishedAt: nil, counterID: nil,
            targetCounterID: nil, recalls: 0, staffNote: nil, hasRejoined: false)
        events.append(try EventLog.append(db, office: office.code, kind: .booked, token: token, to: state,
                                          actor: request.actor, at: now))
        let channels = try Outbox.recordChannels(db, token: token, chosen: request.citizen.channels)
        // The link carries the view capability only (DESIGN, decision 1).
        try Outbox.enqueue(db, .booked, token: token, extra: [
            "link": TokenSecrets.pagePath(token: token.id, view: request.secrets.view),
            "documents": try Outbox.documents(settings, token: token),
            "slot": slot.map { Queue.clock($0.startsAt) } ?? "",
        ], channels: channels, settings: settings, at: now)
        if let slot {
            try Outbox.enqueueReminders(db, token: token, slotStartsAt: slot.startsAt, timeZone: office.timeZone, settings: settings, at: now)
        }
        return token
    }

    /// The moment a citizen joins a waiting line at (a booking, a check-in, a rejoin, a transfer):
    /// the request's own, or the office's latest joining's if that is later by a moment. Requests
    /// that come together are written one after another, not always in the order they came; without
    /// this, a walk-in (or a rejoin) asked for a millisecond earlier but written later would join
    /// ahead of a citizen already told their place, and that citizen would have one more person
    /// before them than they were told. Later by more than `reorderSeconds` is a clock set back, not
    /// a reordering: the request's own time stands then. The change's event is written at the same
    /// moment, so the next joining sees it.
    ///
    /// `existingToken`: the token was made before (a rejoin, a check-in, a transfer). At the same
    /// moment as the latest joining it would be ordered first (by its older id), so it joins a
    /// millisecond after. A new booking joins at the same moment: its id orders it last. (Bumping
    /// every booking made times run ahead of the clock whenever an office took more than one booking
    /// a millisecond, as a benchmark does, until the 5 s window let one jump back before thousands.)
    static func joiningTime(_ db: Database, office: String, requested now: Date, existingToken: Bool = false) throws -> Date {
        guard let latest = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT at FROM event
            WHERE office_code = ? AND (kind = 'booked' OR kind = 'checked_in' OR kind = 'rejoined' OR kind = 'transferred')
            ORDER BY id DESC LIMIT 1
            """), arguments: [office]),
            existingToken ? latest >= now.milliseconds : latest > now.milliseconds,
            Double(latest - now.milliseconds) <= reorderSeconds * 1000 else { return now }
        return Date(milliseconds: existingToken ? latest + 1 : latest)
    }

    /// How far apart two joinings written out of order can have been asked for.
    static let reorderSeconds: Double = 5

    private func reserveSlot(
        _ db: Database, office: OfficeFacts, service: OfferedService, slotID: Int64, day: String, today: ServiceDay,
        calendar: OfficeCalendar
    ) throws -> (id: Int64, startsAt: Int) {
        guard service.takesAppointments else { throw QueueError.appointmentsNotOffered(service: service.code) }
        guard let weekday = ServiceDay.weekday(of: day, timeZone: office.timeZone) else {
            throw QueueError.invalidField(field: "date", reason: "The date must be a real day written YYYY-MM-DD.")
        }
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT starts_at, ends_at, capacity FROM appointment_slot
            WHERE id = ? AND office_code = ? AND service_code = ? AND weekday = ?
            """), arguments: [slotID, office.code, service.code, weekday]) else { throw QueueError.slotNotFound }
        let startsAt: Int = row["starts_at"], endsAt: Int = row["ends_at"], capacity: Int = row["capacity"]
        if day < today.day || (day == today.day && endsAt <= today.minuteOfDay) { throw QueueError.slotInPast }
        if let todayMidnight = ServiceDay.midnight(of: today.day, timeZone: office.timeZone),
           let dayMidnight = ServiceDay.midnight(of: day, timeZone: office.timeZone),
           dayMidnight.timeIntervalSince(todayMidnight) > Double(Self.bookingHorizonDays) * 86_400 + 7200 {
            throw QueueError.bookingTooFarAhead(days: Self.bookingHorizonDays)
        }
        // The calendar holds every holiday from today on, and the day is not before today.
        if let reason = calendar.holiday(on: day) { throw QueueError.holiday(day: day, reason: reason) }
        // Counted inside the write transaction: SQLite has one writer, so concurrent bookings
        // see each other's rows and the capacity is never exceeded.
        let booked = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) FROM token WHERE slot_id = ? AND service_day = ? AND state != 'cancelled'
            """), arguments: [slotID, day]) ?? 0
        guard booked < capacity else { throw QueueError.slotFull }
        return (slotID, startsAt)
    }

    /// The service's daily cap and the mobile number's limit. `numbered` is the day's highest token
    /// number of the service: numbers are gapless, so the tokens issued are those less the cancelled
    /// (two index look-ups, where counting the day's tokens grows with the queue).
    /// The states in which a token counts against its mobile number's limit.
    static let activeStates: Set<String> = ["booked", "waiting", "called", "serving"]

    private func checkLimits(_ db: Database, office: OfficeFacts, service: OfferedService, phone: String, day: String,
                             numbered: Int) throws {
        let cancelled = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT count(*) FROM token WHERE office_code = ? AND booked_service_code = ? AND service_day = ? AND state = 'cancelled'
            """), arguments: [office.code, service.code, day]) ?? 0
        let issued = numbered - cancelled
        guard issued < service.dailyCap else { throw QueueError.dailyCapReached(service: service.code) }
        guard !phone.isEmpty else { return }
        // The few tokens of one number and day, their states counted here: a list of four states in
        // the statement made SQLite build a temporary b-tree of it on every booking (see v22).
        let held = try String.fetchAll(db.cachedStatement(sql: "SELECT state FROM token WHERE phone = ? AND service_day = ?"),
                                       arguments: [phone, day]).filter { Self.activeStates.contains($0) }.count
        guard held < office.policy.activeTokensPerPhone else {
            throw QueueError.phoneLimitReached(limit: office.policy.activeTokensPerPhone)
        }
    }
}
