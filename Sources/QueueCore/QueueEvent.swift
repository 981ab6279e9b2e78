import Foundation

/// One change to a queue, as the events table holds it and live updates carry it.
/// It holds no personal data: a token appears by number and service only.
public struct QueueEvent: Sendable, Equatable, Codable {
    /// The events row id: the SSE event id.
    public var id: Int64
    public var officeCode: String
    /// `booked`, `checked_in`, `called`, `recalled`, `started`, `completed`, `no_show`, `rejoined`,
    /// `cancelled`, `transferred`, `counter_opened`, `counter_paused`, `counter_closed`.
    public var kind: String
    public var tokenID: Int64?
    public var tokenNumber: String?
    public var serviceCode: String?
    public var counterID: Int64?
    public var counterNumber: Int?
    public var fromState: String?
    public var toState: String?
    public var at: Date
}
