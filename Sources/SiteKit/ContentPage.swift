import QueueCore

/// A Markdown page of `Content/`, read and split, ready to render.
struct ContentPage: Sendable {
    /// What a page is, which decides its template.
    enum Kind: Sendable { case page, section, service, office, officeBooking, notice }

    /// Path relative to the language folder, such as `index.md` or `services/name-change.md`.
    let relativePath: String
    /// The language the page is published under: `en`, `gu` or `hi`.
    let language: String
    /// The language its text is in: English for a page not yet translated.
    let contentLanguage: String
    let metadata: PageMetadata
    let markdown: String
    /// Derived from the path once: templates, sorting and the sitemap ask for them for every page.
    let kind: Kind
    let section: String?
    let stem: String
    /// Where the page goes in `public/`.
    let outputPath: String
    /// The address of the page, such as `/gu/services/name-change/`.
    let url: String

    init(relativePath: String, language: String, metadata: PageMetadata, markdown: String, contentLanguage: String? = nil) {
        self.relativePath = relativePath
        self.language = language
        self.metadata = metadata
        self.markdown = markdown
        self.contentLanguage = contentLanguage ?? language
        kind = Self.kind(of: relativePath)
        section = Self.section(of: relativePath)
        stem = Self.stem(of: relativePath)
        outputPath = Self.outputPath(of: relativePath, in: language)
        url = Self.url(of: outputPath)
    }

    /// True for an English page published under another language until it is translated.
    var isFallback: Bool { contentLanguage != language }

    /// The same page under another language (its text still English).
    func fallback(in language: String) -> ContentPage {
        ContentPage(relativePath: relativePath, language: language, metadata: metadata, markdown: markdown, contentLanguage: contentLanguage)
    }

    private static func kind(of relativePath: String) -> Kind {
        let parts = relativePath.split(separator: "/")
        if parts.last == "_index.md" { return .section }
        if parts.count == 2, parts[0] == "services" { return .service }
        if parts.count == 2, parts[0] == "offices" { return .office }
        if parts.count == 2, parts[0] == Substring(OfficeBookingPage.folder) { return .officeBooking }
        if parts.count == 2, parts[0] == Substring(BoardNotices.folder) { return .notice }
        return .page
    }

    /// The section folder (`services`, `offices`, `docs`), if any.
    private static func section(of relativePath: String) -> String? {
        let parts = relativePath.split(separator: "/")
        return parts.count > 1 ? String(parts[0]) : nil
    }

    /// The file name without `.md`: a service's code, an office's file name.
    private static func stem(of relativePath: String) -> String {
        String((relativePath.split(separator: "/").last ?? "").dropLast(3))
    }

    /// Where the page goes in `public/`: English at the root, other languages under their code.
    private static func outputPath(of relativePath: String, in language: String) -> String {
        let stem = relativePath.hasSuffix(".md") ? String(relativePath.dropLast(3)) : relativePath
        // Error pages are files of their own, which nginx's error_page names.
        if isErrorPage(stem) { return language == "en" ? "\(stem).html" : "\(language)/\(stem).html" }
        let page = stem == "index" || stem.hasSuffix("/index") || stem.hasSuffix("/_index") || stem == "_index"
            ? (stem.split(separator: "/").dropLast().joined(separator: "/") + "/index.html")
            : stem + "/index.html"
        let trimmed = page.hasPrefix("/") ? String(page.dropFirst()) : page
        return language == "en" ? trimmed : "\(language)/\(trimmed)"
    }

    /// The pages nginx shows in place of an answer: not found (404), too many requests (429), and
    /// the service unavailable (503, fcgi-app restarting): static, so they work when nothing else does.
    static let errorPages: Set<String> = ["404", "429", "503"]

    static func isErrorPage(_ stem: String) -> Bool { errorPages.contains(stem) }

    /// The address of the same page in another language.
    func url(in language: String) -> String { Self.url(of: Self.outputPath(of: relativePath, in: language)) }

    private static func url(of outputPath: String) -> String {
        outputPath.hasSuffix("index.html") ? "/" + String(outputPath.dropLast("index.html".count)) : "/" + outputPath
    }
}
