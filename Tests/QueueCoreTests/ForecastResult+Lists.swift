@testable import QueueCore

/// A play's result as plain lists, for the tests to compare and to state expectations in.
extension ForecastResult {
    var callAt: [Double?] { byToken.map(\.at) }
    var counter: [Int32] { byToken.map(\.counter) }
    var ahead: [Int32] { byToken.map(\.ahead) }
    var afterClosing: [Bool] { byToken.map(\.afterClosing) }
    /// Every call of a known token, as "seconds@counter", counter by counter in time order.
    var callList: [String] { callTimes.indices.flatMap { counter in callTimes[counter].map { "\($0)@\(counter)" } } }
}
