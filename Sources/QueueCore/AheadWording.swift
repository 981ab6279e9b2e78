/// Which interface string tells a citizen how many people are before them: "Nobody before you",
/// "1 person before you", "{n} people before you". One choice for the screens (`WaitText`) and the
/// messages (`MessageText`), so that an SMS never says "0 people before you".
public enum AheadWording {
    /// The key of the wording for `count` people ahead; `ahead_many` takes the count as `{n}`.
    public static func key(_ count: Int) -> String {
        switch count {
        case ...0: "ahead_none"
        case 1: "ahead_one"
        default: "ahead_many"
        }
    }
}
