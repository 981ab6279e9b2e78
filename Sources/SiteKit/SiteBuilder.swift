import Foundation

/// Builds the static web root from `Content/` and `Templates/`: every step writes into a staging
/// folder beside the output, which replaces the output only when all steps have succeeded.
public struct SiteBuilder {
    public let root: URL
    public let output: URL

    /// - Parameters:
    ///   - root: the project folder holding `Content/` and `Templates/`.
    ///   - output: the web root to replace, normally `public/`.
    public init(root: URL, output: URL) {
        self.root = root
        self.output = output
    }

    /// What a build made.
    public struct Summary: Sendable {
        public var pages: Int
        public var assets: Int
        /// Services and offices in `catalog.json`, if the site has a catalogue.
        public var services: Int = 0
        public var offices: Int = 0
    }

    @discardableResult
    public func build() throws -> Summary {
        let templates = try SiteTemplates(directory: root.appendingPathComponent("Templates"))
        let translations = try Translations(directory: root.appendingPathComponent("Templates/i18n"))
        let pages = Self.withFallbacks(try ContentLoader(contentDirectory: root.appendingPathComponent("Content")).load())
        let contentFolder = root.appendingPathComponent("Content")
        let hasCatalog = FileManager.default.fileExists(atPath: contentFolder.appendingPathComponent("en/services").path)
            || FileManager.default.fileExists(atPath: contentFolder.appendingPathComponent("en/offices").path)
        let catalog = hasCatalog ? try CatalogBuilder(content: contentFolder).build() : nil

        let staging = output.deletingLastPathComponent()
            .appendingPathComponent(".\(output.lastPathComponent).staging-\(ProcessInfo.processInfo.processIdentifier)")
        let manager = FileManager.default
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            let context = PageContext(translations: translations, catalog: catalog, pages: pages)
            for page in pages {
                let html = try templates.render(context.make(for: page), with: templates.name(for: page.kind))
                try write(Array(html.utf8), to: staging.appendingPathComponent(page.outputPath))
            }
            if let catalog { try write(Array(try catalog.encoded()), to: staging.appendingPathComponent("catalog.json")) }
            let assets = try copyAssets(into: staging)
            try write(Array(PublicReadme.text.utf8), to: staging.appendingPathComponent("README.md"))
            try AtomicSwap.replace(output, with: staging)
            return Summary(pages: pages.count, assets: assets, services: catalog?.services.count ?? 0,
                           offices: catalog?.offices.count ?? 0)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
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

    private func copyAssets(into staging: URL) throws -> Int {
        let source = root.appendingPathComponent("Templates/assets")
        guard FileManager.default.fileExists(atPath: source.path) else { return 0 }
        try FileManager.default.copyItem(at: source, to: staging.appendingPathComponent("assets"))
        return FileManager.default.enumerator(atPath: source.path)?.allObjects.count ?? 0
    }

    private func write(_ bytes: [UInt8], to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
    }
}
