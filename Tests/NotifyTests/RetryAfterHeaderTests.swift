import Foundation
import Testing
@testable import Notify

@Suite("Reading a push service's Retry-After")
struct RetryAfterHeaderTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test func secondsAndHTTPDatesAreRead() {
        #expect(PushPost.retryAfterSeconds("120", now: now) == 120)
        #expect(PushPost.retryAfterSeconds(" 0 ", now: now) == 0)
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "GMT")
        format.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(PushPost.retryAfterSeconds(format.string(from: now.addingTimeInterval(90)), now: now) == 90)
    }

    @Test func nonsenseIsIgnored() {
        #expect(PushPost.retryAfterSeconds("soon", now: now) == nil)
        #expect(PushPost.retryAfterSeconds("-5", now: now) == nil)
    }
}
