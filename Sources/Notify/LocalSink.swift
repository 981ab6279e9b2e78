import Foundation
import QueueCore

/// Where messages go when no gateway is configured (as under `make run`): appended, rendered in
/// the citizen's language, to a file a newcomer can read (`var/log/messages.log`), and shown on the
/// administrators' messages page. The recipient is masked: the file is a log, and no log holds a
/// mobile number or an e-mail address.
public final class LocalSink: ChannelSender, @unchecked Sendable {
    private let path: String
    private let lock = NSLock()

    public init(path: String) { self.path = path }

    public func send(_ message: RenderedMessage) throws(SendFailure) -> SendReceipt {
        var entry = "\(ISO8601DateFormatter().string(from: Date())) \(message.channel.rawValue) \(message.language) "
        entry += "to \(OutboxMessage.masked(message.recipient)) [\(message.templateKey)\(message.templateID.map { " DLT \($0)" } ?? "")]\n"
        if let subject = message.subject { entry += "Subject: \(subject)\n" }
        entry += message.text + "\n\n"
        lock.lock(); defer { lock.unlock() }
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(entry.utf8))
        } catch {
            throw SendFailure("the sink file cannot be written")
        }
        return SendReceipt(providerID: nil, isDelivered: true)
    }
}
