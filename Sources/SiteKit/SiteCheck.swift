import Foundation
import QueueCore

/// What `sitegen check` finds for editors: anything that stops a build, internal links to pages that
/// do not exist, pages and interface strings not yet translated. Each as `file:line: reason`.
public struct SiteCheck {
    public let root: URL

    public init(root: URL) { self.root = root }

    /// Every problem found, in file order; empty when all is well.
    public func run() -> [SiteError] {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sitegen-check-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: output) }
        do {
            try SiteBuilder(root: root, output: output).build()
        } catch let error as SiteError {
            return [error]
        } catch {
            return [SiteError(step: "build", reason: "\(error)")]
        }
        var problems: [SiteError] = []
        let content = root.appendingPathComponent("Content")
        guard let pages = try? ContentLoader(contentDirectory: content).load() else { return problems }
        for page in pages {
            problems += brokenLinks(in: page, built: output)
            problems += NumeralPolicy.problems(in: "Content/\(page.language)/\(page.relativePath)", root: root)
        }
        let present = Set(pages.map { "\($0.language)/\($0.relativePath)" })
        for page in pages where page.language == "en" {
            for language in ContentLoader.languages where language != "en" && !present.contains("\(language)/\(page.relativePath)") {
                problems.append(SiteError(step: "check", file: "Content/\(language)/\(page.relativePath)", line: 1,
                                          reason: "missing translation of Content/en/\(page.relativePath) (English is shown)"))
            }
        }
        if let translations = try? Translations(directory: root.appendingPathComponent("Templates/i18n")) {
            problems += unknownStrings(known: translations.table(for: "en"))
            problems += ContentLoader.languages.flatMap { NumeralPolicy.problems(in: "Templates/i18n/\($0).yaml", root: root) }
            for language in ContentLoader.languages where language != "en" {
                for key in translations.missing(in: language) {
                    problems.append(SiteError(step: "check", file: "Templates/i18n/\(language).yaml", line: 1,
                                              reason: "missing interface string '\(key)' (English is shown)"))
                }
            }
        }
        problems += unregisteredSMSTexts()
        return problems.sorted { ($0.file ?? "", $0.line ?? 0) < ($1.file ?? "", $1.line ?? 0) }
    }

    /// SMS texts (`msg_sms_*`) that no longer match their DLT registration in
    /// `Templates/sms-dlt.json`: the worker would refuse to send them (DESIGN, decision 5).
    private func unregisteredSMSTexts() -> [SiteError] {
        let registry = root.appendingPathComponent("Templates/sms-dlt.json")
        guard let data = try? Data(contentsOf: registry) else { return [] }
        guard let templates = try? SMSTemplates(json: data) else {
            return [SiteError(step: "check", file: "Templates/sms-dlt.json", line: 1, reason: "not a DLT registry: {\"sender\", \"templates\": {key: {language: {id, text}}}}")]
        }
        var problems: [SiteError] = []
        for language in ContentLoader.languages {
            let file = "Templates/i18n/\(language).yaml"
            guard let lines = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false) else { continue }
            guard let strings = try? Translations(directory: root.appendingPathComponent("Templates/i18n")).table(for: language) else { continue }
            for (key, text) in strings where key.hasPrefix("msg_sms_") {
                let line = (lines.firstIndex { $0.hasPrefix("\(key):") } ?? 0) + 1
                guard let registered = templates.registered(key, language: language) else {
                    problems.append(SiteError(step: "check", file: file, line: line, reason: "SMS text '\(key)' has no DLT template registered in Templates/sms-dlt.json"))
                    continue
                }
                if !SMSTemplates.conforms(text, template: registered.text) {
                    problems.append(SiteError(step: "check", file: file, line: line,
                                              reason: "SMS text '\(key)' does not match its DLT template \(registered.id) word for word (registered: \"\(registered.text)\"); the worker would refuse to send it"))
                }
            }
        }
        return problems
    }

    /// Interface strings a template shows (`{{t.key}}`) that no language has: Mustache would show
    /// nothing in their place, in every language.
    private func unknownStrings(known: [String: String]) -> [SiteError] {
        let folder = root.appendingPathComponent("Templates")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".mustache") }.sorted()
        var problems: [SiteError] = []
        for name in names {
            let text = (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                var rest = Substring(line)
                while let start = rest.range(of: "t.") {
                    let before = rest[..<start.lowerBound].last
                    let key = rest[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                    rest = rest[start.upperBound...]
                    // Only `{{t.key}}`, `{{#t.key}}` and the like: the mark right before, the closing braces right after.
                    guard let before, "{#^/&".contains(before), rest.dropFirst(key.count).hasPrefix("}}"), !key.isEmpty else { continue }
                    if known[String(key)] == nil {
                        problems.append(SiteError(step: "check", file: "Templates/\(name)", line: index + 1,
                                                  reason: "interface string 't.\(key)' is in no language (Templates/i18n/en.yaml lacks it)"))
                    }
                }
            }
        }
        return problems
    }

    /// Markdown links to addresses on this site (`](/...)`) whose page or file was not built.
    private func brokenLinks(in page: ContentPage, built: URL) -> [SiteError] {
        var problems: [SiteError] = []
        let file = "Content/\(page.language)/\(page.relativePath)"
        let text = (try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)) ?? ""
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = Substring(line)
            while let start = rest.range(of: "](/") {
                let target = rest[rest.index(start.lowerBound, offsetBy: 2)...].prefix { $0 != ")" && $0 != " " }
                rest = rest[start.upperBound...]
                let path = String(target.prefix { $0 != "#" && $0 != "?" })
                if !exists(path, in: built) {
                    problems.append(SiteError(step: "check", file: file, line: index + 1, reason: "broken link \(path)"))
                }
            }
        }
        return problems
    }

    private func exists(_ path: String, in built: URL) -> Bool {
        let manager = FileManager.default
        let relative = String(path.dropFirst())
        if path.hasSuffix("/") { return manager.fileExists(atPath: built.appendingPathComponent(relative + "index.html").path) }
        return manager.fileExists(atPath: built.appendingPathComponent(relative).path)
            || manager.fileExists(atPath: built.appendingPathComponent(relative + "/index.html").path)
    }
}
