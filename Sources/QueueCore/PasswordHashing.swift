import Foundation

/// Where staff passwords are hashed and checked. Argon2id takes 64 MiB and about 60 ms of a core
/// each time, on purpose. Run on the request threads (which had given their compute slot back while
/// the attempt was counted), 32 connections of wrong sign-ins took both cores and 1.4-1.8 GiB:
/// token statuses fell from 20,000/s to under 500/s (README, "Sign-in hashing").
///
/// So passwords are hashed here, on at most `threads` threads of their own at a lower priority
/// (`nice` below the process's: when the cores are busy, citizens' requests go first), with at
/// most `waitingLimit` sign-ins waiting for them. Beyond that a sign-in is refused at once as busy
/// (503, try again in a second) before its attempt is counted, so that a flood of sign-ins holds
/// only a few request threads and a few hashes' memory.
public final class PasswordHashing: @unchecked Sendable {
    /// The process's hashing: every `StaffAccounts` shares it, so the limits are the process's.
    public static let shared = PasswordHashing()

    private final class Job: @unchecked Sendable {
        /// Dropped once run, before the caller is woken: the caller's closure must not outlive its call.
        var work: (() -> Void)?
        let done = DispatchSemaphore(value: 0)
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    /// One job's result, written by the hashing thread before it signals the caller.
    private final class Box<T>: @unchecked Sendable { var value: T? }

    public let threads: Int
    public let waitingLimit: Int
    private let nice: Int32
    private let lock = NSCondition()
    private var queue: [Job] = []
    /// Sign-ins (and new passwords) holding a place: checking, waiting, or about to.
    private var placesHeld = 0
    /// Hashing threads running, and how many of them wait for a job.
    private var running = 0
    private var idle = 0
    /// How long a hashing thread waits for another job before it ends.
    static let idleSeconds = 5.0

    /// By default a thread per core, at most 4 (64 MiB each), and 8 waiting: 20 clerks signing in
    /// together are all in within about two seconds on two cores (README, "Sign-in hashing").
    public init(threads: Int = min(4, ProcessInfo.processInfo.activeProcessorCount), waitingLimit: Int = 8, nice: Int32 = 10) {
        self.threads = max(1, threads)
        self.waitingLimit = max(0, waitingLimit)
        self.nice = nice
    }

    /// A sign-in's place among those the hashing takes: held from before the attempt is counted
    /// until the check is done, so that a sign-in refused as busy counts against nobody.
    public struct Place {
        fileprivate let hashing: PasswordHashing

        /// Runs `work` on a hashing thread and returns its result once done. `beforeWaiting` runs
        /// on the caller's thread just before it waits (it gives back the request's compute slot).
        func run<T>(beforeWaiting: () -> Void = {}, _ work: () -> T) -> T {
            hashing.run(beforeWaiting: beforeWaiting, work)
        }
    }

    /// Runs `body` with a place, or throws `busy` at once when `threads` plus `waitingLimit`
    /// sign-ins hold places already.
    func withPlace<T>(refusing busy: StaffError = .signInBusy, _ body: (Place) throws -> T) throws -> T {
        lock.lock()
        guard placesHeld < threads + waitingLimit else {
            lock.unlock()
            throw busy
        }
        placesHeld += 1
        lock.unlock()
        defer {
            lock.lock()
            placesHeld -= 1
            lock.unlock()
        }
        return try body(Place(hashing: self))
    }

    private func run<T>(beforeWaiting: () -> Void, _ work: () -> T) -> T {
        withoutActuallyEscaping(work) { work in
            // The caller waits here until the job is done, so `work` never outlives this call.
            let box = Box<T>()
            let job = Job { box.value = work() }
            lock.lock()
            queue.append(job)
            // Each job in the queue is matched with an idle thread, or starts one, or waits its turn.
            if idle >= queue.count {
                lock.signal()
            } else if running < threads {
                running += 1
                if !CheckedThread.start(name: "password-hashing", { [self] in hash() }) {
                    running -= 1
                    // No thread to be had (the process is out of tasks) and none hashing that
                    // would come to this job: the caller hashes it itself.
                    if running == 0, let index = queue.firstIndex(where: { $0 === job }) {
                        queue.remove(at: index)
                        lock.unlock()
                        job.work?()
                        job.work = nil
                        guard let value = box.value else { preconditionFailure("a hashing job ended without its result") }
                        return value
                    }
                }
            }
            lock.unlock()
            beforeWaiting()
            job.done.wait()
            guard let value = box.value else { preconditionFailure("a hashing job ended without its result") }
            return value
        }
    }

    /// A hashing thread: runs the jobs in the order they came, until none has come for `idleSeconds`.
    private func hash() {
        // `nice` below the process's priority, whatever that is (raising one's own nice value needs
        // no privilege; on Linux it is the calling thread's).
        errno = 0
        let own = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        GroupCommit.setThreadNice(min(19, (errno == 0 ? own : 0) + nice))
        lock.lock()
        while true {
            while queue.isEmpty {
                idle += 1
                let woken = lock.wait(until: Date(timeIntervalSinceNow: Self.idleSeconds))
                idle -= 1
                if !woken && queue.isEmpty {
                    running -= 1
                    lock.unlock()
                    return
                }
            }
            let job = queue.removeFirst()
            lock.unlock()
            job.work?()
            job.work = nil
            job.done.signal()
            lock.lock()
        }
    }
}
