import Foundation
import GRDB

extension Queue {
    /// The position and estimated wait of a waiting token of today; nil for a token not in the queue.
    /// Worked out from the office's live picture (see `OfficeAnswers`).
    public func position(of tokenID: Int64, at now: Date) throws -> QueuePosition? {
        guard let token = try token(tokenID), token.state == .waiting else { return nil }
        return try live.answers(office: token.officeCode, at: now).1.position(of: tokenID, queuedAt: token.queuedAt)
    }

    /// Every waiting token of an office: its place and wait, and the estimate the pooled rule gave
    /// before the forecast (for the office-day simulation's side-by-side score).
    public func forecastAndPooled(office code: String, at now: Date) throws -> [Int64: (QueuePosition, pooled: Double?)] {
        let (office, answers) = try live.answers(office: code, at: now)
        var result: [Int64: (QueuePosition, pooled: Double?)] = [:]
        for entry in office.waiting {
            guard let position = answers.position(of: entry.id, queuedAt: entry.candidate.queuedAt) else { continue }
            result[entry.id] = (position, answers.pooledEstimate(of: entry.id, queuedAt: entry.candidate.queuedAt))
        }
        return result
    }
}
