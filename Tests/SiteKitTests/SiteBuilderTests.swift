import Foundation
import Testing
@testable import SiteKit

/// Builds small sites in temporary folders and looks at what a citizen's browser would get.
@Suite("sitegen build")
struct SiteBuilderTests {
    /// A project folder with templates and content, and its web root.
    struct Project {
        let root: URL
        var output: URL { root.appendingPathComponent("public") }

        init(files: [String: String]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("site-\(UUID().uuidString.prefix(8))")
            var all = Self.templates
            all.merge(files) { _, new in new }
            for (path, text) in all { try write(text, to: path) }
        }

        func write(_ text: String, to path: String) throws {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }

        func read(_ path: String) throws -> String {
            try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8)
        }

        @discardableResult
        func build() throws -> SiteBuilder.Summary { try SiteBuilder(root: root, output: output).build() }

        func remove() { try? FileManager.default.removeItem(at: root) }

        static let templates = [
            "Templates/base.mustache": "<html lang=\"{{lang}}\"><title>{{title}}</title>{{#languages}}<link hreflang=\"{{code}}\" href=\"{{url}}\">{{/languages}}{{#fallbackNotice}}<p class=\"notice\">{{fallbackNotice}}</p>{{/fallbackNotice}}{{$main}}{{/main}}</html>",
            "Templates/page.mustache": "{{<base}}{{$main}}<h1>{{title}}</h1>{{{content}}}{{/main}}{{/base}}",
            "Templates/assets/site.css": "body{}",
        ]
    }

    static let home = """
        ---
        title: Home & welcome
        description: The home page
        ---
        Hello **citizens**.
        """

    @Test func rendersMarkdownThroughTheTemplatesWithInheritance() throws {
        let project = try Project(files: ["Content/en/index.md": Self.home])
        defer { project.remove() }
        let summary = try project.build()
        #expect(summary.pages == 3)  // English, and its fallbacks under gu/ and hi/
        let html = try project.read("index.html")
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("<title>Home &amp; welcome</title>"))
        #expect(html.contains("<h1>Home &amp; welcome</h1><p>Hello <strong>citizens</strong>.</p>"))
        #expect(html.contains("<link hreflang=\"gu\" href=\"/gu/\">"))
        #expect(try project.read("assets/site.css") == "body{}")
    }

    @Test func gujaratiAndHindiPagesGetTheirLanguageAndFolder() throws {
        let project = try Project(files: [
            "Content/en/index.md": Self.home,
            "Content/gu/index.md": "---\ntitle: કતારમાં તમારું સ્થાન બુક કરો\n---\nનમસ્તે",
            "Content/hi/docs/help.md": "---\ntitle: सहायता\n---\nनमस्ते",
        ])
        defer { project.remove() }
        try project.build()
        let gujarati = try project.read("gu/index.html")
        #expect(gujarati.contains("<html lang=\"gu\">"))
        #expect(gujarati.contains("<h1>કતારમાં તમારું સ્થાન બુક કરો</h1><p>નમસ્તે</p>"))
        #expect(try project.read("hi/docs/help/index.html").contains("<html lang=\"hi\">"))
    }

    @Test func aPageMissingInALanguageFallsBackToEnglishAndSaysSo() throws {
        let project = try Project(files: [
            "Content/en/index.md": Self.home,
            "Content/gu/index.md": "---\ntitle: મુખ્ય\n---\n",
            "Content/en/docs/privacy.md": "---\ntitle: Privacy\n---\nWe keep little.",
            "Templates/i18n/en.yaml": "fallback_notice: \"Not yet in {language}.\"\n",
            "Templates/i18n/gu.yaml": "fallback_notice: \"હજી {language}માં નથી.\"\n",
        ])
        defer { project.remove() }
        try project.build()
        let gujarati = try project.read("gu/docs/privacy/index.html")
        #expect(gujarati.contains("<html lang=\"gu\">"))
        #expect(gujarati.contains("<p class=\"notice\">હજી ગુજરાતીમાં નથી.</p>"))
        #expect(gujarati.contains("We keep little."))
        // Hindi has no strings of its own: English fills in
        #expect(try project.read("hi/docs/privacy/index.html").contains("Not yet in हिन्दी."))
        // The translated home page is no fallback
        #expect(!(try project.read("gu/index.html")).contains("class=\"notice\""))
    }

    @Test func rawHTMLInMarkdownNeverReachesThePage() throws {
        let project = try Project(files: [
            "Content/en/index.md": "---\ntitle: T\n---\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) <img src=x onerror=alert(3)>",
        ])
        defer { project.remove() }
        try project.build()
        let html = try project.read("index.html")
        #expect(!html.contains("<script>"))
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("onerror"))
    }

    @Test func badFrontMatterNamesFileAndLineAndKeepsThePreviousSite() throws {
        // Given a site that built once
        let project = try Project(files: ["Content/en/index.md": Self.home])
        defer { project.remove() }
        try project.build()
        let before = try project.read("index.html")
        // When an editor breaks the YAML on line 3 of a page
        try project.write("---\ntitle: Fine\ndescription: [unclosed\n---\nBody", to: "Content/en/about.md")
        // Then the build fails naming the file and line, and the old site is still served whole
        let error = try #require(throws: SiteError.self) { try project.build() }
        #expect(error.file == "Content/en/about.md")
        #expect(error.line == 3 || error.line == 4)
        #expect(error.description.hasPrefix("Content/en/about.md:"))
        #expect(try project.read("index.html") == before)
        #expect(!FileManager.default.fileExists(atPath: project.output.appendingPathComponent("about/index.html").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.root.path).filter { $0.contains("staging") }
        #expect(leftovers.isEmpty)
    }

    @Test func aMissingTitleIsReported() throws {
        let project = try Project(files: ["Content/en/index.md": "---\ndescription: no title\n---\nBody"])
        defer { project.remove() }
        let error = try #require(throws: SiteError.self) { try project.build() }
        #expect(error.file == "Content/en/index.md")
        #expect(error.reason.contains("title"))
    }

    @Test func unclosedFrontMatterIsReportedAtLineOne() throws {
        let project = try Project(files: ["Content/en/index.md": "---\ntitle: x\nBody"])
        defer { project.remove() }
        let error = try #require(throws: SiteError.self) { try project.build() }
        #expect(error.description.hasPrefix("Content/en/index.md:1: "))
    }

    @Test func aTemplateSyntaxErrorNamesTheTemplateAndLine() throws {
        let project = try Project(files: [
            "Content/en/index.md": Self.home,
            "Templates/page.mustache": "{{<base}}\n{{$main}}\n{{#open}}\n{{/main}}{{/base}}",
        ])
        defer { project.remove() }
        let error = try #require(throws: SiteError.self) { try project.build() }
        #expect(error.file == "Templates/page.mustache")
        #expect(error.line != nil)
    }

    @Test func rebuildingReplacesTheSiteWhole() throws {
        let project = try Project(files: ["Content/en/index.md": Self.home, "Content/en/old.md": "---\ntitle: Old\n---\n"])
        defer { project.remove() }
        try project.build()
        try FileManager.default.removeItem(at: project.root.appendingPathComponent("Content/en/old.md"))
        try project.build()
        #expect(!FileManager.default.fileExists(atPath: project.output.appendingPathComponent("old/index.html").path))
        #expect(try project.read("README.md").contains("generated"))
    }
}
