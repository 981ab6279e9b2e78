import Testing
@testable import QueueCore

@Suite("The token state machine")
struct TransitionTableTests {
    /// The whole table, written out independently of the code: action -> from -> to.
    static let allowed: [TokenAction: [TokenState: TokenState]] = [
        .checkIn: [.booked: .waiting],
        .call: [.waiting: .called],
        .recall: [.called: .called],
        .start: [.called: .serving],
        .complete: [.serving: .served],
        .markNoShow: [.called: .noShow],
        .rejoin: [.noShow: .waiting],
        .cancel: [.booked: .cancelled, .waiting: .cancelled, .called: .cancelled],
        .transfer: [.called: .waiting, .serving: .waiting],
        .expire: [.booked: .expired, .waiting: .expired, .called: .expired, .parked: .expired],
        .park: [.called: .parked, .serving: .parked],
        .resume: [.parked: .waiting],
    ]

    @Test(arguments: TokenAction.allCases)
    func everyActionFromEveryState(action: TokenAction) {
        for state in TokenState.allCases {
            if let expected = Self.allowed[action]?[state] {
                #expect((try? action.apply(to: state)) == expected, "\(action) from \(state)")
            } else {
                #expect(throws: QueueError.illegalTransition(action: action, from: state), "\(action) from \(state)") {
                    try action.apply(to: state)
                }
            }
        }
    }

    @Test func servedCancelledAndExpiredAreFinal() {
        for action in TokenAction.allCases {
            #expect(throws: QueueError.self) { try action.apply(to: .served) }
            #expect(throws: QueueError.self) { try action.apply(to: .cancelled) }
            #expect(throws: QueueError.self) { try action.apply(to: .expired) }
        }
    }
}
