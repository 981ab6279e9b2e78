import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTPS POST to a push service through libcurl. Not `HTTPClient` (URLSession): on Linux it
/// cannot be told to trust a CA file, and an operator (or the tests' push service stub) needs to
/// name one, as for the SMTP relay.
struct PushPost: Sendable {
    var caFile: String?
    /// A push service answers within a second or two. A browser's endpoint is the citizen's to
    /// give, and the worker sends one message at a time: an address that never answers must not
    /// hold everyone's messages for long.
    var connectTimeoutSeconds = 5
    var timeoutSeconds = 10

    /// What a push service answered: its status, and how long it asked us to wait (`Retry-After`,
    /// in seconds or as an HTTP date) when it gave one.
    struct Answer: Sendable, Equatable {
        var status: Int
        var retryAfterSeconds: Double?
    }

    /// The answer; throws `SendFailure` when no answer came (DNS, TLS, timeout).
    func send(to endpoint: String, headers: [(String, String)], body: Data) throws(SendFailure) -> Answer {
        guard let handle = curl_easy_init() else { throw SendFailure("libcurl could not start") }
        defer { curl_easy_cleanup(handle) }
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { list = curl_slist_append(list, "\(name): \(value)") }
        // libcurl would add "Expect: 100-continue" for larger bodies; push services answer at once.
        list = curl_slist_append(list, "Expect:")
        defer { curl_slist_free_all(list) }
        // The answer's body says nothing the outcome needs: it goes nowhere.
        guard let sink = fopen("/dev/null", "w") else { throw SendFailure("cannot open /dev/null") }
        defer { fclose(sink) }
        let code: CURLcode = body.withUnsafeBytes { bytes in
            guvnl_curl_set_string(handle, CURLOPT_URL, endpoint)
            guvnl_curl_set_long(handle, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTPS))
            guvnl_curl_set_long(handle, CURLOPT_POST, 1)
            guvnl_curl_set_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            guvnl_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
            guvnl_curl_set_list(handle, CURLOPT_HTTPHEADER, list)
            guvnl_curl_set_pointer(handle, CURLOPT_WRITEDATA, UnsafeMutableRawPointer(sink))
            if let caFile { guvnl_curl_set_string(handle, CURLOPT_CAINFO, caFile) }
            guvnl_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds)
            guvnl_curl_set_long(handle, CURLOPT_TIMEOUT, timeoutSeconds)
            guvnl_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            // No address in the reason: the endpoint names the citizen's browser.
            throw SendFailure("push: \(String(cString: curl_easy_strerror(code)))")
        }
        var header: UnsafeMutablePointer<curl_header>?
        let retryAfter = curl_easy_header(handle, "Retry-After", 0, UInt32(CURLH_HEADER), -1, &header) == CURLHE_OK
            ? header.flatMap { Self.retryAfterSeconds(String(cString: $0.pointee.value), now: Date()) } : nil
        return Answer(status: guvnl_curl_response_code(handle), retryAfterSeconds: retryAfter)
    }

    /// `Retry-After` as seconds from now: delta-seconds (`120`) or an HTTP date (RFC 9110, 10.2.3);
    /// nil when it is neither.
    static func retryAfterSeconds(_ value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text) { return seconds >= 0 ? Double(seconds) : nil }
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return format.date(from: text).map { max(0, $0.timeIntervalSince(now)) }
    }
}
