import Foundation
import QueueCore

/// Builds the static web root from `Content/` and `Templates/`: every step writes into a staging
/// folder beside the output, which replaces the output only when all steps have succeeded.
public struct SiteBuilder {
    public let root: URL
    public let output: URL
    /// Where the site is published, for `sitemap.xml` and `robots.txt`.
    public let baseURL: String
    /// Where the board's generated voice clips are kept between builds (`VoiceSynthesizer.defaultCache()`).
    public var voiceCache: URL = VoiceSynthesizer.defaultCache()
    private let writer = StagingWriter()

    /// - Parameters:
    ///   - root: the project folder holding `Content/` and `Templates/`.
    ///   - output: the web root to replace, normally `public/`.
    ///   - baseURL: the site's public address, such as `https://queue.guvnl.example`.
    public init(root: URL, output: URL, baseURL: String = "http://127.0.0.1:8080") {
        self.root = root
        self.output = output
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// Files nginx may send compressed: each gets a `.gz` twin when that is smaller.
    static let compressible: Set<String> = ["html", "css", "js", "json", "svg", "xml", "txt", "webmanifest"]

    /// What a build made.
    public struct Summary: Sendable {
        public var pages: Int
        public var assets: Int
        /// Services and offices in `catalog.json`, if the site has a catalogue.
        public var services: Int = 0
        public var offices: Int = 0
        /// The board's voice clips published, and their bytes together.
        public var voiceClips: Int = 0
        public var voiceBytes: Int = 0
    }

    @discardableResult
    public func build() throws -> Summary {
        let contentFolder = root.appendingPathComponent("Content")
        let hasCatalog = FileManager.default.fileExists(atPath: contentFolder.appendingPathComponent("en/services").path)
            || FileManager.default.fileExists(atPath: contentFolder.appendingPathComponent("en/offices").path)
        // The four inputs do not depend on each other: read them at once. A failure is reported as a
        // serial build would have met it first (templates, strings, pages, catalogue).
        let root = self.root
        let inputs = ResultSlots<Any>(count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            inputs.set(index, Result {
                switch index {
                case 0: try SiteTemplates(directory: root.appendingPathComponent("Templates"))
                case 1: try Translations(directory: root.appendingPathComponent("Templates/i18n"))
                case 2: OfficeBookingPages.adding(to: Self.withFallbacks(try ContentLoader(contentDirectory: contentFolder).load()))
                default: hasCatalog ? try CatalogBuilder(content: contentFolder).build() as Any : Optional<Catalog>.none as Any
                }
            })
        }
        let loaded = try inputs.values()
        guard let templates = loaded[0] as? SiteTemplates, let translations = loaded[1] as? Translations,
              let everyPage = loaded[2] as? [ContentPage], let catalog = loaded[3] as? Catalog? else {
            preconditionFailure("the build's inputs have the types read above")
        }
        // Board notices are data for the display board, not pages of their own.
        let pages = everyPage.filter { $0.kind != .notice }
        let notices = try BoardNotices(pages: everyPage.filter { $0.kind == .notice && !$0.isFallback }, catalog: catalog).json()

        let staging = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
        let manager = FileManager.default
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        writer.startOver()
        do {
            let assets = try copyAssets(into: staging)
            try pointManifestAtFingerprintedIcons(assets.urls, in: staging)
            let errorText = try publishErrorText(templates: templates, translations: translations, into: staging)
            let voice = try publishVoice(catalog: catalog, into: staging)
            let context = PageContext(translations: translations, catalog: catalog, pages: pages,
                                      assets: assets.urls.merging(errorText) { own, _ in own }.merging(voice.urls) { own, _ in own })
            try renderPages(pages, templates: templates, context: context, into: staging)
            if let catalog { try write(Array(try catalog.encoded()), to: staging.appendingPathComponent("catalog.json")) }
            try write(notices, to: staging.appendingPathComponent(BoardNotices.file))
            try write(try translations.interfaceStrings(assets: context.assets), to: staging.appendingPathComponent(Translations.serverFile))
            try write(Array(Sitemap.xml(pages: pages, baseURL: baseURL).utf8), to: staging.appendingPathComponent("sitemap.xml"))
            try write(Array(Sitemap.robots(baseURL: baseURL).utf8), to: staging.appendingPathComponent("robots.txt"))
            try write(Array(PublicReadme.text.utf8), to: staging.appendingPathComponent("README.md"))
            try copyRootFiles(into: staging)
            try compressFiles(in: staging)
            try AtomicSwap.replace(output, with: staging)
            return Summary(pages: pages.count, assets: assets.count, services: catalog?.services.count ?? 0,
                           offices: catalog?.offices.count ?? 0, voiceClips: voice.clips, voiceBytes: voice.bytes)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
    }

    /// Renders, writes and compresses the pages on every core; the first error stops the build.
    private func renderPages(_ pages: [ContentPage], templates: SiteTemplates, context: PageContext, into staging: URL) throws {
        let failures = FirstError()
        let job = RenderJob(pages: pages, templates: templates, context: context, staging: staging, writer: writer)
        DispatchQueue.concurrentPerform(iterations: pages.count) { index in
            guard !failures.isSet else { return }
            do {
                try job.render(index)
            } catch {
                failures.record(error)
            }
        }
        if let error = failures.error { throw error }
    }

    /// Every English page also under each other language that lacks it, marked as not yet translated.
    static func withFallbacks(_ pages: [ContentPage]) -> [ContentPage] {
        var result = pages
        let present = Set(pages.map { "\($0.language)/\($0.relativePath)" })
        for page in pages where page.language == "en" {
            for language in ContentLoader.languages where language != "en" && !present.contains("\(language)/\(page.relativePath)") {
                result.append(page.fallback(in: language))
            }
        }
        return result
    }

    /// Copies `Templates/assets/` under each file's own name and a fingerprinted one; returns the
    /// fingerprinted addresses by key (`site.css` -> `site_css`) for the templates. Stylesheets come
    /// last, their `url(/assets/...)` references turned into the fingerprinted addresses (fonts).
    private func copyAssets(into staging: URL) throws -> (count: Int, urls: [String: String]) {
        let source = root.appendingPathComponent("Templates/assets")
        guard let walker = FileManager.default.enumerator(atPath: source.path) else { return (0, [:]) }
        let files = walker.compactMap { $0 as? String }.filter { relative in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: source.appendingPathComponent(relative).path, isDirectory: &isFolder) && !isFolder.boolValue
        }.sorted { ($0.hasSuffix(".css") ? 1 : 0, $0) < ($1.hasSuffix(".css") ? 1 : 0, $1) }
        var urls: [String: String] = [:]
        var byPlainPath: [String: String] = [:]
        for relative in files {
            var bytes = Array(try Data(contentsOf: source.appendingPathComponent(relative)))
            if relative.hasSuffix(".css") { bytes = Self.fingerprintedReferences(in: bytes, byPlainPath) }
            let (key, url) = try publishAsset(bytes, as: relative, into: staging)
            urls[key] = url
            byPlainPath["/assets/\(relative)"] = url
        }
        return (files.count, urls)
    }

    /// A stylesheet's `url(/assets/x)` as `url(/assets/x.<hash>)`, for the assets already published.
    static func fingerprintedReferences(in bytes: [UInt8], _ byPlainPath: [String: String]) -> [UInt8] {
        var text = String(decoding: bytes, as: UTF8.self)
        for (plain, fingerprinted) in byPlainPath where text.contains(plain) {
            text = text.replacingOccurrences(of: "url(\(plain))", with: "url(\(fingerprinted))")
        }
        return Array(text.utf8)
    }

    /// The web manifest names its icons by their fingerprinted addresses, the very ones pages link
    /// as their icon: a browser that reads both then fetches the icon once, and caches it.
    private func pointManifestAtFingerprintedIcons(_ urls: [String: String], in staging: URL) throws {
        let manifest = staging.appendingPathComponent("assets/manifest.webmanifest")
        guard var text = try? String(contentsOf: manifest, encoding: .utf8) else { return }
        for (plain, key) in [("/assets/icon.svg", "icon_svg"), ("/assets/icon-192.png", "icon_192_png"), ("/assets/icon-512.png", "icon_512_png")] {
            if let fingerprinted = urls[key] { text = text.replacingOccurrences(of: "\"\(plain)\"", with: "\"\(fingerprinted)\"") }
        }
        try write(Array(text.utf8), to: manifest)
    }

    /// Writes an asset under its own name and a fingerprinted one; returns its key for the templates
    /// (`site.css` -> `site_css`) and its fingerprinted address.
    private func publishAsset(_ bytes: [UInt8], as relative: String, into staging: URL) throws -> (key: String, url: String) {
        let folder = (relative as NSString).deletingLastPathComponent
        let named = Fingerprint.name((relative as NSString).lastPathComponent, bytes: bytes)
        let fingerprinted = folder.isEmpty ? named : "\(folder)/\(named)"
        try write(bytes, to: staging.appendingPathComponent("assets/\(relative)"))
        try write(bytes, to: staging.appendingPathComponent("assets/\(fingerprinted)"))
        return (String(relative.map { $0.isLetter || $0.isNumber ? $0 : "_" }), "/assets/\(fingerprinted)")
    }

    /// The per-language scripts that word API errors, as assets.
    private func publishErrorText(templates: SiteTemplates, translations: Translations, into staging: URL) throws -> [String: String] {
        var urls: [String: String] = [:]
        for script in try ErrorTextScripts(templates: templates, translations: translations).scripts() {
            urls[ErrorTextScripts.assetKey(script.language)] = try publishAsset(script.bytes, as: "error-text-\(script.language).js", into: staging).url
        }
        return urls
    }

    /// The board's voice clips and their manifest (`voice_json` for the board's template), when the
    /// project has a voice script.
    private func publishVoice(catalog: Catalog?, into staging: URL) throws -> (urls: [String: String], clips: Int, bytes: Int) {
        guard let script = try VoiceScript.load(root: root) else { return ([:], 0, 0) }
        let published = try BoardVoice(script: script, recordings: try VoiceRecordings(root: root, script: script), cache: voiceCache)
            .publish(catalog: catalog)
        for file in published.files { try write(file.bytes, to: staging.appendingPathComponent(file.path)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let manifest = try publishAsset(Array(try encoder.encode(published.manifest)), as: "voice.json", into: staging)
        return ([manifest.key: manifest.url], published.files.count, published.bytes)
    }

    /// `Templates/root/` goes to the top of the site as it is (the service worker must live at `/sw.js`).
    private func copyRootFiles(into staging: URL) throws {
        let source = root.appendingPathComponent("Templates/root")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: source.path) else { return }
        for name in names.sorted() {
            try write(Array(try Data(contentsOf: source.appendingPathComponent(name))), to: staging.appendingPathComponent(name))
        }
    }

    /// Writes `name.gz` beside every compressible file where compression saves something.
    private func compressFiles(in folder: URL) throws {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return }
        for case let relative as String in walker where Self.compressible.contains((relative as NSString).pathExtension) {
            let file = folder.appendingPathComponent(relative)
            // Pages were compressed as they were rendered.
            if FileManager.default.fileExists(atPath: file.path + ".gz") { continue }
            let bytes = Array(try Data(contentsOf: file))
            guard bytes.count >= 256, let compressed = Gzip.compress(bytes), compressed.count < bytes.count else { continue }
            try write(compressed, to: URL(fileURLWithPath: file.path + ".gz"))
        }
    }

    private func write(_ bytes: [UInt8], to file: URL) throws {
        try writer.write(bytes, to: file)
    }
}
