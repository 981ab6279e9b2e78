import Foundation
import GRDB

/// The live picture of every office this process has been asked about, each loaded once per
/// committed change to that office (never once per reader), and the answers worked out from it
/// once per change and minute (time alone moves the order: the aging rule, slots beginning).
///
/// It hears of changes from the queue's feed at once (commits in this process, which publish their
/// events before the change returns, so a writer reads its own write) and from `catchUp()` for other
/// processes' commits; a picture older than a minute is loaded again whatever it heard, so that
/// writes without an event (a catalogue import) arrive too.
public final class LiveOffices: @unchecked Sendable {
    /// How long a picture, and the answers worked out from it, may serve.
    public static let maximumAgeSeconds: Double = 60

    private final class Entry: @unchecked Sendable {
        /// Held while the office loads, so that one reader loads and the others wait for it.
        let loading = NSLock()
        var office: LiveOffice?
        var answers: Cached<OfficeAnswers>?
        var snapshot: Cached<OfficeSnapshot>?
        /// The forecast's range, worked out at most every `rangeInterval` while the office changes.
        var range: ForecastRange?
        var rangeInFlight = false
        /// How long the office's last drawn plays took (wall time), for spacing the next ones.
        var rangeSeconds: Double = 0
        /// The last mean play, which the next versions' answers extend with their newcomers.
        let lastPlay = LastPlay()
    }

    /// The sampled plays of an office are coalesced: at most this often while it changes, and at
    /// least once a minute (decision 4 of the design).
    public static let rangeInterval: Double = 0.2

    /// The drawn plays of a busy office take at most about this share of one core: a long queue
    /// plays slower, so its range is worked out less often than `rangeInterval` while it changes
    /// (at 3,000 waiting and 16 counters, forty plays took about 25 ms, which made a fifth of the
    /// server's work while bookings arrived). Never less often than every `longestRangeInterval`.
    public static let rangeCPUShare: Double = 0.05
    public static let longestRangeInterval: Double = 10

    /// Off for a simulation on a virtual clock, whose every answer must be the same run after run:
    /// then a stale range is worked out on the reader's path.
    public var rangesInBackground = true

    /// An answer worked out from one version of a picture, in one minute.
    private struct Cached<Value> {
        let minute: Int64
        let version: Int64
        let value: Value
    }

    private let database: AppDatabase
    /// The tokens being read now, kept up to date by the same changes as the pictures.
    let tokens = TokenCache()
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    /// The newest events row id known per office, from the feed and from `catchUp()`.
    private var newest: [String: Int64] = [:]
    /// The newest events row id `catchUp()` has seen in the whole table.
    private var caughtUpTo: Int64?
    private var loadCount = 0
    /// Each counter's office (a counter never moves to another office).
    private var counterOffices: [Int64: String] = [:]
    /// Whether the citizens at counters were told of their call, as the last change of each token
    /// in this process saw it (see `toldAsCommitted`).
    private var toldAtCommit: [Int64: [CounterDesk.MessageStatus]] = [:]

    /// How many times a picture was loaded from the database (rather than a change taken in).
    public var loads: Int {
        lock.lock(); defer { lock.unlock() }
        return loadCount
    }

    init(database: AppDatabase, feed: QueueFeed) {
        self.database = database
        feed.subscribe { [weak self] change in self?.heard(change) }
    }

    /// The office's live picture, loaded again if a change or the time has made it stale.
    public func office(_ code: String, at now: Date) throws -> LiveOffice {
        let entry = self.entry(code)
        if let office = current(entry, code, at: now) { return office }
        entry.loading.lock()
        defer { entry.loading.unlock() }
        if let office = current(entry, code, at: now) { return office }
        let office = try database.writer.read { db in try LiveOffice.load(db, office: code, at: now) }
        lock.lock()
        entry.office = office
        loadCount += 1
        newest[code] = max(newest[code] ?? 0, office.version)
        lock.unlock()
        return office
    }

    /// The office's picture if one is kept and current, without loading: for a write transaction,
    /// which must not wait for a read.
    func currentPicture(_ code: String, at now: Date) -> LiveOffice? {
        current(entry(code), code, at: now)
    }

    /// The office's picture and its answers now, shared by every reader until the next change or minute.
    public func answers(office code: String, at now: Date) throws -> (LiveOffice, OfficeAnswers) {
        let office = try self.office(code, at: now)
        return (office, answers(office, at: now))
    }

    /// Pictures a group commit brought forward with its changes, as it commits (before the feed
    /// publishes them, which then finds them current).
    func install(_ pictures: [String: LiveOffice]) {
        guard !pictures.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        for (code, picture) in pictures {
            let entry = entries[code] ?? Entry()
            entries[code] = entry
            if (entry.office?.version ?? 0) < picture.version { entry.office = picture }
        }
    }

    /// Where every waiting token of the office stands.
    public func positions(office code: String, at now: Date) throws -> (LiveOffice, [Int64: QueuePosition]) {
        let (office, answers) = try answers(office: code, at: now)
        return (office, answers.allPositions())
    }

    /// The office's public snapshot, worked out once per change and minute.
    public func snapshot(office code: String, at now: Date) throws -> OfficeSnapshot {
        let office = try office(code, at: now)
        return answer(office, at: now, \.snapshot) { $0.snapshot(at: now, answers: answers($0, at: now)) }
    }

    private func answers(_ office: LiveOffice, at now: Date) -> OfficeAnswers {
        answer(office, at: now, \.answers) { $0.answers(at: now, range: range(office, at: now), lastPlay: entry(office.code).lastPlay) }
    }

    /// The office's forecast range: the one kept while recent enough; once the office has changed
    /// and it is older than `rangeInterval`, a fresh one is worked out off the request's path (the
    /// kept one serves meanwhile). Only an office with none kept (or one older than a minute, or of
    /// another day) has its reader wait for the plays.
    private func range(_ office: LiveOffice, at now: Date) -> ForecastRange {
        let entry = self.entry(office.code)
        lock.lock()
        if let kept = entry.range, kept.computedAt <= now, ServiceDay(kept.computedAt, timeZone: office.timeZone).day == office.day {
            let age = now.timeIntervalSince(kept.computedAt)
            if age < Self.maximumAgeSeconds {
                // A virtual clock's simulation keeps the fixed interval, so that its runs repeat.
                let interval = rangesInBackground
                    ? min(Self.longestRangeInterval, max(Self.rangeInterval, entry.rangeSeconds / Self.rangeCPUShare)) : Self.rangeInterval
                let stale = kept.version != office.version && age >= interval
                if stale && !rangesInBackground {
                    lock.unlock()
                    return freshRange(office, entry, at: now)
                }
                if stale && !entry.rangeInFlight {
                    entry.rangeInFlight = true
                    DispatchQueue.global(qos: .utility).async { [self] in
                        _ = freshRange(office, entry, at: now)
                        lock.lock()
                        entry.rangeInFlight = false
                        lock.unlock()
                    }
                }
                lock.unlock()
                return kept
            }
        }
        lock.unlock()
        return freshRange(office, entry, at: now)
    }

    private func freshRange(_ office: LiveOffice, _ entry: Entry, at now: Date) -> ForecastRange {
        let began = DispatchTime.now().uptimeNanoseconds
        let range = ForecastRange.work(office.forecastPlan(at: now), office: office, seed: UInt64(bitPattern: office.version))
        let took = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        lock.lock()
        entry.rangeSeconds = took
        if (entry.range?.computedAt ?? .distantPast) <= range.computedAt { entry.range = range }
        lock.unlock()
        return range
    }

    /// An answer kept in the office's entry for this version of its picture and this minute.
    private func answer<Value>(_ office: LiveOffice, at now: Date, _ slot: ReferenceWritableKeyPath<Entry, Cached<Value>?>,
                               _ work: (LiveOffice) -> Value) -> Value {
        let entry = self.entry(office.code)
        let minute = Self.minute(now)
        lock.lock()
        if let cached = entry[keyPath: slot], cached.minute == minute, cached.version == office.version {
            lock.unlock()
            return cached.value
        }
        lock.unlock()
        let value = work(office)
        lock.lock()
        entry[keyPath: slot] = Cached(minute: minute, version: office.version, value: value)
        lock.unlock()
        return value
    }

    /// Notes commits made by other processes: one indexed query for the events since the last look.
    /// Returns the offices that changed.
    @discardableResult
    public func catchUp() throws -> [String: Int64] {
        lock.lock()
        let since = caughtUpTo
        lock.unlock()
        guard let since else {
            let newest = try database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM event") ?? 0 }
            lock.lock()
            caughtUpTo = max(caughtUpTo ?? 0, newest)
            lock.unlock()
            // Tokens read before there was a baseline may miss changes made elsewhere since.
            tokens.forget()
            return [:]
        }
        let rows = try database.writer.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT id, office_code, token_id FROM event WHERE id > ? ORDER BY id LIMIT ?"),
                             arguments: [since, Self.catchUpLimit])
        }
        var changed: [String: Int64] = [:]
        for row in rows {
            let id: Int64 = row[0], office: String = row[1]
            changed[office] = max(changed[office] ?? 0, id)
            if let token: Int64 = row[2] { tokens.changed(token, eventID: id) }
        }
        lock.lock()
        defer { lock.unlock() }
        for (office, id) in changed { newest[office] = max(newest[office] ?? 0, id) }
        caughtUpTo = max(caughtUpTo ?? 0, changed.values.max() ?? 0)
        return changed
    }

    /// True once `catchUp()` follows other processes' commits: until then a kept token could miss
    /// them, so tokens are read from the database.
    var followsOtherProcesses: Bool {
        lock.lock(); defer { lock.unlock() }
        return caughtUpTo != nil
    }

    /// A token for reading its status: as kept, or read (and kept).
    func token(_ id: Int64) throws -> Token? {
        guard followsOtherProcesses else { return try database.writer.read { db in try Token.fetch(db, id: id) } }
        if let known = tokens.token(id) { return known }
        return try tokens.read(id, from: database)
    }

    /// The office a counter belongs to; nil for no such counter.
    func office(ofCounter id: Int64) throws -> String? {
        lock.lock()
        if let known = counterOffices[id] { lock.unlock(); return known }
        lock.unlock()
        let office = try database.writer.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT office_code FROM counter WHERE id = ?"), arguments: [id])
        }
        if let office {
            lock.lock(); counterOffices[id] = office; lock.unlock()
        }
        return office
    }

    /// A clerk is at a counter now (its heartbeat): the office's picture notes it, and answers worked
    /// out while the counter counted as unattended are dropped.
    func seen(counter id: Int64, office code: String, at now: Date) {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[code], var picture = entry.office,
              let counter = picture.counters.first(where: { $0.id == id }) else { return }
        let wasAttended = picture.isAttended(counter, at: now)
        picture.presence[id] = max(picture.presence[id] ?? .distantPast, now)
        entry.office = picture
        if !wasAttended {
            entry.answers = nil
            entry.snapshot = nil
        }
    }

    /// A clerk left a counter (see `Queue.leave`): the picture keeps only the presence of the clerks
    /// still there (`stillSeen`, the latest of them; nil when nobody is), and the answers that
    /// counted the counter as staffed are dropped.
    func left(counter id: Int64, office code: String, stillSeen: Date?) {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[code], var picture = entry.office, picture.presence[id] != nil else { return }
        picture.presence[id] = stillSeen
        entry.office = picture
        entry.answers = nil
        entry.snapshot = nil
    }

    /// Whether a citizen at a counter was told of their call, as the last change to their token in
    /// this process saw it: for the desk answering that change's own key press. The worker moves a
    /// message on without an event, so any later look reads the outbox (`Queue.desk`).
    func toldAsCommitted(_ token: Int64) -> [CounterDesk.MessageStatus]? {
        lock.lock(); defer { lock.unlock() }
        return toldAtCommit[token]
    }

    /// At most this many told states are kept (one per counter is the usual).
    static let toldKept = 10_000

    /// The most events one catch-up reads.
    static let catchUpLimit = 10_000

    /// Forgets every picture (after writes that bypass the queue, such as a catalogue import or a
    /// test's own SQL).
    public func forget() {
        lock.lock()
        entries = [:]
        lock.unlock()
        tokens.forget()
    }

    /// A change committed in this process (on the database's writer queue: no database here). A
    /// current picture takes it in at once; any other is loaded again when next asked for.
    private func heard(_ change: QueueChange) {
        for token in change.tokens {
            tokens.put(token, eventID: change.events.filter { $0.tokenID == token.id }.map(\.id).max() ?? 0)
        }
        lock.lock()
        defer { lock.unlock() }
        // Tokens another process moved away from a counter are never heard of here: a bound.
        if toldAtCommit.count > Self.toldKept { toldAtCommit = [:] }
        for token in change.tokens { toldAtCommit[token.id] = change.toldOfCall[token.id] }
        for (office, events) in Dictionary(grouping: change.events, by: \.officeCode) {
            newest[office] = max(newest[office] ?? 0, events.map(\.id).max() ?? 0)
            guard let entry = entries[office], let picture = entry.office, picture.version == change.precedingEventID[office] else { continue }
            entry.office = picture.applying(events, tokens: change.tokens, counters: change.counters)
        }
    }

    private func entry(_ code: String) -> Entry {
        lock.lock(); defer { lock.unlock() }
        if let entry = entries[code] { return entry }
        let entry = Entry()
        entries[code] = entry
        return entry
    }

    /// The entry's picture, if nothing newer is known, it is of today, and younger than a minute.
    private func current(_ entry: Entry, _ code: String, at now: Date) -> LiveOffice? {
        lock.lock(); defer { lock.unlock() }
        guard let office = entry.office, office.version >= (newest[code] ?? 0),
              now.timeIntervalSince(office.loadedAt) < Self.maximumAgeSeconds, now >= office.loadedAt,
              ServiceDay(now, timeZone: office.timeZone).day == office.day else { return nil }
        return office
    }

    private static func minute(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 60).rounded(.down)) }
}
