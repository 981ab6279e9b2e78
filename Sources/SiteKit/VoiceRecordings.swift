import Foundation

/// An office's own recordings for the board (`Content/voice/<lang>/<clip>.ogg`), each replacing
/// the generated clip of that name. A file the board could not use stops the build with its name.
struct VoiceRecordings {
    static let folder = "Content/voice"

    /// Recorded clips by language and clip name: the file's bytes.
    private(set) var clips: [String: [String: [UInt8]]] = [:]

    init(root: URL, script: VoiceScript) throws {
        let base = root.appendingPathComponent(Self.folder)
        let manager = FileManager.default
        guard let languages = try? manager.contentsOfDirectory(atPath: base.path) else { return }
        for language in languages.sorted() where !language.hasPrefix(".") {
            let folder = base.appendingPathComponent(language)
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
                if language.hasSuffix(".md") { continue }  // a README beside the language folders
                throw SiteError(step: "voice", file: "\(Self.folder)/\(language)", reason: "put recordings in a language folder: Content/voice/gu/token.ogg")
            }
            guard script.languages[language] != nil else {
                throw SiteError(step: "voice", file: "\(Self.folder)/\(language)",
                                reason: "the board speaks \(script.languages.keys.sorted().joined(separator: ", ")); there is no language \(language)")
            }
            for name in (try manager.contentsOfDirectory(atPath: folder.path)).sorted() where !name.hasPrefix(".") {
                let file = "\(Self.folder)/\(language)/\(name)"
                guard name.hasSuffix(".ogg") else {
                    throw SiteError(step: "voice", file: file, reason: "a recording must be an Ogg file (Opus or Vorbis) named <clip>.ogg")
                }
                let clip = String(name.dropLast(4))
                guard script.knows(clip: clip, in: language) else {
                    throw SiteError(step: "voice", file: file, reason: "there is no clip \(clip): name it after a word of the sentence ("
                                    + (script.languages[language]?.words.keys.sorted().joined(separator: ", ") ?? "")
                                    + "), digit-0 to digit-9, letter-A to letter-Z or number-10 and up")
                }
                guard let data = manager.contents(atPath: folder.appendingPathComponent(name).path) else {
                    throw SiteError(step: "voice", file: file, reason: "the file cannot be read")
                }
                let bytes = Array(data)
                guard Self.isOggAudio(bytes) else {
                    throw SiteError(step: "voice", file: file, reason: "this is not Ogg Opus or Ogg Vorbis audio (convert it with: opusenc in.wav \(name))")
                }
                clips[language, default: [:]][clip] = bytes
            }
        }
    }

    /// An Ogg stream whose first packet is an Opus or a Vorbis header: what browsers play as `.ogg`.
    static func isOggAudio(_ bytes: [UInt8]) -> Bool {
        guard bytes.count > 27, bytes[0..<4] == [0x4F, 0x67, 0x67, 0x53] else { return false }  // "OggS"
        let payload = 27 + Int(bytes[26])
        let opus = Array("OpusHead".utf8), vorbis = [UInt8(1)] + Array("vorbis".utf8)
        return [opus, vorbis].contains { header in
            bytes.count >= payload + header.count && Array(bytes[payload..<(payload + header.count)]) == header
        }
    }
}
