import Foundation
import Yams
@testable import QueueWeb

/// The repository's own interface strings (Templates/i18n), as fcgi-app gets them from the site build.
enum RepositoryStrings {
    static let text = InterfaceText(tables)

    /// Each language's own strings (without English filling gaps).
    static let tables: [String: [String: String]] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Templates/i18n")
        var tables: [String: [String: String]] = [:]
        for language in ["en", "gu", "hi"] {
            let yaml = (try? String(contentsOf: folder.appendingPathComponent("\(language).yaml"), encoding: .utf8)) ?? ""
            tables[language] = (try? YAMLDecoder().decode([String: String].self, from: yaml)) ?? [:]
        }
        return tables
    }()
}
