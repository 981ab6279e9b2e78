import Foundation
import QueueCore
import Testing
@testable import QueueWeb

/// Pages word the API's refusals by code (and reason), in the citizen's or clerk's language: every
/// refusal the queue and sign-in can give has its sentence in English, Gujarati and Hindi.
@Suite("Refusals worded in every language")
struct ErrorWordingTests {
    static let refusals: [QueueError] = [
        .officeNotFound("X"), .serviceNotOffered(office: "X", service: "y"), .counterNotFound(9), .tokenNotFound,
        .slotNotFound, .appointmentsNotOffered(service: "y"), .officeClosed(opensAt: nil), .holiday(day: "2026-12-25", reason: ""),
        .dailyCapReached(service: "y"), .phoneLimitReached(limit: 3), .slotFull, .slotInPast, .bookingTooFarAhead(days: 30),
        .checkInWrongDay(serviceDay: "2026-12-25"), .illegalTransition(action: .call, from: .served), .counterNotOpen(number: 1),
        .counterBusy(number: 1, token: "NC-001"), .counterDoesNotServe(number: 1, service: "y"), .counterInAnotherOffice,
        .recallLimitReached(limit: 3), .recallsRemaining(remaining: 2), .alreadyRejoined, .transferToSameQueue,
        .kioskNotEnrolled, .bookingKeyReused, .feedbackClosed,
    ]
    static let signInRefusals: [StaffError] = [.invalidCredentials, .tooManyAttempts(retryAfter: 60), .sessionExpired, .refreshReused,
                                               .usernameTaken, .hashingFailed, .signInBusy, .passwordBusy,
                                               .deviceNotRecognised]

    /// The key a page looks up first, as Templates/error-text.mustache does.
    static func key(_ error: APIError) -> String {
        "error_" + (error.reason ?? (error.code == "invalid_field" ? error.field ?? error.code : error.code))
    }

    @Test(arguments: refusals.map { APIError($0) } + signInRefusals.map { APIError($0) })
    func eachRefusalHasItsOwnSentenceInEachLanguage(error: APIError) throws {
        // Given the repository's interface strings
        let strings = RepositoryStrings.tables
        // When a page words this refusal
        let key = Self.key(error)
        // Then each language has a sentence of its own for it, not the English one
        let english = try #require(strings["en"]?[key], "no English sentence \(key) for \(error.code)")
        for language in ["gu", "hi"] {
            let translated = try #require(strings[language]?[key], "no \(language) sentence \(key)")
            #expect(translated != english)
        }
    }

    @Test func refusalsThatShareACodeSayWhichOneItIs() {
        // Given two counter refusals and two token refusals that share their codes
        let busy = APIError(QueueError.counterBusy(number: 1, token: "NC-001"))
        let closed = APIError(QueueError.counterNotOpen(number: 1))
        let recalls = APIError(QueueError.recallsRemaining(remaining: 2))
        let rejoined = APIError(QueueError.alreadyRejoined)
        // Then the code stays as it was and the reason tells them apart
        #expect(busy.code == "counter_conflict" && closed.code == "counter_conflict" && busy.reason != closed.reason)
        #expect(recalls.code == "illegal_transition" && rejoined.code == "illegal_transition" && recalls.reason != rejoined.reason)
    }
}
