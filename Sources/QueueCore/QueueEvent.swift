import Foundation

/// One change to a queue, as the events table holds it and live updates carry it.
/// It holds no personal data: a token appears by number and service only.
public struct QueueEvent: Sendable, Equatable, Codable {
    /// The events row id: the SSE event id.
    public var id: Int64
    public var officeCode: String
    /// An `EventKind`'s raw value, as the table stores it.
    public var kind: String
    public var tokenID: Int64?
    public var tokenNumber: String?
    public var serviceCode: String?
    public var counterID: Int64?
    public var counterNumber: Int?
    public var fromState: String?
    public var toState: String?
    public var at: Date
    /// Made by a signed-in clerk (kept in process for the counters' presence; never published).
    public var actorIsStaff = false
    /// The reason the actor gave (a parked citizen's errand, for the clerk's desk): staff-only, never published.
    public var reason: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, officeCode, kind, tokenID, tokenNumber, serviceCode, counterID, counterNumber, fromState, toState, at
    }

    /// The kind, typed; nil for a kind this build does not know (written by a newer one).
    public var eventKind: EventKind? { EventKind(rawValue: kind) }
}
