import FastCGI
import Foundation
import QueueCore

/// Server-sent events: an office's changes (for boards, kiosks, consoles) and one token's status
/// (for its holder). Every message id is an events row id, so `Last-Event-ID` resumes exactly.
enum EventStreamRoutes {
    /// An idle stream gets a comment this often, which keeps proxies from closing it and reveals
    /// a departed client.
    static let heartbeatSeconds = 15.0
    static let retryMilliseconds = 3000

    /// An office event as the public sees it: token and counter by number, no ids, no names.
    struct PublicEvent: Encodable {
        let kind: String
        let token: String?
        let service: String?
        let counter: Int?
        let from: String?
        let to: String?
        let at: Date

        init(_ event: QueueEvent) {
            kind = event.kind
            token = event.tokenNumber
            service = event.serviceCode
            counter = event.counterNumber
            from = event.fromState
            to = event.toState
            at = event.at
        }
    }

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

    private static func officeStream(_ office: String, resumeAfter: Int64?, context: RequestContext, hub: LiveUpdateHub) -> Response {
        let queue = context.services.queue
        let now = context.services.now
        return Response(status: 200, headers: ServerSentEvent.headers, body: .stream { stream in
            var retry: Int? = retryMilliseconds
            func send(_ id: Int64, _ kind: String, _ payload: [UInt8]) throws {
                let event = ServerSentEvent(id: String(id), event: kind, data: String(decoding: payload, as: UTF8.self),
                                            retryMilliseconds: retry)
                retry = nil
                try stream.write(event.text)
            }
            do {
                var sent: Int64
                var seen = hub.latestEventID
                if let resumeAfter {
                    sent = resumeAfter
                } else {
                    let snapshot = try queue.snapshot(office: office, at: now())
                    try send(snapshot.lastEventID, "snapshot", JSON.encode(snapshot))
                    sent = snapshot.lastEventID
                }
                var idleSince = Date()
                var catchUp = resumeAfter != nil
                while !stream.isServerStopping {
                    if !catchUp {
                        let newest = hub.wait(after: seen, timeout: 1)
                        if newest <= seen {
                            if Date().timeIntervalSince(idleSince) >= heartbeatSeconds {
                                try stream.write(ServerSentEvent.heartbeat)
                                idleSince = Date()
                            }
                            continue
                        }
                        seen = newest
                    }
                    catchUp = false
                    let events = try queue.events(office: office, after: sent)
                    guard let last = events.last else { continue }
                    for event in events { try send(event.id, event.kind, JSON.encode(PublicEvent(event))) }
                    try send(last.id, "snapshot", JSON.encode(try queue.snapshot(office: office, at: now())))
                    sent = last.id
                    idleSince = Date()
                }
            } catch {
                return  // the client left, or the database failed: the client reconnects and resumes
            }
        })
    }

    private static func tokenStream(_ token: Token, context: RequestContext, hub: LiveUpdateHub) -> Response {
        let queue = context.services.queue
        let now = context.services.now
        return Response(status: 200, headers: ServerSentEvent.headers, body: .stream { stream in
            var retry: Int? = retryMilliseconds
            var lastPayload: [UInt8] = []
            var seen = hub.latestEventID
            var idleSince = Date()
            do {
                while !stream.isServerStopping {
                    guard let status = try queue.status(of: token.id, at: now()) else { return }
                    let payload = JSON.encode(TokenView(status.token, position: status.position,
                                                        counterNumber: status.counterNumber,
                                                        documents: status.requiredDocuments))
                    if payload != lastPayload {
                        // The newest event id when the status was read: a reconnecting client gets the
                        // current status at once anyway, so nothing is lost.
                        let event = ServerSentEvent(id: String(seen), event: "status",
                                                    data: String(decoding: payload, as: UTF8.self), retryMilliseconds: retry)
                        retry = nil
                        try stream.write(event.text)
                        lastPayload = payload
                        idleSince = Date()
                        // A served or cancelled token changes no more.
                        if status.token.state == .served || status.token.state == .cancelled { return }
                    }
                    var newest = seen
                    while newest <= seen, !stream.isServerStopping {
                        newest = hub.wait(after: seen, timeout: 1)
                        if newest <= seen, Date().timeIntervalSince(idleSince) >= heartbeatSeconds {
                            try stream.write(ServerSentEvent.heartbeat)
                            idleSince = Date()
                        }
                    }
                    seen = newest
                }
            } catch {
                return
            }
        })
    }
}
