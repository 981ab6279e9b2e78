/// An HTTP request as the web server handed it over FastCGI, decoded into plain values.
public struct Request: Sendable {
    public var method: String
    /// The raw path of the request target, still percent-encoded, without the query.
    public var path: String
    /// The raw query string, without the leading `?`.
    public var query: String
    /// Header fields keyed by lower-case name (`content-type`, `last-event-id`, ...).
    public var headers: [String: String]
    public var remoteAddress: String
    public var body: [UInt8]
    /// Correlates the app's log lines with nginx's access log (nginx's `$request_id`).
    public var requestID: String
    /// `http` or `https`, as the client used it.
    public var scheme: String
    /// What nginx itself tells the application (`fastcgi_param GUVNL_*`), keyed by name without the
    /// prefix (`KIOSK_LIMIT_KEY`). Clients cannot set these: nginx sends their headers as `HTTP_*`.
    public var gatewayVariables: [String: String] = [:]

    public init(
        method: String, path: String, query: String = "", headers: [String: String] = [:],
        remoteAddress: String = "127.0.0.1", body: [UInt8] = [], requestID: String = RequestID.make(),
        scheme: String = "http"
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.remoteAddress = remoteAddress
        self.body = body
        self.requestID = requestID
        self.scheme = scheme
    }

    /// The value of a header field, by case-insensitive name.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}
