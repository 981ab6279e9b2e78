import Foundation

/// Reads every Markdown page under `Content/<language>/`.
struct ContentLoader {
    static let languages = ["en", "gu", "hi"]

    let contentDirectory: URL

    func load() throws -> [ContentPage] {
        let files = try Self.languages.flatMap { language in
            let folder = contentDirectory.appendingPathComponent(language)
            guard FileManager.default.fileExists(atPath: folder.path) else { return [(language: String, relative: String)]() }
            return try markdownFiles(in: folder).map { (language: language, relative: $0) }
        }
        // Read and decode on every core; the error reported is the first file's, whatever the timing.
        let results = ResultSlots<ContentPage>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            results.set(index, Result { try page(files[index].relative, in: files[index].language) })
        }
        let pages = try results.values()
        guard pages.contains(where: { $0.language == "en" && $0.relativePath == "index.md" }) else {
            throw SiteError(step: "load content", file: "Content/en/index.md", reason: "the English home page is missing")
        }
        return pages
    }

    private func page(_ relative: String, in language: String) throws -> ContentPage {
        let displayPath = "Content/\(language)/\(relative)"
        let data = try Data(contentsOf: contentDirectory.appendingPathComponent(language).appendingPathComponent(relative))
        guard let text = String(data: data, encoding: .utf8) else {
            throw SiteError(step: "load content", file: displayPath, line: 1, reason: "the file is not UTF-8 text")
        }
        let parts = try FrontMatter.split(text, file: displayPath)
        let metadata = try parts.decode(PageMetadata.self, file: displayPath)
        guard !metadata.title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SiteError(step: "load content", file: displayPath, line: parts.yamlFirstLine,
                            reason: "front matter field 'title' is empty")
        }
        return ContentPage(relativePath: relative, language: language, metadata: metadata, markdown: parts.body)
    }

    private func markdownFiles(in folder: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".md") }.sorted()
    }
}
