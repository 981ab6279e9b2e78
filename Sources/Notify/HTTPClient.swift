import CCurl
import Foundation

/// A blocking HTTP POST for the worker's one-message-at-a-time SMS gateway, through libcurl with one
/// handle kept between messages, so that a gateway that keeps connections open is reached over the
/// same one. It replaced FoundationNetworking's URLSession (libcurl too, underneath), whose dispatch
/// sources, threads and per-request setup took most of the worker's CPU while it sent a confirmation
/// for every booking (README, "Messages to citizens: dispatch, and what the worker costs bookings").
final class HTTPClient: @unchecked Sendable {
    let timeoutSeconds: Int

    struct Answer: Sendable {
        var status: Int
        var body: Data
    }

    /// What to post.
    struct Post: Sendable {
        var url: URL
        var headers: [(String, String)]
        var body: Data
    }

    /// The answer's bytes as libcurl hands them over; at most `limit` are kept.
    private final class Received {
        var bytes: [UInt8] = []
        static let limit = 64 << 10
    }

    private let lock = NSLock()
    private var handle: UnsafeMutableRawPointer?

    init(timeoutSeconds: Double) {
        self.timeoutSeconds = max(1, Int(timeoutSeconds.rounded(.up)))
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
    }

    /// The gateway's answer; throws when none came (refused, timed out), with libcurl's reason and
    /// never the address or body (they hold a mobile number).
    func send(_ post: Post) throws(SendFailure) -> Answer {
        lock.lock()
        defer { lock.unlock() }
        if handle == nil { handle = curl_easy_init() }
        guard let handle else { throw SendFailure("libcurl could not start") }
        // Options from the last message go; the open connection and the DNS cache stay.
        curl_easy_reset(handle)
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in post.headers { list = curl_slist_append(list, "\(name): \(value)") }
        // libcurl would add "Expect: 100-continue" to a larger body and wait for the gateway's go.
        list = curl_slist_append(list, "Expect:")
        defer { curl_slist_free_all(list) }
        let received = Received()
        let context = Unmanaged.passRetained(received)
        defer { context.release() }
        let code: CURLcode = post.body.withUnsafeBytes { bytes in
            guvnl_curl_set_string(handle, CURLOPT_URL, post.url.absoluteString)
            guvnl_curl_set_long(handle, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS))
            guvnl_curl_set_long(handle, CURLOPT_POST, 1)
            guvnl_curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            guvnl_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
            guvnl_curl_set_list(handle, CURLOPT_HTTPHEADER, list)
            guvnl_curl_set_long(handle, CURLOPT_TIMEOUT, timeoutSeconds)
            guvnl_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
            guvnl_curl_set_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
            guvnl_curl_set_write_callback(handle) { data, size, items, context in
                let count = size * items
                guard let data, let context else { return count }
                let received = Unmanaged<Received>.fromOpaque(context).takeUnretainedValue()
                let room = max(0, Received.limit - received.bytes.count)
                data.withMemoryRebound(to: UInt8.self, capacity: count) { start in
                    received.bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: min(count, room)))
                }
                return count
            }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else { throw SendFailure("libcurl: \(String(cString: curl_easy_strerror(code)))") }
        return Answer(status: guvnl_curl_response_code(handle), body: Data(received.bytes))
    }
}
