import Foundation
import QueueCore
import Testing
@testable import QueueWeb

/// How waits and places are said, in each language, from the repository's own strings.
@Suite("Waits in words")
struct WaitTextTests {
    let text = WaitText(text: RepositoryStrings.text)

    /// What a reader sees (the no-break spaces inside durations read as spaces).
    struct Reader {
        let text: WaitText
        func wait(_ position: QueuePosition, in language: String) -> String? {
            text.wait(position, in: language)?.replacingOccurrences(of: "\u{00A0}", with: " ")
        }
        func ahead(_ count: Int, in language: String) -> String { text.ahead(count, in: language) }
    }
    var words: Reader { Reader(text: text) }

    func position(_ minutes: Double?, range: ClosedRange<Double>? = nil, today: Bool? = true) -> QueuePosition {
        var position = QueuePosition(ahead: 3, openCounters: 1, serviceSeconds: 480, estimatedWaitSeconds: minutes.map { $0 * 60 },
                                     reachedToday: today)
        position.estimatedWaitRange = range.map { ($0.lowerBound * 60)...($0.upperBound * 60) }
        return position
    }

    @Test(arguments: [
        (0.4, "en", "less than a minute"), (7.4, "en", "about 7 min"), (23, "en", "about 25 min"), (60, "en", "about 1 h"),
        (81, "en", "about 1 h 20 min"), (131, "en", "about 2 h 10 min"),
        (81, "gu", "લગભગ 1 કલાક 20 મિનિટ"), (81, "hi", "लगभग 1 घंटा 20 मिनट"), (150, "hi", "लगभग 2 घंटे 30 मिनट"),
        (12, "gu", "લગભગ 12 મિનિટ"),
    ])
    func aWaitIsSaidInHoursAndMinutes(minutes: Double, language: String, said: String) {
        #expect(words.wait(position(minutes), in: language) == said)
    }

    @Test func anUncertainWaitIsARange() {
        // An 80 % range of 38 to 66 minutes: 35-70 min; a narrow one is not shown
        #expect(words.wait(position(50, range: 38...66), in: "en") == "35–70 min")
        #expect(words.wait(position(50, range: 38...66), in: "gu") == "35–70 મિનિટ")
        #expect(words.wait(position(50, range: 46...53), in: "en") == "about 50 min")
        #expect(words.wait(position(90, range: 70...125), in: "en") == "1 h 10 min – 2 h 5 min")
        #expect(words.wait(position(20, range: 12...31), in: "en") == "10–35 min")
        // and a duration never breaks across lines, only around the range's dash
        #expect(text.wait(position(90, range: 70...125), in: "gu") == "1\u{00A0}કલાક\u{00A0}10\u{00A0}મિનિટ – 2\u{00A0}કલાક\u{00A0}5\u{00A0}મિનિટ")
    }

    @Test func noEstimateSaysNothingAndAnUnreachableOneSaysSo() {
        #expect(words.wait(position(nil), in: "en") == nil)
        #expect(words.wait(position(400, today: false), in: "en") == "unlikely to be reached today")
        #expect(words.wait(position(400, today: false), in: "hi") == "आज बारी आने की संभावना कम")
    }

    @Test func peopleBeforeYouAgreeWithTheirNumber() {
        #expect(words.ahead(0, in: "en") == "Nobody before you")
        #expect(words.ahead(1, in: "en") == "1 person before you")
        #expect(words.ahead(4, in: "en") == "4 people before you")
        #expect(words.ahead(1, in: "gu") == "તમારી પહેલાં 1 વ્યક્તિ")
        #expect(words.ahead(4, in: "hi") == "आपसे पहले 4 लोग")
    }
}
