import Foundation
import GRDB

/// How calls go at an office today, beyond each service's time: how long a called citizen takes to
/// reach the counter, how often nobody comes, and how long the counter waits for them when so. One
/// call to the next then takes, on average, `(1 - noShowShare) x (walk + service) + noShowShare x noShowSeconds`.
struct OfficePace: Sendable, Equatable {
    var walkSeconds: Double
    var noShowShare: Double
    var noShowSeconds: Double

    /// The calls it is worked out from.
    static let window = 50
    /// Before there are calls today: a minute's walk, one citizen in twenty absent, and a counter
    /// that waits through every recall a minute apart.
    static func prior(policy: QueuePolicy) -> OfficePace {
        OfficePace(walkSeconds: 60, noShowShare: 0.05, noShowSeconds: Double(policy.recallLimit + 1) * 60)
    }

    /// Today's last calls. Bounded by service day too (from the day before, for a round-the-clock
    /// office's tokens of last night): by finish time alone it read every call the office ever had.
    static let recentCallsSQL = """
        SELECT state, called_at, started_at, finished_at FROM token
        WHERE office_code = ? AND state IN ('served', 'no_show') AND service_day >= ? AND finished_at >= ? AND called_at IS NOT NULL
        ORDER BY finished_at DESC LIMIT ?
        """

    static func load(_ db: Database, office: String, since: Date, timeZone: TimeZone, policy: QueuePolicy) throws -> OfficePace {
        let dayBefore = ServiceDay(since.addingTimeInterval(-86_400), timeZone: timeZone).day
        let rows = try Row.fetchAll(db.cachedStatement(sql: recentCallsSQL), arguments: [office, dayBefore, since.milliseconds, window])
        return pace(rows.map { row in
            (noShow: (row[0] as String) == TokenState.noShow.rawValue, called: row[1] as Int64, started: row[2] as Int64?, finished: row[3] as Int64)
        }, policy: policy)
    }

    /// The pace of a list of finished calls, each weighed against the prior as five calls would be.
    static func pace(_ calls: [(noShow: Bool, called: Int64, started: Int64?, finished: Int64)], policy: QueuePolicy) -> OfficePace {
        let prior = prior(policy: policy), weight = 5.0
        let walks = calls.compactMap { call in call.started.map { Double($0 - call.called) / 1000 } }.filter { $0 >= 0 }
        let absent = calls.filter(\.noShow).map { Double($0.finished - $0.called) / 1000 }
        func blend(_ values: [Double], _ prior: Double) -> Double { (values.reduce(0, +) + prior * weight) / (Double(values.count) + weight) }
        return OfficePace(walkSeconds: blend(walks, prior.walkSeconds),
                          noShowShare: (Double(absent.count) + prior.noShowShare * weight) / (Double(calls.count) + weight),
                          noShowSeconds: blend(absent, prior.noShowSeconds))
    }

    /// Expected seconds from a call to the counter's next call, for a service of `serviceSeconds`.
    func callSeconds(serviceSeconds: Double) -> Double {
        (1 - noShowShare) * (walkSeconds + serviceSeconds) + noShowShare * noShowSeconds
    }
}
