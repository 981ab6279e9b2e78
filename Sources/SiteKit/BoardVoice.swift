import Foundation
import QueueCore

/// The display board's recorded voice: for each language of the voice script, the clips a call
/// needs (an office's own recording where there is one, else espeak-ng's), published under
/// fingerprinted names, and `voice.json`, the manifest the board chains them by.
struct BoardVoice {
    /// What the board reads: per language, the sentence's order, each clip's address and its text
    /// (the text is what the browser's own voice says when a clip cannot be played).
    struct Manifest: Encodable {
        struct Language: Encodable {
            let sentence: [String]
            let clips: [String: String]
            let texts: [String: String]
        }
        let languages: [String: Language]
    }

    /// A published clip, for the build's summary.
    struct Published {
        let manifest: Manifest
        let files: [(path: String, bytes: [UInt8])]
        var bytes: Int { files.reduce(0) { $0 + $1.bytes.count } }
    }

    let script: VoiceScript
    let recordings: VoiceRecordings
    let cache: URL

    /// Makes (or takes from the cache) every clip and lays out the files under `assets/voice/`.
    func publish(catalog: Catalog?) throws -> Published {
        let prefixes = catalog?.services.map(\.tokenPrefix) ?? []
        let counters = catalog?.offices.flatMap { $0.counters.map(\.number) } ?? []
        var wanted: [(language: String, clip: VoiceScript.Clip)] = []
        for language in script.languages.keys.sorted() {
            var clips = script.clips(in: language, prefixes: prefixes, counters: counters)
            // A recording of a clip the catalogue does not need yet is published too.
            for name in (recordings.clips[language] ?? [:]).keys.sorted() where !clips.contains(where: { $0.name == name }) {
                clips.append(VoiceScript.Clip(name: name, text: script.text(of: name, in: language) ?? ""))
            }
            wanted += clips.map { (language, $0) }
        }
        let toMake = wanted.indices.filter { recordings.clips[wanted[$0].language]?[wanted[$0].clip.name] == nil }
        let synthesizer = toMake.isEmpty ? nil : try VoiceSynthesizer(cache: cache, rate: script.rate)
        let jobs = toMake.map { wanted[$0] }
        let made = ResultSlots<[UInt8]>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { slot in
            let (language, clip) = jobs[slot]
            made.set(slot, Result {
                guard let synthesizer, let voice = script.languages[language]?.espeak else { return [] }
                return try synthesizer.clip(clip, voice: voice)
            })
        }
        let madeBytes = Dictionary(uniqueKeysWithValues: zip(toMake, try made.values()))
        var files: [(path: String, bytes: [UInt8])] = []
        var languages: [String: Manifest.Language] = [:]
        for (index, item) in wanted.enumerated() {
            guard let bytes = recordings.clips[item.language]?[item.clip.name] ?? madeBytes[index] else { continue }
            let path = "assets/voice/\(item.language)/\(Fingerprint.name("\(item.clip.name).ogg", bytes: bytes))"
            files.append((path, bytes))
            let previous = languages[item.language]
            languages[item.language] = Manifest.Language(
                sentence: script.languages[item.language]?.sentence ?? [],
                clips: (previous?.clips ?? [:]).merging([item.clip.name: "/\(path)"]) { $1 },
                texts: (previous?.texts ?? [:]).merging(item.clip.text.isEmpty ? [:] : [item.clip.name: item.clip.text]) { $1 })
        }
        return Published(manifest: Manifest(languages: languages), files: files)
    }
}
