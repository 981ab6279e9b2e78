import Foundation
import QueueCore

/// Carries each office's changes to its event streams. A change wakes only its own office's streams;
/// the office's recent public events are kept in memory, each encoded once as the message streams
/// write; its snapshot is encoded once per version of the office's live picture and minute. So a
/// stream woken by a change neither queries the database nor encodes anything shared.
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
    static let recentCapacity = 1024
    /// An office's streams are woken at most this often: changes that come closer together go out
    /// together, so a busy office costs each stream a few wake-ups and writes a second, not one per change.
    static let coalescingSeconds = 0.2

    private final class Channel: @unchecked Sendable {
        let condition = NSCondition()
        /// Every event of the office after `floor`, up to `latest`, is known; the public ones are in `recent`.
        var floor: Int64 = 0
        var latest: Int64 = 0
        var recent: [Message] = []
        var snapshot: (version: Int64, minute: Int64, tail: [UInt8])?
        /// How often a stream of this office woke for a change (not a timeout): for tests and metrics.
        var wakeups = 0
        /// When the streams were last woken, and whether a change since waits for the next wake-up.
        var lastBroadcast = Date.distantPast
        var broadcastPending = false
        /// Until the office's newest id is read, changes wait here.
        var isReady = false
        var pending: [(events: [QueueEvent], preceding: Int64)] = []
    }

    private let queue: Queue
    private let pollInterval: Double
    private let lock = NSLock()
    private var channels: [String: Channel] = [:]

    init(queue: Queue, pollInterval: Double = 1) {
        self.queue = queue
        self.pollInterval = pollInterval
        queue.feed.subscribe { [weak self] change in self?.heard(change) }
        // From the start, not only once a stream waits: the offices' live pictures hear of other
        // processes' commits (a counter command, a second fcgi-app) through this check too.
        startPolling()
        startTicker()
    }

    /// The newest event id known for the office (registering it, so that its changes are followed).
    func latestEventID(office: String) throws -> Int64 {
        let channel = try self.channel(office)
        channel.condition.lock(); defer { channel.condition.unlock() }
        return channel.latest
    }

    /// Waits until the office has an event newer than `id` or `timeout` passes; returns the newest id known.
    func wait(office: String, after id: Int64, timeout: Double) throws -> Int64 {
        let channel = try self.channel(office)
        let deadline = Date(timeIntervalSinceNow: timeout)
        channel.condition.lock(); defer { channel.condition.unlock() }
        while channel.latest <= id {
            if !channel.condition.wait(until: deadline) { break }
        }
        if channel.latest > id { channel.wakeups += 1 }
        return channel.latest
    }

    /// How often the office's streams woke for a change.
    func wakeups(office: String) -> Int {
        lock.lock()
        let channel = channels[office]
        lock.unlock()
        guard let channel else { return 0 }
        channel.condition.lock(); defer { channel.condition.unlock() }
        return channel.wakeups
    }

    /// The office's public events after `id` and the newest id they bring the stream to: from memory,
    /// or from the events table for a client resuming from before what memory holds.
    func messages(office: String, after id: Int64) throws -> (messages: [Message], upTo: Int64) {
        let channel = try self.channel(office)
        channel.condition.lock()
        if id >= channel.floor {
            let start = Self.firstIndex(in: channel.recent, after: id)
            let result = (Array(channel.recent[start...]), max(id, channel.latest))
            channel.condition.unlock()
            return result
        }
        channel.condition.unlock()
        let events = try queue.events(office: office, after: id)
        let messages = events.filter { $0.eventKind?.isPublic == true }.map(Self.message)
        return (messages, events.last?.id ?? id)
    }

    /// The office's snapshot as a message with the given id, encoded once per version and minute.
    func snapshotMessage(office: String, id: Int64, at now: Date) throws -> [UInt8] {
        let channel = try self.channel(office)
        let snapshot = try queue.live.snapshot(office: office, at: now)
        let minute = Int64((now.timeIntervalSince1970 / 60).rounded(.down))
        channel.condition.lock()
        if let cached = channel.snapshot, cached.version == snapshot.lastEventID, cached.minute == minute {
            channel.condition.unlock()
            return Array("id: \(id)\n".utf8) + cached.tail
        }
        channel.condition.unlock()
        let tail = Array(ServerSentEvent(id: nil, event: "snapshot", data: String(decoding: JSON.encode(snapshot), as: UTF8.self)).text.utf8)
        channel.condition.lock()
        channel.snapshot = (snapshot.lastEventID, minute, tail)
        channel.condition.unlock()
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

    /// Appends an office's events to its channel and wakes its streams. If events came between what
    /// the channel knew and these (written elsewhere, not yet seen), memory starts afresh after them:
    /// a stream behind that point reads the table.
    private func apply(_ events: [QueueEvent], preceding: Int64, to channel: Channel) {
        channel.condition.lock()
        defer { channel.condition.unlock() }
        guard channel.isReady else {
            channel.pending.append((events, preceding))
            return
        }
        applyLocked(events, preceding: preceding, to: channel)
    }

    private func applyLocked(_ events: [QueueEvent], preceding: Int64, to channel: Channel) {
        let fresh = events.filter { $0.id > channel.latest }
        guard let newest = fresh.last?.id else { return }
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
        wake(channel)
    }

    /// Wakes the channel's streams now if they have not been woken within the coalescing interval;
    /// otherwise the ticker wakes them when it ends. Called with the channel's lock held.
    private func wake(_ channel: Channel, force: Bool = false) {
        let now = Date()
        if force || now.timeIntervalSince(channel.lastBroadcast) >= Self.coalescingSeconds {
            channel.lastBroadcast = now
            channel.broadcastPending = false
            channel.condition.broadcast()
        } else {
            channel.broadcastPending = true
        }
    }

    /// Wakes the streams of channels whose changes waited for the end of their coalescing interval.
    private func startTicker() {
        let thread = Thread { [weak self] in
            while let self {
                self.lock.lock()
                let channels = Array(self.channels.values)
                self.lock.unlock()
                for channel in channels {
                    channel.condition.lock()
                    if channel.broadcastPending, Date().timeIntervalSince(channel.lastBroadcast) >= Self.coalescingSeconds {
                        self.wake(channel, force: true)
                    }
                    channel.condition.unlock()
                }
                Thread.sleep(forTimeInterval: Self.coalescingSeconds / 4)
            }
        }
        thread.name = "live-update-ticker"
        thread.start()
    }

    /// The office's channel, made on first use: it knows every event from the office's newest then on.
    /// Changes committed while that id is read wait in the channel and are applied after it (without
    /// holding a lock across the read, which an in-memory database serves on its writer's queue).
    private func channel(_ office: String) throws -> Channel {
        lock.lock()
        if let channel = channels[office] {
            lock.unlock()
            channel.condition.lock()
            while !channel.isReady { channel.condition.wait() }
            channel.condition.unlock()
            return channel
        }
        let channel = Channel()
        channels[office] = channel
        lock.unlock()
        let newest: Int64
        do {
            newest = try queue.latestEventID(office: office)
        } catch {
            lock.lock(); channels[office] = nil; lock.unlock()
            channel.condition.lock(); channel.isReady = true; channel.condition.broadcast(); channel.condition.unlock()
            throw error
        }
        channel.condition.lock()
        channel.floor = newest
        channel.latest = newest
        channel.isReady = true
        for (events, preceding) in channel.pending { applyLocked(events, preceding: preceding, to: channel) }
        channel.pending = []
        channel.condition.broadcast()
        channel.condition.unlock()
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
        channel.condition.lock()
        let known = channel.latest
        channel.condition.unlock()
        guard let events = try? queue.events(office: office, after: known), !events.isEmpty else { return }
        apply(events, preceding: known, to: channel)
    }

    // MARK: Messages

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
