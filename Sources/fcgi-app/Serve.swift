import ArgumentParser
import FastCGI
import Foundation
import Logging
import QueueCore
import QueueWeb

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer FastCGI requests from nginx until SIGTERM or SIGINT.",
        discussion: """
            Listens on a unix socket (the default, for nginx on the same machine) or on a TCP port \
            on 127.0.0.1. On SIGTERM or SIGINT it stops accepting, lets in-flight requests finish and \
            open event streams end, and exits 0 within the grace period.
            """)

    @Option(help: "Unix socket to listen on (env: GUVNL_SOCKET).")
    var socket: String = Environment.string("GUVNL_SOCKET") ?? "var/run/fcgi-app.sock"

    @Option(help: "Listen on this TCP port on 127.0.0.1 instead of the socket (env: GUVNL_PORT).")
    var port: Int?

    @Option(help: "Group to own the socket, nginx's worker group (env: GUVNL_SOCKET_GROUP).")
    var socketGroup: String?

    // Most of a booking's time is spent waiting for its group's commit to reach the disk, and a group
    // can hold only the requests waiting for it: more threads, larger groups, fewer syncs. But every
    // thread computing at once shares the two cores, so the slowest reads wait longer. So many
    // threads, of which only a few compute at once: a request waiting for its commit gives its slot
    // to the next request (`ComputeSlots`). 32 threads of which 4 compute, against 10 all computing,
    // at 3,000 waiting (README, "Eleventh stop"): token status p99 4.3-7.6 ms against 6.0-27.8,
    // bookings from 32 phones 2,969-3,797/s against 2,483-3,341.
    @Option(help: "Threads serving requests; bookings arriving together share one commit, up to this many (env: GUVNL_THREADS).")
    var threads: Int = Environment.int("GUVNL_THREADS") ?? 32

    @Option(help: """
        Of those, how many compute at once, apart from those waiting for a commit; 0: all of them \
        (env: GUVNL_COMPUTING_THREADS; default: twice the cores).
        """)
    var computingThreads: Int = Environment.int("GUVNL_COMPUTING_THREADS") ?? min(64, 2 * ProcessInfo.processInfo.activeProcessorCount)

    // Every change waits for the one thread that writes them, and at the normal priority it waited
    // for a core about a third of the time in a busy counter loop (README, "The writer's priority").
    @Option(help: """
        Priority (nice, -20 to 0) of the thread that writes every booking and counter action; below 0 \
        needs root, CAP_SYS_NICE or a high enough RLIMIT_NICE (systemd: LimitNICE=-15); 0 leaves it \
        at the process's own (env: GUVNL_WRITER_NICE).
        """)
    var writerNice: Int = Environment.int("GUVNL_WRITER_NICE") ?? -15

    @OptionGroup var database: DatabaseOption

    @OptionGroup var backups: BackupFolderOption

    @Option(help: "Largest request body in bytes; larger ones get 413 (env: GUVNL_MAX_BODY_BYTES).")
    var maxBodyBytes: Int = Environment.int("GUVNL_MAX_BODY_BYTES") ?? 64 * 1024

    @Option(help: "Seconds that requests and streams get to finish on shutdown (env: GUVNL_SHUTDOWN_GRACE).")
    var shutdownGrace: Int = Environment.int("GUVNL_SHUTDOWN_GRACE") ?? 5

    @Option(help: "The interface strings sitegen writes, for the pages fcgi-app renders (env: GUVNL_STRINGS).")
    var strings: String = Environment.string("GUVNL_STRINGS") ?? "public/interface-strings.json"

    @Option(help: "Event streams open at once, in all (env: GUVNL_MAX_STREAMS); each takes a descriptor and about 0.3 KiB.")
    var maxStreams: Int = Environment.int("GUVNL_MAX_STREAMS") ?? 12_000

    @Option(help: "Event streams open at once from one client address (env: GUVNL_MAX_STREAMS_PER_ADDRESS); a waiting hall behind one Wi-Fi is one address.")
    var maxStreamsPerAddress: Int = Environment.int("GUVNL_MAX_STREAMS_PER_ADDRESS") ?? 300

    @Option(help: "Event streams open at once from one IPv6 /48, however many /64 addresses it spans (env: GUVNL_MAX_STREAMS_PER_NETWORK).")
    var maxStreamsPerNetwork: Int = Environment.int("GUVNL_MAX_STREAMS_PER_NETWORK") ?? 2_000

    @Option(help: "A file holding the secret the SMS gateway signs delivery reports with (HMAC-SHA256); none: reports are refused (env: GUVNL_DELIVERY_REPORT_SECRET_FILE).")
    var deliveryReportSecretFile: String? = Environment.string("GUVNL_DELIVERY_REPORT_SECRET_FILE")

    @Option(help: "How many seconds a delivery report's signed timestamp may be from the server's clock, either way (env: GUVNL_DELIVERY_REPORT_WINDOW_SECONDS).")
    var deliveryReportWindowSeconds: Int = Environment.int("GUVNL_DELIVERY_REPORT_WINDOW_SECONDS") ?? 300

    @Option(help: """
        Other web origins whose pages may call the citizens' API (offices, slots, booking, token status), \
        comma-separated, exactly as https://host[:port]; never the staff routes (env: GUVNL_CORS_ORIGINS).
        """)
    var corsOrigins: String = Environment.string("GUVNL_CORS_ORIGINS") ?? ""

    @OptionGroup var push: PushServicesOption

    @Option(help: "The site's address as citizens reach it, https://host[:port]; QR codes on tickets point there. Unset: the request's own Host (env: GUVNL_PUBLIC_URL).")
    var publicURL: String? = Environment.string("GUVNL_PUBLIC_URL")

    @Option(help: "trace, debug, info, notice, warning, error or critical (env: GUVNL_LOG_LEVEL).")
    var logLevel: String = Environment.string("GUVNL_LOG_LEVEL") ?? "info"

    @Option(help: "Append the JSON log lines to this file instead of standard error; SIGUSR1 opens it again after logrotate (env: GUVNL_LOG_FILE).")
    var logFile: String?

    private var listenPort: Int? { port ?? Environment.int("GUVNL_PORT") }
    private var logPath: String? { logFile ?? Environment.string("GUVNL_LOG_FILE") }
    private var listenSocketGroup: String? { socketGroup ?? Environment.string("GUVNL_SOCKET_GROUP") }

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical.")
        }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be from 1 to 64.") }
        guard (0...64).contains(computingThreads) else { throw ValidationError("--computing-threads must be from 0 to 64.") }
        guard (-20...0).contains(writerNice) else { throw ValidationError("--writer-nice must be from -20 to 0.") }
        if let port = listenPort, !(1...65535).contains(port) { throw ValidationError("--port must be from 1 to 65535.") }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024.") }
        guard (0...120).contains(shutdownGrace) else { throw ValidationError("--shutdown-grace must be 0 to 120 seconds.") }
        guard (1...86_400).contains(deliveryReportWindowSeconds) else {
            throw ValidationError("--delivery-report-window-seconds must be from 1 to 86400.")
        }
        guard (1...100_000).contains(maxStreams) else { throw ValidationError("--max-streams must be from 1 to 100000.") }
        if let publicURL, PublicOrigin.parse(publicURL) == nil {
            throw ValidationError("--public-url must be http(s)://host[:port], nothing after: \(publicURL)")
        }
        do { _ = try CORSPolicy.parse(corsOrigins) } catch { throw ValidationError("--cors-origins: \(error.description)") }
        guard (1...maxStreams).contains(maxStreamsPerAddress) else {
            throw ValidationError("--max-streams-per-address must be from 1 to --max-streams.")
        }
        guard (1...100_000).contains(maxStreamsPerNetwork) else { throw ValidationError("--max-streams-per-network must be from 1 to 100000.") }
    }

    func run() throws {
        // Before any thread exists, so that every thread inherits the mask and only sigwait sees them.
        let output = try LongRunning.prepare(logLevel: logLevel, logPath: logPath)
        let logger = Logger(label: "fcgi-app")
        // Every event stream holds a descriptor: take all the system allows (systemd: LimitNOFILE).
        let descriptors = FastCGIServer.raiseDescriptorLimit()
        if descriptors < maxStreams + 1024 {
            logger.warning("the descriptor limit is below the stream cap", metadata: ["descriptors": "\(descriptors)", "max_streams": "\(maxStreams)"])
        }

        let appDatabase = try database.open()
        // A request waiting for the writer and the disk lets the next request be served meanwhile.
        appDatabase.writeWait.set { ComputeSlots.yieldCurrent() }
        let health = try appDatabase.health()
        guard health.isCurrent else {
            throw StartupError("The database \(database) needs migrating (\(health.pendingMigrations.joined(separator: ", "))): run `fcgi-app migrate` first.")
        }

        let text = try interfaceText()
        // The queue records into the same registry that /api/metrics writes out.
        let backupFolder = BackupFolder(directory: backups.url)
        let metrics = ServiceMetrics(probes: .reading(appDatabase, backups: backupFolder))
        var nice = Int32(writerNice)
        if nice != 0, !Queue.canRaiseWriter(to: nice) {
            logger.warning("the writer's priority cannot be raised: it writes at the process's own", metadata: [
                "writer_nice": "\(nice)", "remedy": "LimitNICE=\(nice) in the service, or GUVNL_WRITER_NICE=0 to silence this"])
            nice = 0
        }
        var services = AppServices(queue: Queue(database: appDatabase, metrics: metrics.factory, writerNice: nice), text: text)
        services.deliveryReportSecret = try deliveryReportSecret()
        services.deliveryReportWindowSeconds = Double(deliveryReportWindowSeconds)
        services.backups = backupFolder
        services.cors = (try? CORSPolicy.parse(corsOrigins)) ?? CORSPolicy()  // validate() refused a bad list
        services.pushServices = push.services
        services.publicOrigin = publicURL.flatMap(PublicOrigin.parse)

        let address: ListenAddress = listenPort.map { .loopbackPort($0) } ?? .unixSocket(path: socket)
        if case .unixSocket(let path) = address, !(path as NSString).deletingLastPathComponent.isEmpty {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        let server = FastCGIServer(
            configuration: ServerConfiguration(
                address: address, threads: threads, computingThreads: computingThreads, maxBodyBytes: maxBodyBytes,
                socketGroup: listenSocketGroup, shutdownGraceSeconds: Double(shutdownGrace),
                maxStreams: maxStreams, maxStreamsPerAddress: maxStreamsPerAddress, maxStreamsPerNetwork: maxStreamsPerNetwork),
            responder: WebApplication(services: services, logger: logger, metrics: metrics, logsRequests: true),
            logger: logger,
            // Wakes the main thread's sigwait, as an operator's SIGTERM would: stop cleanly, then exit non-zero.
            onSocketLost: { kill(getpid(), SIGTERM) })
        do {
            try server.start()
        } catch let error as FastCGIServerError {
            throw StartupError(error.description)
        }
        logger.info("serving", metadata: ["version": "\(metrics.version)", "log_file": "\(logPath ?? "stderr")"])
        var signal = TerminationSignals.wait()
        while signal == SIGUSR1 {
            do {
                try output.reopen()
                logger.info("log reopened")
            } catch {
                // Still writing to the old file (or its deleted inode): say so where someone looks.
                FileHandle.standardError.write(Data("fcgi-app: \(error)\n".utf8))
            }
            signal = TerminationSignals.wait()
        }
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        server.stop()
        // Losing the socket is a failure: the supervisor (scripts/supervise.sh, systemd) starts us afresh.
        if server.hasLostSocket { throw ExitCode(75) }
    }

    /// The shared secret of delivery reports, trimmed of the file's line end.
    private func deliveryReportSecret() throws -> [UInt8]? {
        guard let path = deliveryReportSecretFile else { return nil }
        guard let data = FileManager.default.contents(atPath: path),
              let secret = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), secret.utf8.count >= 16 else {
            throw StartupError("The delivery-report secret file \(path) cannot be read or holds fewer than 16 characters.")
        }
        return Array(secret.utf8)
    }

    /// The token page's and the booking form's words, from the site build (one source: Templates/i18n).
    private func interfaceText() throws -> InterfaceText {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: strings))
            return InterfaceText(try JSONDecoder().decode([String: [String: String]].self, from: data))
        } catch {
            throw StartupError("The interface strings \(strings) cannot be read (\(error.localizedDescription)): build the site first with `sitegen build`, or pass --strings.")
        }
    }
}
