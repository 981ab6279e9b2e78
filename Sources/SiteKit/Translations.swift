import Foundation
import Yams

/// The interface strings of the site, one YAML file per language in `Templates/i18n/` (`en.yaml`,
/// `gu.yaml`, `hi.yaml`). A string missing in a language falls back to English; `sitegen check`
/// lists what is missing.
struct Translations {
    private(set) var strings: [String: [String: String]] = [:]

    init(directory: URL) throws {
        for language in ContentLoader.languages {
            let file = directory.appendingPathComponent("\(language).yaml")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            do {
                strings[language] = try YAMLDecoder(encoding: .utf8).decode([String: String].self, from: text)
            } catch {
                throw SiteError(step: "load translations", file: "Templates/i18n/\(language).yaml", line: FrontMatter.line(in: error),
                                reason: "interface strings must be 'key: \"text\"' lines (\(FrontMatter.summary(in: error)))")
            }
        }
    }

    /// The strings for a language, English filling the gaps.
    func table(for language: String) -> [String: String] {
        (strings["en"] ?? [:]).merging(strings[language] ?? [:]) { _, translated in translated }
    }

    /// The file fcgi-app reads for the pages it renders itself (the token page, the booking form
    /// sent again with an error): every language's strings, English filling the gaps, as JSON; and
    /// under `assets` the fingerprinted asset addresses (`site_css`), so its pages link the copies
    /// cached for a year, as the static pages do.
    static let serverFile = "interface-strings.json"
    static let assetsTable = "assets"

    func interfaceStrings(assets: [String: String] = [:]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var tables = Dictionary(uniqueKeysWithValues: ContentLoader.languages.map { ($0, table(for: $0)) })
        tables[Self.assetsTable] = assets
        return Array(try encoder.encode(tables))
    }

    /// Keys English has that a language lacks.
    func missing(in language: String) -> [String] {
        Set((strings["en"] ?? [:]).keys).subtracting((strings[language] ?? [:]).keys).sorted()
    }
}
