import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A blocking HTTP request, for the worker's one-message-at-a-time senders (FoundationNetworking's
/// URLSession, which is libcurl underneath).
struct HTTPClient: Sendable {
    var timeoutSeconds: Double

    struct Answer: Sendable {
        var status: Int
        var body: Data
    }

    private final class Outcome: @unchecked Sendable {
        var answer: Answer?
        var error: (any Error)?
        let done = DispatchSemaphore(value: 0)
    }

    func send(_ request: URLRequest) throws -> Answer {
        var request = request
        request.timeoutInterval = timeoutSeconds
        let outcome = Outcome()
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            if let response = response as? HTTPURLResponse {
                outcome.answer = Answer(status: response.statusCode, body: data ?? Data())
            } else {
                outcome.error = error ?? URLError(.badServerResponse)
            }
            outcome.done.signal()
        }
        task.resume()
        outcome.done.wait()
        if let answer = outcome.answer { return answer }
        throw outcome.error ?? URLError(.unknown)
    }
}
