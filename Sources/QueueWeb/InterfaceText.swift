/// The interface strings of the pages fcgi-app renders itself (the token page, the booking form
/// sent again with an error), by language: the same `Templates/i18n/*.yaml` as the static site,
/// which sitegen writes for the server as `interface-strings.json`.
public struct InterfaceText: Sendable {
    private let tables: [String: [String: String]]

    public init(_ tables: [String: [String: String]]) { self.tables = tables }

    /// The string in the language, else in English, else its key (so a missing string shows).
    func callAsFunction(_ key: String, in language: String) -> String {
        tables[language]?[key] ?? tables["en"]?[key] ?? key
    }

    /// A fingerprinted asset's address (`site_css` -> `/assets/site.<hash>.css`), else its plain one.
    func asset(_ key: String, otherwise plain: String) -> String {
        tables["assets"]?[key] ?? plain
    }

    func has(_ key: String, in language: String) -> Bool {
        tables[language]?[key] != nil || tables["en"]?[key] != nil
    }
}
