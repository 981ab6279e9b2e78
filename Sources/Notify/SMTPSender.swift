import CCurl
import Foundation
import QueueCore

/// How to reach the mail relay: `smtp://host:587` with STARTTLS required (or `smtps://host:465`,
/// TLS from the start), a login, and the sender's address.
public struct SMTPConfiguration: Sendable, Equatable {
    public var url: String
    public var username: String?
    public var password: String?
    public var from: String
    /// A CA bundle to trust instead of the system's (a private relay's certificate).
    public var caFile: String?
    public var timeoutSeconds: Int

    public init(url: String, username: String? = nil, password: String? = nil, from: String, caFile: String? = nil, timeoutSeconds: Int = 30) {
        self.url = url
        self.username = username
        self.password = password
        self.from = from
        self.caFile = caFile
        self.timeoutSeconds = timeoutSeconds
    }
}

/// Sends e-mail over SMTP with libcurl: STARTTLS is required (a relay that does not offer it is a
/// failure, never a plain-text send), then login, then the composed MIME message.
public struct SMTPSender: ChannelSender {
    public let configuration: SMTPConfiguration
    private let composer: MailComposer

    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
        composer = MailComposer(from: configuration.from)
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }

    /// The message's bytes, handed to libcurl's read callback piece by piece.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    public func send(_ message: RenderedMessage) throws(SendFailure) -> SendReceipt {
        guard let handle = curl_easy_init() else { throw SendFailure("libcurl could not start") }
        defer { curl_easy_cleanup(handle) }
        let upload = Upload(Array(composer.compose(message, at: Date()).utf8))
        let context = Unmanaged.passRetained(upload)
        defer { context.release() }
        let recipients = curl_slist_append(nil, "<\(message.recipient)>")
        defer { curl_slist_free_all(recipients) }

        guvnl_curl_set_string(handle, CURLOPT_URL, configuration.url)
        if !configuration.url.hasPrefix("smtps://") { guvnl_curl_set_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        if let username = configuration.username { guvnl_curl_set_string(handle, CURLOPT_USERNAME, username) }
        if let password = configuration.password { guvnl_curl_set_string(handle, CURLOPT_PASSWORD, password) }
        if let caFile = configuration.caFile { guvnl_curl_set_string(handle, CURLOPT_CAINFO, caFile) }
        guvnl_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(configuration.from)>")
        guvnl_curl_set_list(handle, CURLOPT_MAIL_RCPT, recipients)
        guvnl_curl_set_long(handle, CURLOPT_UPLOAD, 1)
        guvnl_curl_set_long(handle, CURLOPT_TIMEOUT, configuration.timeoutSeconds)
        guvnl_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        guvnl_curl_set_pointer(handle, CURLOPT_READDATA, context.toOpaque())
        guvnl_curl_set_read_callback(handle) { buffer, size, items, context in
            guard let buffer, let context else { return 0 }
            let upload = Unmanaged<Upload>.fromOpaque(context).takeUnretainedValue()
            let count = min(size * items, upload.bytes.count - upload.offset)
            upload.bytes.withUnsafeBufferPointer { source in
                guard let base = source.baseAddress else { return }
                UnsafeMutableRawPointer(buffer).copyMemory(from: base + upload.offset, byteCount: count)
            }
            upload.offset += count
            return count
        }
        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            let reply = guvnl_curl_response_code(handle)
            // No address in the reason: curl_easy_strerror says what failed, not to whom.
            let reason = "SMTP: \(String(cString: curl_easy_strerror(code)))\(reply > 0 ? " (reply \(reply))" : "")"
            throw SendFailure(reason, permanent: (500...599).contains(reply) && code != CURLE_LOGIN_DENIED)
        }
        return SendReceipt(providerID: nil, isDelivered: false)
    }
}
