/// The id a reconnecting event-stream client says it saw last (`Last-Event-ID`, or the
/// `last_event_id` query for clients that cannot set headers).
enum LastEventID {
    /// Far above any real id, and far enough below `Int64.max` that counting on from it cannot
    /// overflow: a client's number must never be able to trap the process.
    static let largest: Int64 = 1 << 53

    /// The id the client gave, if it is a decimal number from 0 to `largest`; nil (start afresh)
    /// for anything else.
    static func parse(_ text: String?) -> Int64? {
        guard let text, !text.isEmpty, text.count <= 16, text.utf8.allSatisfy({ (48...57).contains($0) }),
              let value = Int64(text), value <= largest else { return nil }
        return value
    }

    static func of(_ context: RequestContext) -> Int64? {
        parse(context.request.header("last-event-id") ?? context.query["last_event_id"])
    }
}
