import FastCGI
import Foundation
import QueueCore

/// Server-sent events: an office's public changes (for boards, kiosks, consoles) and one token's
/// status (for its holder). Every message id is an events row id, so `Last-Event-ID` resumes exactly.
/// A stream waits on its own office only; what it writes comes from the hub's memory and the
/// office's live picture, encoded once for every stream.
enum EventStreamRoutes {
    /// An idle stream gets a comment this often, which keeps proxies from closing it and reveals
    /// a departed client.
    static let heartbeatSeconds = 15.0
    static let retryMilliseconds = 3000

    static func register(in router: inout Router, hub: LiveUpdateHub) {
        router.add("GET", "/api/v1/offices/{office}/events") { context in
            let office = context.parameter("office")
            _ = try context.services.queue.office(office, at: context.now)  // 404 before the stream starts
            return officeStream(office, resumeAfter: LastEventID.of(context), context: context, hub: hub)
        }
        router.add("GET", "/api/v1/tokens/{id}/events") { context in
            let token = try TokenAccess.viewed(context, secret: context.query["secret"])
            return tokenStream(token, context: context, hub: hub)
        }
    }

    private static let retry = Array("retry: \(retryMilliseconds)\n".utf8)


    private static func officeStream(_ office: String, resumeAfter: Int64?, context: RequestContext, hub: LiveUpdateHub) -> Response {
        let now = context.services.now
        return Response(status: 200, headers: ServerSentEvent.headers, body: .stream { stream in
            do {
                var sent: Int64
                if let resumeAfter {
                    // Whatever was missed comes first, then a snapshot.
                    sent = resumeAfter
                    try catchUp(office, from: &sent, always: true, prefix: retry, hub: hub, stream: stream, now: now)
                } else {
                    sent = try hub.latestEventID(office: office)
                    try stream.write(retry + hub.snapshotMessage(office: office, id: sent, at: now()))
                }
                var idleSince = Date()
                while !stream.isServerStopping {
                    if try hub.wait(office: office, after: sent, timeout: 1) > sent {
                        try catchUp(office, from: &sent, always: false, hub: hub, stream: stream, now: now)
                        idleSince = Date()
                    } else if Date().timeIntervalSince(idleSince) >= heartbeatSeconds {
                        try stream.write(ServerSentEvent.heartbeat)
                        idleSince = Date()
                    }
                }
            } catch {
                return  // the client left, or the database failed: the client reconnects and resumes
            }
        })
    }

    /// Writes the office's public events after `sent`, then a snapshot, and moves `sent` on. Events
    /// only the audit log shows (a note, a password) bring a new snapshot without a message.
    private static func catchUp(_ office: String, from sent: inout Int64, always: Bool, prefix: [UInt8] = [],
                                hub: LiveUpdateHub, stream: ResponseStream, now: @Sendable () -> Date) throws {
        let (messages, upTo) = try hub.messages(office: office, after: sent)
        guard always || upTo > sent else { return }
        var bytes = prefix
        for message in messages { bytes += message.text }
        sent = upTo
        try stream.write(bytes + hub.snapshotMessage(office: office, id: sent, at: now()))
    }

    private static func tokenStream(_ first: Token, context: RequestContext, hub: LiveUpdateHub) -> Response {
        let queue = context.services.queue
        let now = context.services.now
        return Response(status: 200, headers: ServerSentEvent.headers, body: .stream { stream in
            var token = first
            var prefix = retry
            var lastView: TokenView?
            var idleSince = Date()
            do {
                var seen = try hub.latestEventID(office: token.officeCode)
                while !stream.isServerStopping {
                    // Its place and wait come from the office's live picture; its own row is read
                    // again only when one of the office's events concerns it.
                    let status = try queue.status(of: token, at: now())
                    let view = TokenView(status.token, position: status.position,
                                         counterNumber: status.counterNumber, documents: status.requiredDocuments)
                    if view != lastView {
                        let payload = JSON.encode(view)
                        // The newest event id when the status was read: a reconnecting client gets the
                        // current status at once anyway, so nothing is lost.
                        let event = ServerSentEvent(id: String(seen), event: "status", data: String(decoding: payload, as: UTF8.self))
                        try stream.write(prefix + Array(event.text.utf8))
                        prefix = []
                        lastView = view
                        idleSince = Date()
                        // A served or cancelled token changes no more.
                        if token.state == .served || token.state == .cancelled { return }
                    }
                    var newest = seen
                    while newest <= seen, !stream.isServerStopping {
                        newest = try hub.wait(office: token.officeCode, after: seen, timeout: 1)
                        if newest <= seen, Date().timeIntervalSince(idleSince) >= heartbeatSeconds {
                            try stream.write(ServerSentEvent.heartbeat)
                            idleSince = Date()
                        }
                    }
                    let (messages, upTo) = try hub.messages(office: token.officeCode, after: seen)
                    if messages.contains(where: { $0.tokenID == token.id }), let changed = try queue.tokenForReading(token.id) {
                        token = changed
                    }
                    seen = max(upTo, newest)
                }
            } catch {
                return
            }
        })
    }
}
