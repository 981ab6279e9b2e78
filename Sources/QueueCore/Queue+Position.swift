import Foundation
import GRDB

extension Queue {
    /// The position and estimated wait of a waiting token of today; nil for a token not in the queue.
    /// Worked out from the office's live picture (see `OfficeAnswers`).
    public func position(of tokenID: Int64, at now: Date) throws -> QueuePosition? {
        guard let token = try token(tokenID), token.state == .waiting else { return nil }
        return try live.answers(office: token.officeCode, at: now).1.position(of: tokenID, queuedAt: token.queuedAt)
    }
}
