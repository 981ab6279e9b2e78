import Foundation

/// The script that words the API's errors in a page's language (`Templates/error-text.mustache`),
/// one per language with that language's `error_*` strings: a page loads only its own, cached
/// like every fingerprinted asset.
struct ErrorTextScripts {
    static let template = "error-text"

    let templates: SiteTemplates
    let translations: Translations

    /// The script's text for each language; none for a site without the template.
    func scripts() throws -> [(language: String, bytes: [UInt8])] {
        guard templates.has(Self.template) else { return [] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try ContentLoader.languages.map { language in
            let strings = translations.table(for: language).filter { $0.key.hasPrefix("error_") }
            let json = String(decoding: try encoder.encode(strings), as: UTF8.self)
            return (language, Array(try templates.render(["strings": json], with: Self.template).utf8))
        }
    }

    /// The asset key a page's template finds its language's script under (`error_text_gu_js`).
    static func assetKey(_ language: String) -> String { "error_text_\(language)_js" }
}
