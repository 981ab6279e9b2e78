import Foundation
import GRDB

/// A counter's open, busy and idle time over a range, replayed from the audit log: open between
/// `counter_opened` and the next pause or close; busy from a call at the counter until that token is
/// done, marked as not come, transferred away, or expired at day-end.
enum CounterTimeline {
    static func times(_ db: Database, office: String, start: Date, end: Date) throws -> [OfficeReport.CounterTime] {
        let counters = try Row.fetchAll(db, sql: "SELECT id, number FROM counter WHERE office_code = ? ORDER BY number",
                                        arguments: [office])
        return try counters.map { counter in
            let id: Int64 = counter["id"]
            // The state at the start of the range comes from the last change before it.
            let before = try String.fetchOne(db, sql: """
                SELECT kind FROM event WHERE counter_id = ? AND at < ? AND kind IN ('counter_opened', 'counter_paused', 'counter_closed')
                ORDER BY at DESC, id DESC LIMIT 1
                """, arguments: [id, start.milliseconds])
            let busyBefore = try Row.fetchOne(db, sql: """
                SELECT kind FROM event WHERE counter_id = ? AND at < ? AND kind IN ('called', 'completed', 'no_show', 'transferred', 'expired')
                ORDER BY at DESC, id DESC LIMIT 1
                """, arguments: [id, start.milliseconds]).map { ($0["kind"] as String) == "called" } ?? false
            let changes = try Row.fetchAll(db, sql: """
                SELECT kind, at FROM event WHERE counter_id = ? AND at >= ? AND at < ?
                  AND kind IN ('counter_opened', 'counter_paused', 'counter_closed', 'called', 'completed', 'no_show', 'transferred', 'expired')
                ORDER BY at, id
                """, arguments: [id, start.milliseconds, end.milliseconds])
            var isOpen = before == "counter_opened", isBusy = busyBefore
            var open = 0.0, busy = 0.0, last = start
            func advance(to moment: Date) {
                let span = max(0, moment.timeIntervalSince(last))
                if isOpen { open += span; if isBusy { busy += span } }
                last = moment
            }
            for change in changes {
                advance(to: Date(milliseconds: change["at"]))
                switch change["kind"] as String {
                case "counter_opened": isOpen = true
                case "counter_paused", "counter_closed": isOpen = false
                case "called": isBusy = true
                default: isBusy = false
                }
            }
            if end > last { advance(to: end) }
            return OfficeReport.CounterTime(counter: counter["number"], openMinutes: open / 60, busyMinutes: busy / 60,
                                            idleMinutes: (open - busy) / 60)
        }
    }
}
