import FastCGI
import Foundation
import QueueCore

/// Server-sent events: an office's public changes (for boards, kiosks, consoles) and one token's
/// status (for its holder). Every message id is an events row id, so `Last-Event-ID` resumes exactly.
/// The server's stream loop holds each stream; the hub writes to it on its office's changes, from
/// its memory and the office's live picture, encoded once for every stream.
enum EventStreamRoutes {
    static func register(in router: inout Router, hub: LiveUpdateHub, auth: StaffAuth) {
        router.add("GET", "/api/v1/offices/{office}/events") { context in
            let office = context.parameter("office")
            _ = try context.services.queue.office(office, at: context.now)  // 404 before the stream starts
            let resumeAfter = LastEventID.of(context)
            // Pages read only the snapshots; the events one by one are for other clients of the API.
            let only = context.query["only"]
            guard only == nil || only == "snapshot" else {
                throw APIError.invalidField("only", "only may be \"snapshot\" (the snapshots without the events).")
            }
            let snapshotsOnly = only != nil
            var response = Response(status: 200, headers: ServerSentEvent.headers, body: .events { sink in
                // A failure here (the database, the client gone) ends the stream; the client reconnects and resumes.
                do { try hub.follow(office: office, sink: sink, resumeAfter: resumeAfter, snapshotsOnly: snapshotsOnly) } catch { sink.close() }
            })
            response.keepsItsPlace = isStaffOrKiosk(context, of: office, auth: auth)
            return response
        }
        router.add("GET", "/api/v1/tokens/{id}/events") { context in
            let token = try TokenAccess.viewed(context, secret: context.query["secret"])
            // The token page asks for its own language, which the citizen may have switched to.
            let language = try context.query.language()
            return Response(status: 200, headers: ServerSentEvent.headers, body: .events { sink in
                do { try hub.follow(token: token, sink: sink, language: language) } catch { sink.close() }
            })
        }
    }

    /// Whether a stream is a signed-in member of staff's (a console, a dashboard) or a kiosk's
    /// enrolled at this office: a full server never ends those to make room for others. Anything
    /// less (no cookie, an expired or forged one) is an ordinary stream, never an error.
    private static func isStaffOrKiosk(_ context: RequestContext, of office: String, auth: StaffAuth) -> Bool {
        if (try? auth.principal(context)) != nil { return true }
        return (try? KioskRoutes.enrolledDevice(context, key: auth.key))?.office == office
    }
}
