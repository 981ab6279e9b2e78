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
    var timeoutSeconds = 30

    /// The answer's status code; throws `SendFailure` when no answer came (DNS, TLS, timeout).
    func send(to endpoint: String, headers: [(String, String)], body: Data) throws(SendFailure) -> Int {
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
            guvnl_curl_set_long(handle, CURLOPT_TIMEOUT, timeoutSeconds)
            guvnl_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            // No address in the reason: the endpoint names the citizen's browser.
            throw SendFailure("push: \(String(cString: curl_easy_strerror(code)))")
        }
        return guvnl_curl_response_code(handle)
    }
}
