import CoreMetrics
import FastCGI
import Foundation
import QueueCore

/// Carries each office's changes to its event streams. Streams are sinks the server's stream loop
/// holds (no thread waits per stream); the hub keeps each office's followers and, once per change
/// (at most five times a second per office), one broadcaster thread writes to them: to every office
/// stream the same bytes (the new public events and the snapshot, each encoded once), to every
/// token stream its own status when it changed. A change wakes only its own office's followers.
///
/// Changes arrive from the queue's feed as they commit (in commit order), and from a one-query-a-second
/// check for other processes' commits, which also tells the offices' live pictures. The events table
/// stays the source of truth: a client resuming from before what memory holds reads it from there.
final class LiveUpdateHub: @unchecked Sendable {
    /// One public event of an office as streams send it.
    struct Message: Sendable {
        let id: Int64
        /// The token it concerns, so that a token's stream can tell its own changes.
        let tokenID: Int64?
        /// `id:`, `event:` and `data:` lines, ready to write.
        let text: [UInt8]
    }

    /// How many recent public events each office keeps in memory for resuming streams.
    static let recentCapacity = 512
    /// A client resuming from further back than this many bytes of events starts afresh (its
    /// snapshot alone): a replay must fit what a stream may leave unsent
    /// (`StreamLoop.maximumBacklogBytes`), else the stream is cut and the client comes back for the
    /// same replay again, and one request must not read an office's whole history.
    static let resumeLimitBytes = 192 * 1024
    /// An office's streams are written to at most this often: changes that come closer together go
    /// out together, so a busy office costs each stream a few writes a second, not one per change.
    static let coalescingSeconds = 0.2
    /// What one office's broadcasts may send per second, all streams together: with very many
    /// streams the interval between broadcasts grows (a change after a quiet spell still goes at
    /// once), so that a flood of changes to a crowded office cannot take the server's bandwidth.
    static let fanOutBytesPerSecond = 16.0 * 1024 * 1024
    /// An idle stream gets a ping this often, which keeps proxies from closing it and tells its page it lives.
    static let heartbeatSeconds = 15.0
    static let retry = Array("retry: 3000\n".utf8)

    /// An office stream, and the newest event id it has been sent. Pages ask for snapshots only.
    private final class OfficeFollower {
        let sink: any EventSink
        let snapshotsOnly: Bool
        var sent: Int64
        init(_ sink: any EventSink, snapshotsOnly: Bool, sent: Int64) { self.sink = sink; self.snapshotsOnly = snapshotsOnly; self.sent = sent }
    }

    /// A token stream: its token as last read and the status it was last sent.
    private final class TokenFollower {
        let sink: any EventSink
        var token: Token
        var lastView: TokenView?
        /// Changes came while the stream was starting, perhaps written out before it joined: its
        /// token is read again at the next broadcast (set before it joins, then only by the broadcaster).
        var mayHaveMissed = false
        /// The language of the page the stream serves (its wait and place in words), if not the token's.
        let language: String?
        init(_ sink: any EventSink, token: Token, language: String?) { self.sink = sink; self.token = token; self.language = language }
    }

    private final class Channel: @unchecked Sendable {
        let office: String
        let lock = NSLock()
        /// Every event of the office after `floor`, up to `latest`, is known; the public ones are in `recent`.
        var floor: Int64 = 0
        var latest: Int64 = 0
        var recent: [Message] = []
        var snapshot: (version: Int64, minute: Int64, tail: [UInt8])?
        /// What the followers were last sent up to, and when; how long until the next may go.
        var broadcastUpTo: Int64 = 0
        var lastBroadcast = Date.distantPast
        /// The snapshot the office streams were last sent (a minute's refresh sends it only if it changed).
        var lastSnapshotSent: [UInt8] = []
        var interval = LiveUpdateHub.coalescingSeconds
        var offices: [OfficeFollower] = []
        var tokens: [TokenFollower] = []
        /// How often the followers were written to for a change: for tests and metrics.
        var broadcasts = 0
        /// When this process heard of the oldest change not yet written to the followers (its
        /// commit, or the poll that found another process's), on the monotonic clock.
        var heardAt: UInt64?
        /// Until the office's newest id is read, changes wait here.
        var isReady = false
        var pending: [(events: [QueueEvent], preceding: Int64)] = []
        /// Signalled once the channel is ready (or could not be made): other first users wait on it.
        private let ready = NSCondition()
        private var announced = false

        init(office: String) { self.office = office }

        func announceReady() {
            ready.lock(); announced = true; ready.broadcast(); ready.unlock()
        }

        func waitUntilReady() {
            ready.lock(); while !announced { ready.wait() }; ready.unlock()
        }

        /// Set when a stream joined behind the newest event (it joined while a change came): the next
        /// broadcast catches it up even if nothing newer comes.
        var hasLaggard = false

        var isBehind: Bool { latest > broadcastUpTo || hasLaggard }
    }

    private let queue: Queue
    /// How waits are said, in the snapshots and statuses streams carry.
    private let words: WaitText
    private let pollInterval: Double
    private let now: @Sendable () -> Date
    private let lock = NSLock()
    private var channels: [String: Channel] = [:]
    /// Wakes the broadcaster when a change arrives.
    private let changed = NSCondition()
    private var changeSignalled = false
    /// From a change's commit to the end of its write to the office's streams (coalescing included).
    private let streamDelay: CoreMetrics.Timer
    static let streamDelayLabel = "guvnl_stream_delay_seconds"

    init(queue: Queue, words: WaitText, pollInterval: Double = 1, now: @escaping @Sendable () -> Date = { Date() },
         metrics: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.queue = queue
        self.words = words
        self.pollInterval = pollInterval
        self.now = now
        streamDelay = CoreMetrics.Timer(label: Self.streamDelayLabel, factory: metrics)
        queue.feed.subscribe { [weak self] change in self?.heard(change) }
        // From the start, not only once a stream follows: the offices' live pictures hear of other
        // processes' commits (a counter command, a second fcgi-app) through this check too.
        startPolling()
        startBroadcaster()
    }

    /// The newest event id known for the office (registering it, so that its changes are followed).
    func latestEventID(office: String) throws -> Int64 {
        let channel = try self.channel(office)
        channel.lock.lock(); defer { channel.lock.unlock() }
        return channel.latest
    }

    /// How often the office's streams were written to for a change.
    func broadcasts(office: String) -> Int { inspect(office) { $0.broadcasts } ?? 0 }

    /// Streams following the office now (office and token streams) that are still open.
    func followers(office: String) -> Int {
        inspect(office) { channel in
            channel.offices.filter { !$0.sink.isClosed }.count + channel.tokens.filter { !$0.sink.isClosed }.count
        } ?? 0
    }

    /// Event streams open now (as far as the hub knows: a departed client is noticed at the next write).
    func openStreams() -> (office: Int, token: Int) {
        var office = 0, token = 0
        for channel in allChannels() {
            channel.lock.lock()
            office += channel.offices.filter { !$0.sink.isClosed }.count
            token += channel.tokens.filter { !$0.sink.isClosed }.count
            channel.lock.unlock()
        }
        return (office, token)
    }

    /// Reads an office's channel under its lock, if the office is followed.
    private func inspect<Value>(_ office: String, _ read: (Channel) -> Value) -> Value? {
        lock.lock()
        let channel = channels[office]
        lock.unlock()
        guard let channel else { return nil }
        channel.lock.lock(); defer { channel.lock.unlock() }
        return read(channel)
    }

    // MARK: Following

    /// Starts an office stream: what it missed since `resumeAfter` (or nothing, for a new client)
    /// and a snapshot, then every change (with `snapshotsOnly`, the snapshots alone).
    func follow(office: String, sink: any EventSink, resumeAfter: Int64?, snapshotsOnly: Bool = false) throws {
        let channel = try self.channel(office)
        var bytes = Self.retry
        var upTo: Int64
        channel.lock.lock()
        upTo = channel.latest
        channel.lock.unlock()
        // A client resuming gets the events it missed, unless it takes snapshots alone (the snapshot
        // is all it needs), or its id is one the office has not reached (made up, or from before a
        // restore), or it missed more than a replay holds: then it starts afresh, else it would hear
        // nothing until the office got there (or be sent more than its stream may hold).
        if let resumeAfter, !snapshotsOnly, resumeAfter <= upTo,
           let (messages, through) = try self.messages(office: office, after: resumeAfter, limitBytes: Self.resumeLimitBytes) {
            for message in messages { bytes += message.text }
            upTo = through
        }
        try sink.send(bytes + snapshotMessage(office: office, id: upTo, at: now()))
        channel.lock.lock()
        channel.offices.append(OfficeFollower(sink, snapshotsOnly: snapshotsOnly, sent: upTo))
        let behind = channel.latest > upTo
        if behind { channel.hasLaggard = true }
        channel.lock.unlock()
        if behind { signalChange() }
    }

    /// Starts a token stream: its status now, then whenever it changes; it ends once the token is
    /// served or cancelled. Its words are in `language` (the page's) when given, else the token's.
    func follow(token: Token, sink: any EventSink, language: String? = nil) throws {
        let channel = try self.channel(token.officeCode)
        channel.lock.lock()
        let seen = channel.latest
        channel.lock.unlock()
        // The token as of `seen` or later (the live picture has every change the hub has heard):
        // the request read it earlier, and a call in between would otherwise never reach the page.
        let follower = TokenFollower(sink, token: try queue.tokenForReading(token.id) ?? token, language: language)
        guard try sendStatus(follower, id: seen, prefix: Self.retry) else { return }
        channel.lock.lock()
        channel.tokens.append(follower)
        // A change since `seen` may have been written to the followers before this one joined.
        let behind = channel.latest > seen
        if behind {
            follower.mayHaveMissed = true
            channel.hasLaggard = true
        }
        channel.lock.unlock()
        if behind { signalChange() }
    }

    /// Sends the token's status if it changed; false once the stream is over (closed, or the token final).
    private func sendStatus(_ follower: TokenFollower, id: Int64, prefix: [UInt8] = []) throws -> Bool {
        let status = try queue.status(of: follower.token, at: now())
        let view = TokenView(status.token, position: status.position, counterNumber: status.counterNumber,
                             documents: status.requiredDocuments, words: words, wordsIn: follower.language)
        if view != follower.lastView {
            let event = ServerSentEvent(id: String(id), event: "status", data: String(decoding: JSON.encode(view), as: UTF8.self))
            try follower.sink.send(prefix + Array(event.text.utf8))
            follower.lastView = view
        }
        // A served, cancelled or expired token changes no more.
        if follower.token.state.changesNoMore {
            follower.sink.close()
            return false
        }
        return !follower.sink.isClosed
    }

    // MARK: Messages

    /// The office's public events after `id` and the newest id they bring the stream to: from memory,
    /// or from the events table for a client resuming from before what memory holds.
    func messages(office: String, after id: Int64) throws -> (messages: [Message], upTo: Int64) {
        // (No limit: nil is not returned.)
        try messages(office: office, after: id, limitBytes: nil) ?? ([], id)
    }

    /// The same, or nil once their text passes `limitBytes` (the table is then read no further).
    func messages(office: String, after id: Int64, limitBytes: Int?) throws -> (messages: [Message], upTo: Int64)? {
        let limit = limitBytes ?? .max
        let channel = try self.channel(office)
        channel.lock.lock()
        if id >= channel.floor {
            let start = Self.firstIndex(in: channel.recent, after: id)
            let recent = Array(channel.recent[start...])
            let result = (recent, max(id, channel.latest))
            channel.lock.unlock()
            return recent.reduce(0) { $0 + $1.text.count } > limit ? nil : result
        }
        channel.lock.unlock()
        var messages: [Message] = []
        var upTo = id, bytes = 0
        // The table, a page at a time, until it has given everything up to what memory holds.
        while true {
            let events = try queue.events(office: office, after: upTo)
            for event in events where event.eventKind?.isPublic == true {
                let message = Self.message(event)
                bytes += message.text.count
                if bytes > limit { return nil }
                messages.append(message)
            }
            upTo = events.last?.id ?? upTo
            channel.lock.lock()
            let floor = channel.floor
            channel.lock.unlock()
            if events.isEmpty || upTo >= floor { break }
        }
        channel.lock.lock()
        let reachesMemory = upTo >= channel.floor
        channel.lock.unlock()
        guard reachesMemory else { return (messages, upTo) }
        guard let (rest, through) = try self.messages(office: office, after: upTo, limitBytes: limitBytes.map { $0 - bytes }) else { return nil }
        return (messages + rest.filter { $0.id > upTo }, max(upTo, through))
    }

    /// The office's snapshot as a message with the given id, encoded once per version and minute.
    func snapshotMessage(office: String, id: Int64, at now: Date) throws -> [UInt8] {
        let channel = try self.channel(office)
        let snapshot = try queue.live.snapshot(office: office, at: now)
        let minute = Int64((now.timeIntervalSince1970 / 60).rounded(.down))
        channel.lock.lock()
        if let cached = channel.snapshot, cached.version == snapshot.lastEventID, cached.minute == minute {
            channel.lock.unlock()
            return Array("id: \(id)\n".utf8) + cached.tail
        }
        channel.lock.unlock()
        let tail = Array(ServerSentEvent(id: nil, event: "snapshot", data: String(decoding: JSON.encode(snapshot.worded(words)), as: UTF8.self)).text.utf8)
        channel.lock.lock()
        channel.snapshot = (snapshot.lastEventID, minute, tail)
        channel.lock.unlock()
        return Array("id: \(id)\n".utf8) + tail
    }

    // MARK: Following changes

    /// A change committed in this process. Runs on the database's writer queue: no database here.
    private func heard(_ change: QueueChange) {
        for (office, events) in Dictionary(grouping: change.events, by: \.officeCode) {
            lock.lock()
            let channel = channels[office]
            lock.unlock()
            guard let channel else { continue }  // nobody follows this office yet
            apply(events, preceding: change.precedingEventID[office] ?? 0, to: channel)
        }
    }

    /// Appends an office's events to its channel and tells the broadcaster. If events came between
    /// what the channel knew and these (written elsewhere, not yet seen), memory starts afresh after
    /// them: a stream behind that point reads the table.
    private func apply(_ events: [QueueEvent], preceding: Int64, to channel: Channel) {
        channel.lock.lock()
        guard channel.isReady else {
            channel.pending.append((events, preceding))
            channel.lock.unlock()
            return
        }
        let grew = applyLocked(events, preceding: preceding, to: channel)
        channel.lock.unlock()
        if grew { signalChange() }
    }

    private func applyLocked(_ events: [QueueEvent], preceding: Int64, to channel: Channel) -> Bool {
        let fresh = events.filter { $0.id > channel.latest }
        guard let newest = fresh.last?.id else { return false }
        if preceding > channel.latest {
            channel.floor = preceding
            channel.recent = []
        }
        channel.recent += fresh.filter { $0.eventKind?.isPublic == true }.map(Self.message)
        if channel.recent.count > Self.recentCapacity {
            let dropped = channel.recent.count - Self.recentCapacity
            channel.floor = channel.recent[dropped - 1].id
            channel.recent.removeFirst(dropped)
        }
        channel.latest = newest
        if channel.heardAt == nil { channel.heardAt = DispatchTime.now().uptimeNanoseconds }
        return true
    }

    private func signalChange() {
        changed.lock()
        changeSignalled = true
        changed.signal()
        changed.unlock()
    }

    /// One thread writes every office's changes to its followers: at once after a quiet spell,
    /// changes closer together than the coalescing interval at its end; and a heartbeat to every
    /// stream now and then.
    private func startBroadcaster() {
        let thread = Thread { [weak self] in
            var lastHeartbeat = Date()
            while let self {
                let started = Date()
                var nextDue = started.addingTimeInterval(1)
                for channel in self.allChannels() {
                    channel.lock.lock()
                    let behind = channel.isBehind
                    let due = channel.lastBroadcast.addingTimeInterval(channel.interval)
                    channel.lock.unlock()
                    guard behind else {
                        // Time alone moves waits (a clerk's presence lapses, the forecast's minute):
                        // a quiet office's followers hear of it within a minute.
                        if started.timeIntervalSince(due) >= Self.refreshSeconds { self.refresh(channel) }
                        continue
                    }
                    if due <= started { self.broadcast(channel) } else { nextDue = min(nextDue, due) }
                }
                if started.timeIntervalSince(lastHeartbeat) >= Self.heartbeatSeconds {
                    lastHeartbeat = started
                    self.heartbeat()
                }
                self.changed.lock()
                if !self.changeSignalled { _ = self.changed.wait(until: nextDue) }
                self.changeSignalled = false
                self.changed.unlock()
            }
        }
        thread.name = "live-update-broadcaster"
        thread.start()
    }

    private func allChannels() -> [(Channel)] {
        lock.lock(); defer { lock.unlock() }
        return Array(channels.values)
    }

    /// Writes what came since the last broadcast to the office's followers: the same bytes to every
    /// office stream that was up to date, its own catch-up to any other.
    private func broadcast(_ channel: Channel) {
        channel.lock.lock()
        let from = channel.broadcastUpTo, to = channel.latest
        channel.offices.removeAll { $0.sink.isClosed }
        channel.tokens.removeAll { $0.sink.isClosed }
        let offices = channel.offices, tokens = channel.tokens
        channel.broadcastUpTo = to
        channel.hasLaggard = false
        channel.lastBroadcast = Date()
        channel.broadcasts += 1
        let heardAt = channel.heardAt
        channel.heardAt = nil
        channel.lock.unlock()
        var written = false
        defer {
            if written, let heardAt, !offices.isEmpty || !tokens.isEmpty {
                let now = DispatchTime.now().uptimeNanoseconds
                streamDelay.recordNanoseconds(Int64(now - min(now, heardAt)))
            }
        }
        let office = channel.office
        let moment = now()
        guard let snapshot = try? snapshotMessage(office: office, id: to, at: moment) else {
            // Nothing was written: the followers are still owed these changes, tried again next time.
            channel.lock.lock()
            if channel.broadcastUpTo == to { channel.broadcastUpTo = from }
            channel.heardAt = channel.heardAt ?? heardAt
            channel.lock.unlock()
            return
        }
        written = true
        channel.lock.lock()
        channel.lastSnapshotSent = snapshot
        channel.lock.unlock()
        var sinceFrom: [Message] = []
        if let (messages, _) = try? self.messages(office: office, after: from) { sinceFrom = messages.filter { $0.id <= to } }
        // The same bytes for every stream that was up to date: with the events, or the snapshot alone.
        var full: EventMessage?
        let alone = EventMessage(snapshot)
        var sent = 0
        for follower in offices where follower.sent < to {
            if follower.sent == from {
                let message: EventMessage
                if follower.snapshotsOnly {
                    message = alone
                } else {
                    let built = full ?? EventMessage(sinceFrom.flatMap(\.text) + snapshot)
                    full = built
                    message = built
                }
                try? follower.sink.send(message)
                sent += message.bytes.count
            } else {
                let own = follower.snapshotsOnly ? []
                    : (try? self.messages(office: office, after: follower.sent).messages.filter { $0.id <= to }) ?? []
                try? follower.sink.send(own.flatMap(\.text) + snapshot)
                sent += snapshot.count
            }
            follower.sent = to
        }
        channel.lock.lock()
        channel.interval = max(Self.coalescingSeconds, Double(sent) / Self.fanOutBytesPerSecond)
        channel.lock.unlock()
        // Token streams: a token's own row is read again only when an event concerns it.
        let concerned = Set(sinceFrom.compactMap(\.tokenID))
        for follower in tokens {
            if concerned.contains(follower.token.id) || follower.mayHaveMissed, let changed = try? queue.tokenForReading(follower.token.id) {
                follower.token = changed
                follower.mayHaveMissed = false
            }
            _ = try? sendStatus(follower, id: to)
        }
    }

    /// How long a quiet office's followers go without a look at what time alone changed.
    static let refreshSeconds = 60.0

    /// A quiet office a minute on: its snapshot to the office streams if it changed, and each
    /// token's status to its stream if that changed (no database read: the live picture's answers).
    private func refresh(_ channel: Channel) {
        channel.lock.lock()
        channel.offices.removeAll { $0.sink.isClosed }
        channel.tokens.removeAll { $0.sink.isClosed }
        let offices = channel.offices, tokens = channel.tokens, upTo = channel.broadcastUpTo, last = channel.lastSnapshotSent
        channel.lastBroadcast = Date()
        channel.lock.unlock()
        guard !offices.isEmpty || !tokens.isEmpty else { return }
        if !offices.isEmpty, let snapshot = try? snapshotMessage(office: channel.office, id: upTo, at: now()), snapshot != last {
            // The first look only notes what the streams were sent as they opened.
            if !last.isEmpty {
                let message = EventMessage(snapshot)
                for follower in offices where follower.sent == upTo { try? follower.sink.send(message) }
            }
            channel.lock.lock()
            channel.lastSnapshotSent = snapshot
            channel.lock.unlock()
        }
        for follower in tokens { _ = try? sendStatus(follower, id: upTo) }
    }

    private func heartbeat() {
        let beat = EventMessage(Array(ServerSentEvent.heartbeat.utf8))
        for channel in allChannels() {
            channel.lock.lock()
            channel.offices.removeAll { $0.sink.isClosed }
            channel.tokens.removeAll { $0.sink.isClosed }
            let sinks = channel.offices.map(\.sink) + channel.tokens.map(\.sink)
            channel.lock.unlock()
            for sink in sinks { try? sink.send(beat) }
        }
    }

    /// The office's channel, made on first use: it knows every event from the office's newest then on.
    /// Changes committed while that id is read wait in the channel and are applied after it (without
    /// holding a lock across the read, which an in-memory database serves on its writer's queue).
    private func channel(_ office: String) throws -> Channel {
        lock.lock()
        if let channel = channels[office] {
            lock.unlock()
            channel.waitUntilReady()
            // Made by a caller whose read failed, and dropped: its followers would hear nothing.
            lock.lock()
            let kept = channels[office] === channel
            lock.unlock()
            return kept ? channel : try self.channel(office)
        }
        let channel = Channel(office: office)
        channels[office] = channel
        lock.unlock()
        let newest: Int64
        do {
            newest = try queue.latestEventID(office: office)
        } catch {
            lock.lock(); channels[office] = nil; lock.unlock()
            channel.lock.lock(); channel.isReady = true; channel.lock.unlock()
            channel.announceReady()
            throw error
        }
        channel.lock.lock()
        channel.floor = newest
        channel.latest = newest
        channel.broadcastUpTo = newest
        for (events, preceding) in channel.pending { _ = applyLocked(events, preceding: preceding, to: channel) }
        channel.pending = []
        channel.isReady = true
        channel.lock.unlock()
        channel.announceReady()
        return channel
    }

    /// One thread per process checks for other processes' commits, one indexed query a second, and
    /// brings what they appended to the channels of the offices being followed.
    private func startPolling() {
        let thread = Thread { [weak self] in
            while let self {
                if let changed = try? self.queue.live.catchUp() {
                    for office in changed.keys { self.catchUp(office) }
                }
                Thread.sleep(forTimeInterval: self.pollInterval)
            }
        }
        thread.name = "live-update-poll"
        thread.start()
    }

    private func catchUp(_ office: String) {
        lock.lock()
        let channel = channels[office]
        lock.unlock()
        guard let channel else { return }
        channel.lock.lock()
        let known = channel.latest
        channel.lock.unlock()
        guard let events = try? queue.events(office: office, after: known), !events.isEmpty else { return }
        apply(events, preceding: known, to: channel)
    }

    // MARK: Encoding

    /// An office event as the public sees it: token and counter by number, no ids, no names.
    struct PublicEvent: Encodable {
        let kind: String
        let token: String?
        let service: String?
        let counter: Int?
        let from: String?
        let to: String?
        let at: Date

        init(_ event: QueueEvent) {
            kind = event.kind
            token = event.tokenNumber
            service = event.serviceCode
            counter = event.counterNumber
            from = event.fromState
            to = event.toState
            at = event.at
        }
    }

    static func message(_ event: QueueEvent) -> Message {
        let text = ServerSentEvent(id: String(event.id), event: event.kind,
                                   data: String(decoding: JSON.encode(PublicEvent(event)), as: UTF8.self)).text
        return Message(id: event.id, tokenID: event.tokenID, text: Array(text.utf8))
    }

    private static func firstIndex(in messages: [Message], after id: Int64) -> Int {
        var low = 0, high = messages.count
        while low < high {
            let middle = (low + high) / 2
            if messages[middle].id <= id { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
