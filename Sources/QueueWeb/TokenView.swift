import Foundation
import QueueCore

/// A token as its holder sees it: state, place, wait, counter, and what to bring. Never the
/// holder's name or phone, so that a token page left open on a shared screen reveals nothing.
struct TokenView: Encodable, Equatable, Sendable {
    struct Position: Encodable, Equatable, Sendable {
        let ahead: Int
        let openCounters: Int
        let estimatedWaitSeconds: Double?
        /// The forecast's 80 % range of the wait, when it gives one.
        let waitLowSeconds: Double?
        let waitHighSeconds: Double?
        /// The counter likely to call the token, and whether the office will likely reach it today.
        let likelyCounter: Int?
        let reachedToday: Bool?
        /// The wait and the place as the holder's language says them.
        let waitText: String?
        let aheadText: String
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
    /// When it joined the live queue: booking for a walk-in, check-in for an appointment (the time a
    /// check-in ticket prints).
    let queuedAt: Date?
    let requiredDocuments: [LocalizedName]

    /// - Parameter wordsIn: the language of the wait and place in words, when not the token's (a page
    ///   the citizen switched to another language).
    init(_ token: Token, position: QueuePosition?, counterNumber: Int?, documents: [LocalizedName], words: WaitText,
         wordsIn: String? = nil) {
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
        let language = wordsIn ?? token.citizen.language
        self.position = position.map {
            Position(ahead: $0.ahead, openCounters: $0.openCounters, estimatedWaitSeconds: $0.estimatedWaitSeconds,
                     waitLowSeconds: $0.estimatedWaitRange?.lowerBound, waitHighSeconds: $0.estimatedWaitRange?.upperBound,
                     likelyCounter: $0.likelyCounter, reachedToday: $0.reachedToday,
                     waitText: words.wait($0, in: language), aheadText: words.ahead($0.ahead, in: language))
        }
        counter = counterNumber
        calledAt = token.calledAt
        createdAt = token.createdAt
        queuedAt = token.queuedAt
        requiredDocuments = documents
    }
}
