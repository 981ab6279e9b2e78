import CoreMetrics
import Foundation
import GRDB

/// One writer for the queue's changes that groups the changes arriving together into one
/// transaction: each runs in a savepoint of its own (a refused change rolls back alone and throws
/// to its caller), the group commits once (one sync to disk for all, with `synchronous = FULL`),
/// and each caller is answered after that shared commit, never before. What the group appended is
/// published to the queue's feed as the transaction commits, as one change.
///
/// The groups are written by a thread of their own, started when a change finds none and ending
/// after `idleSeconds` without one, so that the next group begins as soon as the last has committed.
/// (Before, the caller that found no group being written wrote the next one, then handed the turn
/// to a caller that arrived meanwhile: the write lock then waited for that thread to be woken and
/// scheduled between groups, a quarter of the time with 32 booking connections on two cores.)
///
/// While a group is written, each office's live picture is brought forward change by change, so
/// that a change deciding from the picture (call next) sees the changes before it in the group;
/// the pictures are handed to `LiveOffices` as the group commits.
///
/// Every booking and key press waits for this one thread, while the threads that wait share the
/// cores with it: so it asks for a higher priority (`writerNice`). At the normal one it waited for a
/// core about a third of the time during a busy counter loop, and raised it writes more changes a
/// second (README, "The writer's priority").
final class GroupCommit: @unchecked Sendable {
    /// One caller's change, waiting for its group.
    private final class Job: @unchecked Sendable {
        /// Dropped once run: the caller's closure must not outlive its call.
        var work: ((Database) throws -> QueueChange?)?
        let done = DispatchSemaphore(value: 0)
        /// When the caller asked to write, for the time it waits for the write lock.
        let arrived = DispatchTime.now()
        var failure: (any Error)?
        var change: QueueChange?

        init(_ work: @escaping (Database) throws -> QueueChange?) { self.work = work }
    }

    private let writer: any DatabaseWriter
    /// Starts the writer thread; false when none could start (replaced in tests, to be refused).
    var startThread: (String, @escaping @Sendable () -> Void) -> Bool = CheckedThread.start
    /// The nice value the writer thread asks for (0: the process's own).
    private let writerNice: Int32
    /// Called on the caller's thread before it waits for its group (the server gives back the
    /// thread's compute slot: `ComputeSlots`).
    private let beforeWaiting: @Sendable () -> Void
    private let feed: QueueFeed
    private let live: LiveOffices
    /// The offices' pictures as the group's transaction has them so far, and the offices whose
    /// picture could not be brought forward. Used only by the group's writer, inside its transaction.
    private var working: [String: LiveOffice] = [:]
    private var unworkable: Set<String> = []
    /// Guards `waiting`, `writing` and the counts; the writer thread waits on it for changes.
    private let lock = NSCondition()
    private var waiting: [Job] = []
    /// Whether the writer thread runs.
    private var writing = false
    /// How long the writer thread waits for another change before it ends.
    static let idleSeconds = 1.0
    private var groups = 0
    private var changes = 0
    /// How long each change waited between asking to write and its group's transaction beginning
    /// (the queue behind the group before it, and SQLite's own write lock).
    private let writeWait: CoreMetrics.Timer
    /// Commits and the changes they held: changes per commit is what grouping saves (each commit
    /// waits for a sync to disk).
    private let commits: CoreMetrics.Counter
    private let committedChanges: CoreMetrics.Counter

    /// How many groups and changes have been written (changes per group is what grouping saves).
    var written: (groups: Int, changes: Int) {
        lock.lock(); defer { lock.unlock() }
        return (groups, changes)
    }

    init(writer: any DatabaseWriter, feed: QueueFeed, live: LiveOffices, metrics: any MetricsFactory, writerNice: Int32 = 0,
         beforeWaiting: @escaping @Sendable () -> Void = {}) {
        self.writer = writer
        self.writerNice = writerNice
        self.beforeWaiting = beforeWaiting
        self.feed = feed
        self.live = live
        writeWait = CoreMetrics.Timer(label: "guvnl_database_write_wait_seconds", factory: metrics)
        commits = CoreMetrics.Counter(label: "guvnl_database_commits_total", factory: metrics)
        committedChanges = CoreMetrics.Counter(label: "guvnl_database_changes_total", factory: metrics)
    }

    /// The office's picture with the changes of this group so far, for a change of the group to
    /// decide from (it must still check the version against the events table); nil if there is none.
    func picture(_ office: String, at now: Date) -> LiveOffice? {
        if let picture = working[office] { return picture }
        return unworkable.contains(office) ? nil : live.currentPicture(office, at: now)
    }

    /// Brings the working pictures forward by one change of the group.
    private func bringForward(_ change: QueueChange) {
        // The change's own time (the queue's injected clock), for the picture's age and day.
        guard let now = change.events.last?.at else { return }
        for (office, events) in Dictionary(grouping: change.events, by: \.officeCode) where !unworkable.contains(office) {
            // Taken out of `working` while it changes, so that its waiting list is changed in place
            // rather than copied once per change of the group.
            guard var picture = working.removeValue(forKey: office) ?? live.currentPicture(office, at: now),
                  picture.version == change.precedingEventID[office],
                  picture.apply(events, tokens: change.tokens, counters: change.counters) else {
                working[office] = nil
                unworkable.insert(office)
                continue
            }
            working[office] = picture
        }
    }

    /// Runs `work` in the next group's transaction and returns once that group has committed.
    /// `work` returns what it appended to the events table (nil for nothing).
    func write(_ work: (Database) throws -> QueueChange?) throws {
        try withoutActuallyEscaping(work) { work in
            // The caller waits here until its group is written, so `work` never outlives this call.
            let job = Job(work)
            lock.lock()
            waiting.append(job)
            if writing {
                lock.signal()
            } else if startThread("group-commit", { [self] in writeGroups() }) {
                writing = true
            } else {
                // No thread to be had (the process is out of tasks): this caller is the writer until
                // nothing waits, rather than wait for a writer that will never run.
                writing = true
                lock.unlock()
                while true {
                    lock.lock()
                    let group = waiting
                    waiting = []
                    if group.isEmpty { writing = false }
                    lock.unlock()
                    if group.isEmpty { break }
                    commit(group)
                }
                if let failure = job.failure { throw failure }
                return
            }
            lock.unlock()
            beforeWaiting()
            job.done.wait()
            if let failure = job.failure { throw failure }
        }
    }

    /// The writer thread: writes everything waiting as one group, again and again, until no change
    /// has come for `idleSeconds`.
    private func writeGroups() {
        // Refused (no CAP_SYS_NICE, RLIMIT_NICE too low), it writes at the process's priority;
        // `fcgi-app serve` says so when it starts (`GroupCommit.canRaise`).
        if writerNice != 0 { Self.setThreadNice(writerNice) }
        while true {
            lock.lock()
            while waiting.isEmpty {
                if !lock.wait(until: Date(timeIntervalSinceNow: Self.idleSeconds)) && waiting.isEmpty {
                    writing = false
                    lock.unlock()
                    return
                }
            }
            let group = waiting
            waiting = []
            lock.unlock()
            commit(group)
        }
    }

    /// Writes one group, counts it, and answers its callers.
    private func commit(_ group: [Job]) {
        write(group)
        lock.lock()
        groups += 1
        changes += group.count
        lock.unlock()
        commits.increment()
        committedChanges.increment(by: group.count)
        for job in group { job.done.signal() }
    }

    /// Sets the calling thread's nice value (on Linux `setpriority` of id 0 is the calling thread's,
    /// not the whole process's); false if the system refuses it.
    @discardableResult
    static func setThreadNice(_ nice: Int32) -> Bool {
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice) == 0
    }

    /// Whether this process may raise a thread to `nice`: tried on a thread of its own, which ends.
    static func canRaise(to nice: Int32) -> Bool {
        let tried = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var allowed = false
        Thread {
            allowed = setThreadNice(nice)
            tried.signal()
        }.start()
        tried.wait()
        return allowed
    }

    private func write(_ group: [Job]) {
        working = [:]
        unworkable = []
        var began: UInt64 = 0
        defer {
            for job in group { job.work = nil }
            working = [:]
            // Recorded once the write lock is let go: the histogram takes a lock of its own.
            for job in group where began > 0 { writeWait.recordNanoseconds(Int64(began - min(began, job.arrived.uptimeNanoseconds))) }
        }
        do {
            try writer.write { db in
                began = DispatchTime.now().uptimeNanoseconds
                var appended: [QueueChange] = []
                for job in group {
                    do {
                        if group.count == 1 {
                            // Alone in its group: its failure rolls back a transaction that holds only
                            // it, so it needs no savepoint (nor the savepoint's journal of every page).
                            job.change = try job.work?(db)
                        } else {
                            try db.inSavepoint {
                                job.change = try job.work?(db)
                                return .commit
                            }
                        }
                        if let change = job.change {
                            appended.append(change)
                            bringForward(change)
                        }
                    } catch {
                        job.failure = error
                        job.change = nil
                        // Some failures (a full disk, an I/O error) end the whole transaction:
                        // then nothing of the group stands.
                        if group.count == 1 || !db.isInsideTransaction { throw error }
                    }
                }
                guard let published = QueueChange(merging: appended) else { return }
                let feed = self.feed, live = self.live, pictures = working
                db.afterNextTransaction { _ in
                    live.install(pictures)
                    feed.publish(published)
                }
            }
        } catch {
            // The group did not commit: every change of it failed with it.
            for job in group where job.failure == nil { job.failure = error }
        }
    }
}

extension QueueChange {
    /// The changes of one transaction as one: their events in order, each office's newest event id
    /// before the first of them, and each token and counter as the last of them left it.
    init?(merging changes: [QueueChange]) {
        guard !changes.isEmpty else { return nil }
        var preceding: [String: Int64] = [:]
        var tokens: [Int64: Token] = [:], counters: [Int64: Counter] = [:], told: [Int64: [CounterDesk.MessageStatus]] = [:]
        for change in changes {
            for (office, id) in change.precedingEventID where preceding[office] == nil { preceding[office] = id }
            // A later change's token without a told state has left the counter: its earlier one goes.
            for token in change.tokens {
                tokens[token.id] = token
                told[token.id] = change.toldOfCall[token.id]
            }
            for counter in change.counters { counters[counter.id] = counter }
        }
        self.init(events: changes.flatMap(\.events).sorted { $0.id < $1.id }, precedingEventID: preceding,
                  tokens: tokens.values.sorted { $0.id < $1.id }, counters: counters.values.sorted { $0.id < $1.id }, toldOfCall: told)
    }
}
