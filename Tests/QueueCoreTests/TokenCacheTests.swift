import Foundation
import Testing
@testable import QueueCore

/// The tokens kept for their readers follow every change: this process's at once, another
/// process's at the next catch-up, and a read begun before a change never hides it.
@Suite("Tokens kept for their readers")
struct TokenCacheTests {
    @Test func aChangeMadeByAnotherProcessReachesTheKeptTokenAtTheNextCatchUp() throws {
        // Given this process follows the database and has read a waiting token
        let fixture = try QueueFixture()
        let here = fixture.queue
        _ = try here.live.catchUp()
        let token = try fixture.walkIn(at: QueueFixture.mondayMorning)
        #expect(try here.tokenForReading(token.id)?.state == .waiting)
        // When another process (another Queue on the same file) cancels it
        let elsewhere = Queue(database: try AppDatabase.open(path: fixture.path))
        _ = try elsewhere.cancel(token: token.id, actor: .citizen, at: QueueFixture.mondayMorning.plus(minutes: 1))
        // Then this process sees it cancelled once it has caught up
        _ = try here.live.catchUp()
        #expect(try here.tokenForReading(token.id)?.state == .cancelled)
    }

    @Test func aChangeInThisProcessIsSeenAtOnce() throws {
        let fixture = try QueueFixture()
        _ = try fixture.queue.live.catchUp()
        let token = try fixture.walkIn(at: QueueFixture.mondayMorning)
        _ = try fixture.queue.tokenForReading(token.id)
        _ = try fixture.queue.cancel(token: token.id, actor: .citizen, at: QueueFixture.mondayMorning.plus(minutes: 1))
        #expect(try fixture.queue.tokenForReading(token.id)?.state == .cancelled)
    }

    @Test func aReadOlderThanWhatIsKeptOrKnownToHaveChangedIsRefused() throws {
        let fixture = try QueueFixture()
        let token = try fixture.walkIn(at: QueueFixture.mondayMorning)
        let cache = TokenCache()
        var cancelled = token
        cancelled.state = .cancelled
        // A change this process committed (event 9) is kept; a read that began before it (event 8) does not replace it
        cache.put(cancelled, eventID: 9)
        cache.put(token, eventID: 8)
        #expect(cache.token(token.id)?.state == .cancelled)
        // A change made elsewhere (event 12) is known only by its id: the token must be read again, and
        // a read from before it is not kept
        cache.changed(token.id, eventID: 12)
        #expect(cache.token(token.id) == nil)
        cache.put(token, eventID: 11)
        #expect(cache.token(token.id) == nil)
        cache.put(cancelled, eventID: 12)
        #expect(cache.token(token.id)?.state == .cancelled)
    }
}
