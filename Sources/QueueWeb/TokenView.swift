import Foundation
import QueueCore

/// A token as its holder sees it: state, place, wait, counter, and what to bring. Never the
/// holder's name or phone, so that a token page left open on a shared screen reveals nothing.
struct TokenView: Encodable, Equatable, Sendable {
    struct Position: Encodable, Equatable, Sendable {
        let ahead: Int
        let openCounters: Int
        let estimatedWaitSeconds: Double?
    }

    let id: Int64
    let number: String
    let office: String
    let service: String
    let serviceDay: String
    let kind: String
    let state: String
    let priority: String
    let language: String
    let slotStarts: String?
    let position: Position?
    let counter: Int?
    let calledAt: Date?
    let createdAt: Date
    let requiredDocuments: [LocalizedName]

    init(_ token: Token, position: QueuePosition?, counterNumber: Int?, documents: [LocalizedName]) {
        id = token.id
        number = token.number
        office = token.officeCode
        service = token.serviceCode
        serviceDay = token.serviceDay
        kind = token.kind.rawValue
        state = token.state.rawValue
        priority = token.citizen.priority.rawValue
        language = token.citizen.language
        slotStarts = token.slotStartsAt.map { Digits.padded($0 / 60, width: 2) + ":" + Digits.padded($0 % 60, width: 2) }
        self.position = position.map {
            Position(ahead: $0.ahead, openCounters: $0.openCounters, estimatedWaitSeconds: $0.estimatedWaitSeconds)
        }
        counter = counterNumber
        calledAt = token.calledAt
        createdAt = token.createdAt
        requiredDocuments = documents
    }
}
