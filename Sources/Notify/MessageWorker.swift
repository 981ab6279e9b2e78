import Foundation
import Logging
import QueueCore

/// The outbox's sender: claims due messages under a lease, renders each in its citizen's language,
/// hands it to its channel's sender and records the outcome (sent, or failed and tried again after
/// a backoff, or given up), and notes a heartbeat. Several workers may run at once: the lease keeps
/// each message to one of them. `stop()` lets the message in hand finish; `run()` then returns.
public final class MessageWorker: @unchecked Sendable {
    public struct Settings: Sendable {
        public var name: String
        /// The claim when the outbox is quiet; it grows with the backlog up to `largestBatch` (`ClaimPacing`).
        public var batch = 20
        public var largestBatch = 1000
        /// After a claim that took every due message, how long the next ones gather before the next claim.
        public var gatherSeconds: Double = 0.2
        public var leaseSeconds: Double = 60
        public var pollSeconds: Double = 0.5
        public var heartbeatSeconds: Double = 5
        public var retry = RetryPolicy()
        /// How often the offices are looked at for "your turn is near".
        public var turnNearSeconds: Double = 5
        /// The channels this loop takes (`Deliveries.Lane`).
        public var lane = Deliveries.Lane.every

        public init(name: String) { self.name = name }
    }

    private let deliveries: Deliveries
    private let text: MessageText
    private let senders: [MessageChannel: any ChannelSender]
    /// Takes any channel without a sender of its own (all of them when no gateway is configured).
    private let fallback: any ChannelSender
    private let turnNear: TurnNearWatch?
    private let settings: Settings
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let lock = NSCondition()
    private var stopping = false
    private var sent = 0

    public init(deliveries: Deliveries, text: MessageText, senders: [MessageChannel: any ChannelSender], fallback: any ChannelSender,
                turnNear: TurnNearWatch? = nil, settings: Settings, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.deliveries = deliveries
        self.turnNear = turnNear
        self.text = text
        self.senders = senders
        self.fallback = fallback
        self.settings = settings
        self.logger = logger
        self.now = now
    }

    /// Asks the worker to stop after the message in hand.
    public func stop() {
        lock.lock(); stopping = true; lock.broadcast(); lock.unlock()
    }

    private var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    /// Sends until stopped.
    public func run() {
        let started = now()
        var lastBeat = Date.distantPast, lastLook = Date.distantPast
        var unrecorded: [(message: OutboxMessage, outcome: Deliveries.Outcome)] = []
        var pacing = ClaimPacing(smallest: settings.batch, largest: settings.largestBatch, leaseSeconds: settings.leaseSeconds,
                                 gatherSeconds: settings.gatherSeconds, pollSeconds: settings.pollSeconds)
        while !isStopping {
            if let turnNear, now().timeIntervalSince(lastLook) >= settings.turnNearSeconds {
                lastLook = now()
                do {
                    let told = try turnNear.look(at: lastLook)
                    if told.near > 0 { logger.info("turn near", metadata: ["tokens": "\(told.near)"]) }
                    if told.unlikely > 0 { logger.info("unlikely today", metadata: ["tokens": "\(told.unlikely)"]) }
                } catch {
                    logger.error("turn near not looked at", metadata: ["error": "\(type(of: error))"])
                }
            }
            if now().timeIntervalSince(lastBeat) >= settings.heartbeatSeconds {
                do {
                    try deliveries.beat(worker: settings.name, startedAt: started, sent: sent, at: now())
                    lastBeat = now()
                } catch {
                    logger.error("heartbeat not recorded", metadata: ["error": "\(type(of: error))"])
                }
            }
            // The last batch's outcomes are recorded in the same transaction as the next claim (they
            // write the same outbox pages): one commit a batch. Nothing to record: a read finds what is
            // due first, so an idle worker never takes the write lock.
            let claimed: [OutboxMessage]
            let batchStarted = ContinuousClock.now
            do {
                if unrecorded.isEmpty {
                    claimed = try deliveries.claim(owner: settings.name, limit: pacing.limit, leaseSeconds: settings.leaseSeconds,
                                                   lane: settings.lane, at: now())
                } else {
                    let (states, next) = try deliveries.recordAndClaim(unrecorded, owner: settings.name, retry: settings.retry,
                                                                       limit: pacing.limit, leaseSeconds: settings.leaseSeconds,
                                                                       lane: settings.lane, at: now())
                    note(unrecorded, states)
                    claimed = next
                }
            } catch {
                if !unrecorded.isEmpty { notRecorded(unrecorded, error) }
                logger.error("cannot claim messages", metadata: ["error": "\(type(of: error))"])
                claimed = []
            }
            unrecorded = []
            var outcomes: [(message: OutboxMessage, outcome: Deliveries.Outcome)] = []
            // A claim is sent within half its lease, whatever the pace: past that, another worker may
            // take what is left while it is still in hand and send it again. One message may take its
            // channel's whole time limit (a push 22 s at most, SMS 10 s, e-mail 30 s), so it is never
            // begun after half the lease.
            let sendBy = batchStarted + .milliseconds(Int(settings.leaseSeconds * 500))
            for message in claimed {
                if isStopping || ContinuousClock.now > sendBy { break }
                outcomes.append((message, attempt(message)))
            }
            if outcomes.count < claimed.count {
                // Stopping, or half the lease gone: the outcomes now, and what was claimed but not begun
                // goes back at once, for this worker's next claim or another's.
                record(outcomes)
                do {
                    try deliveries.release(Array(claimed[outcomes.count...]), owner: settings.name)
                } catch {
                    logger.error("claims not given back; they lapse with their lease", metadata: ["error": "\(type(of: error))"])
                }
            } else {
                unrecorded = outcomes
            }
            // The batch's real duration (on the monotonic clock, not `now`, which tests may hold still).
            let took = (ContinuousClock.now - batchStarted).components
            let pause = pacing.finished(claimed: outcomes.count, seconds: Double(took.seconds) + Double(took.attoseconds) / 1e18)
            if pause > 0 && !isStopping { self.pause(pause) }
        }
        record(unrecorded)
        try? deliveries.beat(worker: settings.name, startedAt: started, sent: sent, at: now())
    }

    private func pause(_ seconds: Double) {
        lock.lock()
        if !stopping { _ = lock.wait(until: Date().addingTimeInterval(seconds)) }
        lock.unlock()
    }

    /// One message: rendered and handed to its channel.
    func attempt(_ message: OutboxMessage) -> Deliveries.Outcome {
        do {
            let rendered = try text.render(message)
            let receipt = try (senders[message.channel] ?? fallback).send(rendered)
            return .sent(Deliveries.Sent(
                templateKey: rendered.templateKey, templateID: rendered.templateID,
                body: rendered.subject.map { "\($0)\n\n\(rendered.text)" } ?? rendered.text,
                providerID: receipt.providerID, isDelivered: receipt.isDelivered))
        } catch let failure as SendFailure {
            return .failed(reason: failure.reason, permanent: failure.permanent, retryAfterSeconds: failure.retryAfterSeconds)
        } catch {
            return .failed(reason: "\(error)", permanent: true)
        }
    }

    /// The batch's outcomes in one commit of their own (when the worker stops).
    private func record(_ outcomes: [(message: OutboxMessage, outcome: Deliveries.Outcome)]) {
        guard !outcomes.isEmpty else { return }
        do {
            note(outcomes, try deliveries.record(outcomes, owner: settings.name, retry: settings.retry, at: now()))
        } catch {
            notRecorded(outcomes, error)
        }
    }

    /// Counts and logs recorded outcomes. Nothing personal is logged: ids, channels and outcomes.
    private func note(_ outcomes: [(message: OutboxMessage, outcome: Deliveries.Outcome)], _ states: [OutboxMessage.State?]) {
        for ((message, outcome), state) in zip(outcomes, states) {
            let metadata: Logger.Metadata = ["message": "\(message.id)", "channel": "\(message.channel.rawValue)",
                                             "attempt": "\(message.attempts)", "state": "\(state?.rawValue ?? "lease_lost")"]
            switch outcome {
            case .sent:
                lock.lock(); sent += 1; lock.unlock()
                logger.info("message sent", metadata: metadata)
            case .failed(let reason, _, _):
                logger.warning("message not sent", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            }
        }
    }

    /// Not recorded: the leases run out and the messages are tried again (a gateway drops a repeat by its key).
    private func notRecorded(_ outcomes: [(message: OutboxMessage, outcome: Deliveries.Outcome)], _ error: any Error) {
        logger.error("outcomes not recorded", metadata: ["messages": "\(outcomes.count)", "error": "\(type(of: error))"])
    }
}
