import ArgumentParser
import Foundation
import QueueCore

/// Counter actions from the command line, for operators (and the tests): they go through the same
/// `Queue` as the API, so every open event stream sees them.
struct CounterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counter",
        abstract: "Open, pause or close a counter, or act on its token (call-next, recall, start, complete, complete-and-call-next, no-show).")

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case open, pause, close
        case callNext = "call-next"
        case recall, start, complete
        case completeAndCallNext = "complete-and-call-next"
        case noShow = "no-show"
    }

    @Argument(help: "One of: \(Action.allCases.map(\.rawValue).joined(separator: ", ")).")
    var action: Action

    @Option(help: "The office code, such as VAD-247.")
    var office: String

    @Option(help: "The counter number at that office.")
    var number: Int

    @Option(help: "Why the counter pauses (with pause).")
    var reason: String?

    @OptionGroup var database: DatabaseOption

    func run() throws {
        let queue = Queue(database: try database.open())
        let now = Date()
        guard let counter = try queue.counterID(office: office, number: number) else {
            throw StartupError("There is no counter \(number) at \(office).")
        }
        let actor = Actor.system
        do {
            switch action {
            case .open, .pause, .close:
                let state: Counter.State = action == .open ? .open : action == .pause ? .paused : .closed
                let result = try queue.setCounter(counter, to: state, reason: reason, actor: actor, at: now)
                print("counter \(result.number): \(result.state.rawValue)")
            case .callNext:
                guard let token = try queue.callNext(counter: counter, actor: actor, at: now) else {
                    print("nobody is waiting for counter \(number)")
                    return
                }
                print("\(token.number) called to counter \(number)")
            case .recall, .start, .complete, .completeAndCallNext, .noShow:
                guard let token = try queue.tokenAt(counter: counter) else {
                    throw StartupError("Counter \(number) is not attending to anyone.")
                }
                let result: Token
                var then: String?  // "done, next" also says whom it called
                switch action {
                case .recall: result = try queue.recall(token: token.id, counter: counter, actor: actor, at: now)
                case .start: result = try queue.start(token: token.id, counter: counter, actor: actor, at: now)
                case .complete: result = try queue.complete(token: token.id, counter: counter, actor: actor, at: now)
                case .completeAndCallNext:
                    let turn = try queue.completeAndCallNext(token: token.id, counter: counter, actor: actor, at: now)
                    result = turn.completed
                    then = turn.called.map { "\($0.number) called to counter \(number)" } ?? "nobody is waiting for counter \(number)"
                default: result = try queue.markNoShow(token: token.id, counter: counter, actor: actor, at: now)
                }
                print("\(result.number): \(result.state.rawValue)")
                if let then { print(then) }
            }
        } catch let error as QueueError {
            throw StartupError(error.description)
        }
    }
}
