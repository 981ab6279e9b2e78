import Foundation
import Yams

/// What the display board says for a call, per language (`Templates/voice/script.yaml`): the fixed
/// words, their order around the token and the counter, and how digits and letters are named. From
/// it come the clips the board needs for the catalogue's prefixes and counters.
struct VoiceScript: Decodable {
    static let file = "Templates/voice/script.yaml"

    /// One language's sentence and the names of its digits and letters.
    struct Language: Decodable {
        /// The espeak-ng voice that speaks it (`gu`, `hi`, `en-gb`).
        let espeak: String
        /// Clip names of the fixed words, `{token}` and `{counter}`, in the language's order.
        let sentence: [String]
        let words: [String: String]
        let digits: [String]
        let letters: [String: String]
    }

    /// One clip to make: its name (`token`, `digit-3`, `letter-N`, `number-12`) and what it says.
    struct Clip: Hashable {
        let name: String
        let text: String
    }

    /// espeak-ng's speed, words a minute: slower than its default, for a hall with an echo.
    let rate: Int
    let languages: [String: Language]

    static func load(root: URL) throws -> VoiceScript? {
        let url = root.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let script: VoiceScript
        do {
            script = try YAMLDecoder(encoding: .utf8).decode(VoiceScript.self, from: try String(contentsOf: url, encoding: .utf8))
        } catch {
            throw SiteError(step: "voice", file: file, line: FrontMatter.line(in: error),
                            reason: "the board's voice script does not read (\(FrontMatter.summary(in: error)))")
        }
        for (code, language) in script.languages.sorted(by: { $0.key < $1.key }) {
            guard ContentLoader.languages.contains(code) else {
                throw SiteError(step: "voice", file: file, reason: "\(code) is not a site language (en, gu, hi)")
            }
            guard language.digits.count == 10 else {
                throw SiteError(step: "voice", file: file, reason: "\(code) needs ten digits, zero to nine")
            }
            let known = Set(language.words.keys).union(["{token}", "{counter}"])
            if let stray = language.sentence.first(where: { !known.contains($0) }) {
                throw SiteError(step: "voice", file: file, reason: "\(code)'s sentence names \(stray), which is not one of its words")
            }
            guard language.sentence.contains("{token}"), language.sentence.contains("{counter}") else {
                throw SiteError(step: "voice", file: file, reason: "\(code)'s sentence must say {token} and {counter}")
            }
        }
        return script
    }

    /// The clips a board needs in `language` for these token prefixes and counter numbers: the
    /// words, the ten digits, the prefixes' letters, and a whole number for each counter from 10.
    func clips(in language: String, prefixes: [String], counters: [Int]) -> [Clip] {
        guard let spoken = languages[language] else { return [] }
        var clips = spoken.words.sorted { $0.key < $1.key }.map { Clip(name: $0.key, text: $0.value) }
        clips += spoken.digits.enumerated().map { Clip(name: "digit-\($0.offset)", text: $0.element) }
        let letters = Set(prefixes.joined().map(String.init)).sorted()
        clips += letters.compactMap { letter in spoken.letters[letter].map { Clip(name: "letter-\(letter)", text: $0) } }
        // espeak-ng reads a numeral as the language's word for the whole number ("12" -> "બાર").
        clips += Set(counters.filter { $0 >= 10 }).sorted().map { Clip(name: "number-\($0)", text: String($0)) }
        return clips
    }

    /// Whether an office may record a clip of this name in `language` (Content/voice/<lang>/<name>.ogg).
    func knows(clip name: String, in language: String) -> Bool {
        guard let spoken = languages[language] else { return false }
        if spoken.words[name] != nil { return true }
        for (prefix, valid) in [("digit-", { (rest: String) in rest.count == 1 && rest.allSatisfy(\.isASCII) && Int(rest) != nil }),
                                ("letter-", { (rest: String) in spoken.letters[rest] != nil }),
                                ("number-", { (rest: String) in rest.allSatisfy(\.isASCII) && (Int(rest).map { (10...999).contains($0) } ?? false) })]
        where name.hasPrefix(prefix) {
            return valid(String(name.dropFirst(prefix.count)))
        }
        return false
    }
}

extension VoiceScript {
    /// What a clip of this name says in `language`, where the script knows it.
    func text(of name: String, in language: String) -> String? {
        guard let spoken = languages[language] else { return nil }
        if let word = spoken.words[name] { return word }
        if name.hasPrefix("digit-"), let digit = Int(name.dropFirst(6)), spoken.digits.indices.contains(digit) { return spoken.digits[digit] }
        if name.hasPrefix("letter-") { return spoken.letters[String(name.dropFirst(7))] }
        if name.hasPrefix("number-") { return String(name.dropFirst(7)) }
        return nil
    }
}
