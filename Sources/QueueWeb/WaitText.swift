import QueueCore

/// How a wait and a place in the queue are said to citizens, in each language: hours and minutes
/// ("about 1 h 20 min"), a range when the forecast is uncertain ("40–70 min"), "less than a
/// minute", the office unlikely to reach them today, and "1 person" / "4 people before you".
/// One wording for every screen: the token page renders it, and the API carries it (`wait_text`,
/// `ahead_text`) for the board, the kiosk and the booking form. Digits are 0-9 in every language,
/// as token and counter numbers are (README, "Waits in words").
struct WaitText: Sendable {
    let text: InterfaceText

    /// A range is shown once the forecast's 80 % range is at least this wide.
    static let rangeFromSeconds: Double = 10 * 60

    /// The wait as a citizen reads it; nil without an estimate.
    func wait(_ position: QueuePosition, in language: String) -> String? {
        if position.reachedToday == false { return text("wait_unlikely_today", in: language) }
        guard let seconds = position.estimatedWaitSeconds else { return nil }
        if let range = position.estimatedWaitRange, range.upperBound - range.lowerBound >= Self.rangeFromSeconds {
            // Both ends in fives (a range is not finer than that), the low one at least 5 minutes.
            let low = max(5, Int((range.lowerBound / 300).rounded(.down)) * 5)
            let high = max(Int((range.upperBound / 300).rounded(.up)) * 5, low + 5)
            if high <= 90 {  // "35–70 min" reads better than hours and minutes on both sides
                return Self.unbroken(fill("wait_range_minutes", in: language, ["a": String(low), "b": String(high)]))
            }
            return fill("wait_range", in: language, ["a": duration(low, in: language), "b": duration(high, in: language)])
        }
        let minutes = seconds / 60
        if minutes < 1 { return text("wait_under_minute", in: language) }
        return fill("wait_about", in: language, ["d": duration(Self.rounded(minutes, .toNearestOrAwayFromZero), in: language)])
    }

    /// "Nobody", "1 person" or "{n} people before you".
    func ahead(_ count: Int, in language: String) -> String {
        fill(AheadWording.key(count), in: language, ["n": String(count)])
    }

    /// The wait in each language, for screens that show several.
    func waits(_ position: QueuePosition) -> LocalizedName? {
        guard let en = wait(position, in: "en") else { return nil }
        return LocalizedName(en: en, gu: wait(position, in: "gu") ?? en, hi: wait(position, in: "hi") ?? en)
    }

    /// A duration in each language, for screens that show several.
    func durations(_ minutes: Int) -> LocalizedName {
        LocalizedName(en: duration(minutes, in: "en"), gu: duration(minutes, in: "gu"), hi: duration(minutes, in: "hi"))
    }

    /// Minutes as hours and minutes: "25 min", "1 h", "1 h 20 min", never broken across lines
    /// (no-break spaces inside; a range breaks only around its dash).
    func duration(_ minutes: Int, in language: String) -> String {
        Self.unbroken(words(minutes, in: language))
    }

    /// Spaces made no-break spaces.
    private static func unbroken(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.lazy.map { $0 == " " ? "\u{00A0}" : $0 })
        return String(scalars)
    }

    private func words(_ minutes: Int, in language: String) -> String {
        guard minutes >= 60 else { return fill("wait_minutes", in: language, ["m": String(minutes)]) }
        let hours = minutes / 60, rest = minutes % 60
        let one = hours == 1 ? "_one" : ""
        if rest == 0 { return fill("wait_hours" + one, in: language, ["h": String(hours)]) }
        return fill("wait_hours_minutes" + one, in: language, ["h": String(hours), "m": String(rest)])
    }

    /// Whole minutes up to 20, then fives: a forecast is not finer than that.
    static func rounded(_ minutes: Double, _ rule: FloatingPointRoundingRule) -> Int {
        minutes <= 20 ? max(1, Int(minutes.rounded(rule))) : Int((minutes / 5).rounded(rule)) * 5
    }

    private func fill(_ key: String, in language: String, _ values: [String: String]) -> String {
        Wording.fill(text(key, in: language), values)
    }
}

extension OfficeSnapshot {
    /// The snapshot with each service's wait in words, in every language.
    func worded(_ words: WaitText) -> OfficeSnapshot {
        var snapshot = self
        for index in snapshot.services.indices {
            let service = snapshot.services[index]
            var position = QueuePosition(ahead: 0, openCounters: service.openCounters, serviceSeconds: 0,
                                         estimatedWaitSeconds: service.estimatedWaitSeconds, reachedToday: service.reachedToday)
            if let low = service.waitLowSeconds, let high = service.waitHighSeconds { position.estimatedWaitRange = low...high }
            snapshot.services[index].waitText = words.waits(position)
        }
        return snapshot
    }
}
