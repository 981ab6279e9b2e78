/// The values a page template sees.
enum PageContext {
    static let languageNames = ["en": "English", "gu": "ગુજરાતી", "hi": "हिन्दी"]

    static func make(for page: ContentPage) -> [String: Any] {
        [
            "lang": page.language,
            "title": page.metadata.title,
            "description": page.metadata.description ?? "",
            "content": MarkdownRenderer.html(from: page.markdown),
            "siteName": "GUVNL Queue",
            "rootPath": page.language == "en" ? "/" : "/\(page.language)/",
        ]
    }
}
