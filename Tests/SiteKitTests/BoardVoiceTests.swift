import Foundation
import Testing
@testable import SiteKit

/// The board's recorded voice as sitegen makes it: which clips a catalogue needs, which names an
/// office may record, what counts as audio, and that a rebuild makes only the clips that changed.
@Suite("The board's voice")
struct BoardVoiceTests {
    static func repositoryScript() throws -> VoiceScript {
        try #require(try VoiceScript.load(root: RealSiteTests.repository))
    }

    @Test func aGujaratiCallNamesItsLettersInGujaratiScript() throws {
        // Given the repository's script and a catalogue with the prefixes NC and BC and counters up to 12
        let script = try Self.repositoryScript()
        // When the Gujarati clips are listed
        let clips = script.clips(in: "gu", prefixes: ["NC", "BC"], counters: [1, 2, 12])
        let names = Set(clips.map(\.name))
        // Then there are the fixed words, ten digits, the three letters used and counter 12 as a whole number
        #expect(names == Set(["token", "to_counter", "go", "letter-B", "letter-C", "letter-N", "number-12"]
                             + (0...9).map { "digit-\($0)" }))
        #expect(clips.first { $0.name == "letter-N" }?.text == "એન")
        // and no Gujarati clip says a Latin letter
        #expect(clips.filter { $0.name != "number-12" }.allSatisfy { !$0.text.contains { $0.isASCII && $0.isLetter } })
        // and the sentence ends with "go" after the counter, as Gujarati says it
        #expect(script.languages["gu"]?.sentence == ["token", "{token}", "to_counter", "{counter}", "go"])
        #expect(script.languages["en"]?.sentence == ["token", "{token}", "to_counter", "{counter}"])
    }

    @Test(arguments: [("token", true), ("go", true), ("digit-7", true), ("letter-Q", true), ("number-12", true),
                      ("tokn", false), ("digit-10", false), ("letter-q", false), ("number-5", false), ("number-x", false), ("", false)])
    func anOfficeMayRecordOnlyClipsTheBoardKnows(name: String, known: Bool) throws {
        #expect(try Self.repositoryScript().knows(clip: name, in: "gu") == known)
    }

    @Test func onlyOggOpusOrVorbisCountsAsARecording() {
        let page = Array("OggS".utf8) + [UInt8](repeating: 0, count: 22) + [1, 19]
        #expect(VoiceRecordings.isOggAudio(page + Array("OpusHead".utf8) + [1, 1]))
        #expect(VoiceRecordings.isOggAudio(page + [1] + Array("vorbis".utf8) + [0, 0]))
        #expect(!VoiceRecordings.isOggAudio(page + [0x80] + Array("theora".utf8) + [0, 0]))
        #expect(!VoiceRecordings.isOggAudio(Array("RIFF\u{0}\u{0}\u{0}\u{0}WAVEfmt and more than enough bytes here".utf8)))
        #expect(!VoiceRecordings.isOggAudio([]))
    }

    @Test func aRebuildMakesOnlyTheClipsWhoseWordsChanged() throws {
        // Given a site whose voice says two words in English, built once with an empty cache
        let script = """
            rate: 140
            languages:
              en:
                espeak: en-gb
                sentence: [token, "{token}", to_counter, "{counter}"]
                words: {token: "Token number", to_counter: "please go to counter"}
                digits: [zero, one, two, three, four, five, six, seven, eight, nine]
                letters: {N: "N"}
            """
        let project = try SiteBuilderTests.Project(files: ["Templates/voice/script.yaml": script, "Content/en/index.md": SiteBuilderTests.home])
        defer { project.remove() }
        var builder = SiteBuilder(root: project.root, output: project.output)
        builder.voiceCache = project.root.appendingPathComponent("voice-cache")
        let first = try builder.build()
        #expect(first.voiceClips == 12)
        let made = try FileManager.default.contentsOfDirectory(atPath: builder.voiceCache.path).sorted()
        #expect(made.count == 12)
        #expect(try project.read("assets/voice.json").contains("\"token\":\"/assets/voice/en/token."))
        // When one word changes and the site is built again
        try project.write(script.replacingOccurrences(of: "please go to counter", with: "please come to counter"), to: "Templates/voice/script.yaml")
        try builder.build()
        // Then exactly one clip was made; the others came from the cache
        let after = try FileManager.default.contentsOfDirectory(atPath: builder.voiceCache.path).sorted()
        #expect(after.count == 13)
        #expect(Set(made).isSubset(of: Set(after)))
    }
}
