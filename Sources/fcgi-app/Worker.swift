import ArgumentParser
import FastCGI
import Foundation
import Logging
import Notify
import QueueCore

struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send the outbox's messages (SMS, e-mail, Web Push) and run the scheduled jobs until SIGTERM or SIGINT.",
        discussion: """
            Claims due messages under a lease (several workers may run; a message is sent by one), renders \
            each in the citizen's language from the interface strings, sends it with its idempotency key and \
            retries failures with exponential backoff and jitter. With no SMS gateway configured, messages go \
            to the local sink file (--sink), which a newcomer can read. On SIGTERM it finishes the message in \
            hand and exits 0. The gateway's credentials come from the environment only \
            (GUVNL_SMS_AUTHORIZATION, GUVNL_SMTP_PASSWORD), never the command line. The worker commits \
            with synchronous=NORMAL whatever --synchronous says: its claims and outcomes are safe to lose \
            to a power cut (claimed again after the lease; a repeated send is dropped by its idempotency key). \
            Beside the messages it runs the scheduled jobs of an office day (day-end at each office's \
            closing, retention, purges, WAL checkpoint), each under a lease, with full durability; \
            `fcgi-app jobs run` runs them once by hand.
            """)

    @OptionGroup var database: DatabaseOption

    @Option(help: "The interface strings sitegen writes, which hold the message texts (env: GUVNL_STRINGS).")
    var strings: String = Environment.string("GUVNL_STRINGS") ?? "public/interface-strings.json"

    @Option(help: "The SMS texts as registered on the DLT platform (env: GUVNL_SMS_TEMPLATES).")
    var smsTemplates: String = Environment.string("GUVNL_SMS_TEMPLATES") ?? "Templates/sms-dlt.json"

    @Option(help: "The public address links in messages start with (env: GUVNL_BASE_URL).")
    var baseURL: String = Environment.string("GUVNL_BASE_URL") ?? "http://127.0.0.1:8080"

    @Option(help: "Where messages go when no gateway takes their channel (env: GUVNL_MESSAGE_SINK).")
    var sink: String = Environment.string("GUVNL_MESSAGE_SINK") ?? "var/log/messages.log"

    @Option(help: "The SMS gateway's address; none: SMS go to the sink (env: GUVNL_SMS_URL).")
    var smsURL: String? = Environment.string("GUVNL_SMS_URL")

    @Option(help: "form, json, or whatsapp (a WhatsApp Business template message) (env: GUVNL_SMS_FORMAT).")
    var smsFormat: String = Environment.string("GUVNL_SMS_FORMAT") ?? "form"

    @Option(help: "The gateway's names for our fields, such as to=mobile,text=message,template_id=dlt_te_id (env: GUVNL_SMS_FIELDS).")
    var smsFields: String = Environment.string("GUVNL_SMS_FIELDS") ?? ""

    @Option(help: "The key of the gateway's message id in its JSON answer (env: GUVNL_SMS_RESPONSE_ID).")
    var smsResponseID: String = Environment.string("GUVNL_SMS_RESPONSE_ID") ?? "id"

    @Option(help: "Most SMS parts a message may take (env: GUVNL_SMS_MAX_PARTS).")
    var smsMaxParts: Int = Environment.int("GUVNL_SMS_MAX_PARTS") ?? 3

    @Option(help: "A WhatsApp Business gateway's address, for offices that send their SMS-channel messages as WhatsApp template messages (settings page); none: those go through the SMS gateway (env: GUVNL_WHATSAPP_URL). Its Authorization header comes from GUVNL_WHATSAPP_AUTHORIZATION.")
    var whatsappURL: String? = Environment.string("GUVNL_WHATSAPP_URL")

    @Option(help: "The mail relay: smtp://host:587 (STARTTLS required) or smtps://host:465; none: e-mail goes to the sink (env: GUVNL_SMTP_URL).")
    var smtpURL: String? = Environment.string("GUVNL_SMTP_URL")

    @Option(help: "The relay's login name; the password comes from GUVNL_SMTP_PASSWORD only (env: GUVNL_SMTP_USERNAME).")
    var smtpUsername: String? = Environment.string("GUVNL_SMTP_USERNAME")

    @Option(help: "The sender's address (env: GUVNL_MAIL_FROM).")
    var mailFrom: String = Environment.string("GUVNL_MAIL_FROM") ?? "queue@guvnl.example"

    @Option(help: "A CA bundle to trust for the relay's certificate instead of the system's (env: GUVNL_SMTP_CA_FILE).")
    var smtpCAFile: String? = Environment.string("GUVNL_SMTP_CA_FILE")

    @Option(help: "Who push services may contact about our messages, a mailto: or https: address (VAPID subject; env: GUVNL_PUSH_SUBJECT).")
    var pushSubject: String = Environment.string("GUVNL_PUSH_SUBJECT") ?? "mailto:queue@guvnl.example"

    @Option(help: "A CA bundle to trust for push services' certificates instead of the system's (env: GUVNL_PUSH_CA_FILE).")
    var pushCAFile: String? = Environment.string("GUVNL_PUSH_CA_FILE")

    @OptionGroup var push: PushServicesOption

    @Option(help: "Tell a waiting citizen their turn is near when this many people or fewer are before them, at every office, instead of each office's own setting (settings page; default 3) (env: GUVNL_TURN_NEAR_AHEAD).")
    var turnNearAhead: Int? = Environment.int("GUVNL_TURN_NEAR_AHEAD")

    @Option(help: "Seconds between looks at the queues for citizens whose turn is near (env: GUVNL_TURN_NEAR_EVERY).")
    var turnNearEvery: Double = Environment.double("GUVNL_TURN_NEAR_EVERY") ?? 5

    @Option(help: "This worker's name in leases and heartbeats (env: GUVNL_WORKER_NAME; default host and process id).")
    var name: String?

    @Option(help: "Messages claimed at a time when the outbox is quiet; while claims come back full the claim doubles, up to what half the lease sends at the gateway's pace and at most 1,000 (env: GUVNL_WORKER_BATCH).")
    var batch: Int = Environment.int("GUVNL_WORKER_BATCH") ?? 20

    @Option(help: "Seconds the next messages gather after a claim that took every due one, so that a busy outbox is claimed in a few commits a second rather than one per message (env: GUVNL_WORKER_GATHER).")
    var gatherSeconds: Double = Environment.double("GUVNL_WORKER_GATHER") ?? 0.2

    @Option(help: "Seconds a claim holds its messages; a worker killed mid-send leaves them to others after it (env: GUVNL_WORKER_LEASE).")
    var leaseSeconds: Double = Environment.double("GUVNL_WORKER_LEASE") ?? 60

    @Option(help: "Attempts before a message is given up (env: GUVNL_RETRY_ATTEMPTS).")
    var maxAttempts: Int = Environment.int("GUVNL_RETRY_ATTEMPTS") ?? 6

    @Option(help: "Seconds before the first retry; each further failure doubles it, with jitter (env: GUVNL_RETRY_BASE).")
    var retryBaseSeconds: Double = Environment.double("GUVNL_RETRY_BASE") ?? 30

    @Option(help: "Longest wait between attempts, in seconds (env: GUVNL_RETRY_MAX).")
    var retryMaxSeconds: Double = Environment.double("GUVNL_RETRY_MAX") ?? 3600

    @Option(help: "Seconds between looks at the outbox when it is empty (env: GUVNL_WORKER_POLL).")
    var pollSeconds: Double = Environment.double("GUVNL_WORKER_POLL") ?? 0.5

    @Option(help: "Seconds between looks for due scheduled jobs (env: GUVNL_JOB_INTERVAL); 0: this worker runs none.")
    var jobInterval: Int = Environment.int("GUVNL_JOB_INTERVAL") ?? 5

    @Option(help: "Days a token's personal data is kept after its day (env: GUVNL_RETENTION_DAYS).")
    var retentionDays: Int = Environment.int("GUVNL_RETENTION_DAYS") ?? OfficeDayJobs.Settings.defaultRetentionDays

    @Option(help: "Seconds a worker holds a job; one killed mid-job delays it by this much (env: GUVNL_JOB_LEASE_SECONDS).")
    var jobLeaseSeconds: Int = Environment.int("GUVNL_JOB_LEASE_SECONDS") ?? 300

    @Option(help: "trace, debug, info, notice, warning, error or critical (env: GUVNL_LOG_LEVEL).")
    var logLevel: String = Environment.string("GUVNL_LOG_LEVEL") ?? "info"

    func validate() throws {
        guard (0...600).contains(jobInterval) else { throw ValidationError("--job-interval must be from 0 to 600 seconds.") }
        guard (1...3650).contains(retentionDays) else { throw ValidationError("--retention-days must be from 1 to 3650.") }
        guard (10...3600).contains(jobLeaseSeconds) else { throw ValidationError("--job-lease-seconds must be from 10 to 3600.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace ... critical.") }
        guard SMSGatewayConfiguration.Format(rawValue: smsFormat) != nil else { throw ValidationError("--sms-format must be form, json or whatsapp.") }
        guard smsFields.isEmpty || SMSGatewayConfiguration.parseFields(smsFields) != nil else {
            throw ValidationError("--sms-fields must be ours=theirs pairs, ours one of \(SMSGatewayConfiguration.defaultFields.keys.sorted().joined(separator: ", ")).")
        }
        if let smtpURL { guard smtpURL.hasPrefix("smtp://") || smtpURL.hasPrefix("smtps://") else { throw ValidationError("--smtp-url must start smtp:// or smtps://.") } }
        guard pushSubject.hasPrefix("mailto:") || pushSubject.hasPrefix("https://") else {
            throw ValidationError("--push-subject must be a mailto: or https: address.")
        }
        guard mailFrom.contains("@") else { throw ValidationError("--mail-from must be an e-mail address.") }
        if let smsURL { guard URL(string: smsURL)?.scheme?.hasPrefix("http") == true else { throw ValidationError("--sms-url must be an http(s) address.") } }
        if let whatsappURL { guard URL(string: whatsappURL)?.scheme?.hasPrefix("http") == true else { throw ValidationError("--whatsapp-url must be an http(s) address.") } }
        guard (1...10).contains(smsMaxParts) else { throw ValidationError("--sms-max-parts must be from 1 to 10.") }
        guard turnNearEvery >= 0.1, turnNearEvery <= 300 else { throw ValidationError("--turn-near-every must be from 0.1 to 300 seconds.") }
        if let turnNearAhead { guard OfficeMessaging.turnNearRange.contains(turnNearAhead) else { throw ValidationError("--turn-near-ahead must be from 0 to 50.") } }
        guard (1...1000).contains(batch) else { throw ValidationError("--batch must be from 1 to 1000.") }
        guard leaseSeconds >= 1, leaseSeconds <= 3600 else { throw ValidationError("--lease-seconds must be from 1 to 3600.") }
        guard (1...50).contains(maxAttempts) else { throw ValidationError("--max-attempts must be from 1 to 50.") }
        guard retryBaseSeconds > 0, retryMaxSeconds >= retryBaseSeconds else {
            throw ValidationError("--retry-base-seconds must be above 0 and at most --retry-max-seconds.")
        }
        guard pollSeconds >= 0.01, pollSeconds <= 60 else { throw ValidationError("--poll-seconds must be from 0.01 to 60.") }
        guard gatherSeconds >= 0, gatherSeconds <= 5 else { throw ValidationError("--gather-seconds must be from 0 to 5.") }
    }

    func run() throws {
        // Before any thread exists, so that every thread inherits the mask and only sigwait sees them.
        try LongRunning.prepare(logLevel: logLevel)
        let logger = Logger(label: "fcgi-app.worker")
        // The worker's own commits (claims, outcomes) need no sync to disk of their own: a claim lost
        // to a power cut is claimed again after its lease, an outcome lost means a send repeated,
        // which the gateway drops by its idempotency key. Unsynced, they leave the disk to the
        // bookings, which serve commits with FULL (the next of which syncs these too).
        // Nor do they checkpoint the WAL (AppDatabase.open says why): fcgi-app and the scheduled job do.
        let appDatabase = try AppDatabase.open(path: database.path, durability: .normal, checkpointsOnCommit: false)
        guard try appDatabase.health().isCurrent else {
            throw StartupError("The database \(database) needs migrating: run `fcgi-app migrate` first.")
        }
        let templates = try readSMSTemplates()
        let text = MessageText(strings: try readStrings(), sms: templates, baseURL: baseURL)
        var senders: [MessageChannel: any ChannelSender] = [:]
        if let smsURL, let url = URL(string: smsURL) {
            let gateway = SMSGateway(configuration: SMSGatewayConfiguration(
                url: url, format: SMSGatewayConfiguration.Format(rawValue: smsFormat) ?? .form,
                authorization: Environment.string("GUVNL_SMS_AUTHORIZATION"),
                fields: SMSGatewayConfiguration.parseFields(smsFields) ?? [:], sender: templates.sender,
                responseIDField: smsResponseID, maxParts: smsMaxParts))
            senders[.sms] = gateway
            senders[.whatsapp] = gateway
        }
        if let whatsappURL, let url = URL(string: whatsappURL) {
            senders[.whatsapp] = SMSGateway(configuration: SMSGatewayConfiguration(
                url: url, format: .whatsapp, authorization: Environment.string("GUVNL_WHATSAPP_AUTHORIZATION"),
                sender: templates.sender, maxParts: smsMaxParts))
        }
        if let smtpURL {
            senders[.email] = SMTPSender(configuration: SMTPConfiguration(
                url: smtpURL, username: smtpUsername, password: Environment.string("GUVNL_SMTP_PASSWORD"), from: mailFrom, caFile: smtpCAFile))
        }
        // Push needs no gateway: the VAPID key pair is made once in the database, so push is always on.
        senders[.push] = WebPushSender(subscriptions: PushSubscriptions(database: appDatabase),
                                       vapid: VAPIDToken(key: try PushKeys(database: appDatabase).signingKey(at: Date()), subject: pushSubject),
                                       caFile: pushCAFile, services: push.services)
        var settings = MessageWorker.Settings(name: name ?? Environment.string("GUVNL_WORKER_NAME") ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())")
        settings.batch = batch
        settings.leaseSeconds = leaseSeconds
        settings.pollSeconds = pollSeconds
        settings.gatherSeconds = gatherSeconds
        settings.turnNearSeconds = turnNearEvery
        settings.retry = RetryPolicy(maxAttempts: maxAttempts, baseSeconds: retryBaseSeconds, maxDelaySeconds: retryMaxSeconds)
        // Push in a loop of its own: a push service that answers slowly must not hold up SMS and e-mail.
        settings.lane = .allButPush
        var pushSettings = settings
        pushSettings.name = settings.name + "/push"
        pushSettings.lane = .push
        let deliveries = Deliveries(database: appDatabase)
        let workers = [
            MessageWorker(deliveries: deliveries, text: text, senders: senders, fallback: LocalSink(path: sink),
                          turnNear: TurnNearWatch(queue: Queue(database: appDatabase), threshold: turnNearAhead),
                          settings: settings, logger: logger),
            MessageWorker(deliveries: deliveries, text: text, senders: senders, fallback: LocalSink(path: sink),
                          settings: pushSettings, logger: logger),
        ]
        let finished = DispatchSemaphore(value: 0)
        for worker in workers {
            Thread {
                worker.run()
                finished.signal()
            }.start()
        }
        let jobs = try scheduledJobs(logger: logger)
        jobs?.start()
        logger.info("worker started", metadata: ["worker": "\(settings.name)", "sms_via": "\(smsURL == nil ? "sink" : "gateway")",
                                                 "whatsapp_via": "\(whatsappURL != nil ? "whatsapp gateway" : smsURL == nil ? "sink" : "sms gateway")",
                                                 "email_via": "\(smtpURL == nil ? "sink" : "smtp")", "push": "on"])
        let signal = TerminationSignals.wait()
        logger.info("stopping after the message in hand", metadata: ["signal": "\(signal)"])
        workers.forEach { $0.stop() }
        jobs?.stop()
        workers.forEach { _ in finished.wait() }
        logger.info("worker stopped")
    }

    /// The scheduled jobs, on a thread of their own so that a long day-end never holds up a message.
    /// Their changes are the queue's, so they commit with full durability, unlike the worker's claims.
    private func scheduledJobs(logger: Logger) throws -> ScheduledJobsLoop? {
        guard jobInterval > 0 else { return nil }
        let jobs = OfficeDayJobs(queue: Queue(database: try database.open()),
                                 settings: .init(retentionDays: retentionDays, leaseSeconds: Double(jobLeaseSeconds)))
        return ScheduledJobsLoop(jobs: jobs, interval: Double(jobInterval), logger: logger)
    }

    private func readStrings() throws -> [String: [String: String]] {
        do {
            return try JSONDecoder().decode([String: [String: String]].self, from: Data(contentsOf: URL(fileURLWithPath: strings)))
        } catch {
            throw StartupError("The interface strings \(strings) cannot be read: build the site first with `sitegen build`, or pass --strings.")
        }
    }

    private func readSMSTemplates() throws -> SMSTemplates {
        do {
            return try SMSTemplates(json: Data(contentsOf: URL(fileURLWithPath: smsTemplates)))
        } catch {
            throw StartupError("The DLT template registry \(smsTemplates) cannot be read (\(error)): pass --sms-templates.")
        }
    }
}
