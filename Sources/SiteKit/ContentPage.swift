/// A Markdown page of `Content/`, read and split, ready to render.
struct ContentPage: Sendable {
    /// Path relative to the language folder, such as `index.md` or `docs/booking.md`.
    let relativePath: String
    /// `en`, `gu` or `hi`.
    let language: String
    let metadata: PageMetadata
    let markdown: String

    /// Where the page goes in `public/`: English at the root, other languages under their code.
    var outputPath: String {
        let stem = relativePath.hasSuffix(".md") ? String(relativePath.dropLast(3)) : relativePath
        let page = stem == "index" || stem.hasSuffix("/index") || stem.hasSuffix("/_index") || stem == "_index"
            ? (stem.split(separator: "/").dropLast().joined(separator: "/") + "/index.html")
            : stem + "/index.html"
        let trimmed = page.hasPrefix("/") ? String(page.dropFirst()) : page
        return language == "en" ? trimmed : "\(language)/\(trimmed)"
    }
}
