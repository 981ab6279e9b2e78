import Foundation

/// Makes the board's clips with Debian's tools: espeak-ng speaks the text, sox trims its silences,
/// opusenc compresses to Ogg Opus. Each clip is kept in a cache under a key of everything that
/// shapes it (text, voice, speed, tool versions, settings), so a rebuild makes only changed clips.
struct VoiceSynthesizer: Sendable {
    /// Opus at 16 kbit/s, mono, 24 kHz: clear speech, about 2 KB a word.
    static let settings = ["--bitrate", "16"]
    static let sampleRate = "24000"
    /// Bumped when the pipeline below changes, so that old clips are made again.
    static let pipeline = "espeak-ng|sox-trim-pad|opusenc-v1"

    let cache: URL
    let rate: Int
    private let tools: [String: String]
    private let versions: String

    /// The cache: `GUVNL_VOICE_CACHE`, or `~/.cache/guvnl-queue/voice` (shared by every checkout:
    /// a clip's file name is the key of what made it).
    static func defaultCache() -> URL {
        if let folder = ProcessInfo.processInfo.environment["GUVNL_VOICE_CACHE"], !folder.isEmpty {
            return URL(fileURLWithPath: folder)
        }
        let base = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        return base.appendingPathComponent("guvnl-queue/voice")
    }

    init(cache: URL, rate: Int) throws {
        self.cache = cache
        self.rate = rate
        var found: [String: String] = [:]
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for tool in ["espeak-ng", "sox", "opusenc"] {
            guard let dir = path.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }) else {
                throw SiteError(step: "voice", reason: "\(tool) is not installed: the board's voice clips are made with espeak-ng, sox and opusenc "
                                + "(scripts/install-deps.sh installs them), or record every clip under Content/voice/")
            }
            found[tool] = "\(dir)/\(tool)"
        }
        tools = found
        versions = try ["espeak-ng", "opusenc"].map { try Self.output(of: found[$0] ?? $0, ["--version"]).split(separator: "\n").first.map(String.init) ?? "" }
            .joined(separator: "|")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
    }

    /// The clip's Ogg Opus bytes, from the cache or made now (and then kept in the cache).
    func clip(_ clip: VoiceScript.Clip, voice: String) throws -> [UInt8] {
        let key = Fingerprint.of(Array([Self.pipeline, versions, Self.settings.joined(separator: " "), Self.sampleRate,
                                        voice, String(rate), clip.text].joined(separator: "\u{1F}").utf8))
        let kept = cache.appendingPathComponent("\(key).ogg")
        if let data = FileManager.default.contents(atPath: kept.path), VoiceRecordings.isOggAudio(Array(data)) { return Array(data) }
        let work = cache.appendingPathComponent(".\(key)-\(ProcessInfo.processInfo.processIdentifier)")
        defer {
            for suffix in ["spoken.wav", "trimmed.wav", "ogg"] { try? FileManager.default.removeItem(atPath: "\(work.path).\(suffix)") }
        }
        try run("espeak-ng", ["-v", voice, "-s", String(rate), "-w", "\(work.path).spoken.wav", "--", clip.text], clip: clip, voice: voice)
        // espeak-ng pads each word with silence; trimmed, the clips follow each other as one sentence.
        try run("sox", ["\(work.path).spoken.wav", "-r", Self.sampleRate, "\(work.path).trimmed.wav",
                        "silence", "1", "0.01", "0.5%", "reverse", "silence", "1", "0.01", "0.5%", "reverse", "pad", "0.04", "0.08"],
                clip: clip, voice: voice)
        try run("opusenc", ["--quiet"] + Self.settings + ["\(work.path).trimmed.wav", "\(work.path).ogg"], clip: clip, voice: voice)
        guard let data = FileManager.default.contents(atPath: "\(work.path).ogg") else {
            throw SiteError(step: "voice", reason: "opusenc wrote nothing for \(voice) \(clip.name)")
        }
        // Renamed into place: a build running beside this one never reads half a clip.
        _ = rename("\(work.path).ogg", kept.path)
        return Array(data)
    }

    private func run(_ tool: String, _ arguments: [String], clip: VoiceScript.Clip, voice: String) throws {
        let done = try Self.launch(tools[tool] ?? tool, arguments)
        guard done.status == 0 else {
            throw SiteError(step: "voice", reason: "\(tool) failed on the \(voice) clip \(clip.name): \(String(decoding: done.errors, as: UTF8.self).prefix(200))")
        }
    }

    private static func output(of tool: String, _ arguments: [String]) throws -> String {
        String(decoding: try launch(tool, arguments).output, as: UTF8.self)
    }

    /// Runs a tool to its end; its output and errors are short (a version line, a complaint).
    private static func launch(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: Data, errors: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe(), errors = Pipe()
        process.standardOutput = out
        process.standardError = errors
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, output, said)
    }
}
