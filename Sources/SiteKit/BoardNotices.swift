import Foundation
import QueueCore

/// Short notices editors write for the display boards (a scheme, a tariff change, a holiday) as
/// Markdown in `Content/<lang>/notices/`, each for some offices or all, between two days; published
/// as `notices.json`, which the board reads and shows between its calls, in each language written.
struct BoardNotices {
    static let folder = "notices"
    static let file = "notices.json"

    struct Notice: Encodable {
        let id: String
        /// Office codes; empty for every office.
        let offices: [String]
        let starts: String
        let ends: String
        /// By language: the title, and the text as HTML (libcmark, raw HTML never passed).
        let title: [String: String]
        let html: [String: String]
    }

    let pages: [ContentPage]
    let catalog: Catalog?

    func notices() throws -> [Notice] {
        let english = pages.filter { $0.language == "en" }.sorted { $0.stem < $1.stem }
        let known = Set(catalog?.offices.map(\.code) ?? [])
        return try english.map { page in
            let file = "Content/en/\(page.relativePath)"
            let meta = page.metadata
            guard let starts = meta.starts, ServiceDay.midnight(of: starts, timeZone: .gmt) != nil else {
                throw SiteError(step: "notices", file: file, line: 2, reason: "give 'starts', the first day to show it, such as 2026-12-01")
            }
            guard let ends = meta.ends, ServiceDay.midnight(of: ends, timeZone: .gmt) != nil, ends >= starts else {
                throw SiteError(step: "notices", file: file, line: 2, reason: "give 'ends', the last day to show it, on or after 'starts'")
            }
            let offices = meta.offices ?? []
            if let unknown = offices.first(where: { !known.contains($0) }), !known.isEmpty {
                throw SiteError(step: "notices", file: file, line: 2, reason: "there is no office \(unknown) (give office codes, or no 'offices' for all)")
            }
            let versions = pages.filter { $0.stem == page.stem }
            return Notice(id: page.stem, offices: offices, starts: starts, ends: ends,
                          title: Dictionary(uniqueKeysWithValues: versions.map { ($0.language, $0.metadata.title) }),
                          html: Dictionary(uniqueKeysWithValues: versions.map { ($0.language, MarkdownRenderer.html(from: $0.markdown)) }))
        }
    }

    func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(["notices": try notices()]))
    }
}
