/// One message of a `text/event-stream`, formatted as the HTML standard defines it.
struct ServerSentEvent: Sendable {
    var id: String?
    var event: String?
    var data: String
    /// How long a client waits before reconnecting, in milliseconds.
    var retryMilliseconds: Int?

    var text: String {
        var lines: [String] = []
        if let retryMilliseconds { lines.append("retry: \(retryMilliseconds)") }
        if let id { lines.append("id: \(singleLine(id))") }
        if let event { lines.append("event: \(singleLine(event))") }
        // A data line may not hold a line break: each line of the payload gets its own field.
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append("data: \(line.replacingCarriageReturns())")
        }
        return lines.joined(separator: "\n") + "\n\n"
    }

    /// Every 15 s on every stream: keeps an idle connection open and reveals a departed client. An
    /// event, not a comment, so that a page can tell a quiet stream from one a network dropped
    /// without a word (a browser never passes comments on).
    static let heartbeat = "event: ping\ndata: {}\n\n"

    static let headers: [(name: String, value: String)] = [
        ("Content-Type", "text/event-stream; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("X-Accel-Buffering", "no"),
    ]

    private func singleLine(_ text: String) -> String {
        String(text.filter { $0 != "\n" && $0 != "\r" })
    }
}

extension Substring {
    fileprivate func replacingCarriageReturns() -> String { String(filter { $0 != "\r" }) }
}
