import Foundation
import Mustache

/// The Mustache templates of `Templates/` (`*.mustache`, named by file name without extension),
/// parsed up front so that a syntax error stops the build with its file and line.
struct SiteTemplates {
    private var library = MustacheLibrary()

    init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".mustache") }.sorted()
        for name in names {
            let displayPath = "Templates/\(name)"
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            do {
                library.register(try MustacheTemplate(string: text), named: String(name.dropLast(".mustache".count)))
            } catch let error as MustacheTemplate.ParserError {
                throw SiteError(step: "load templates", file: displayPath, line: error.context.lineNumber,
                                reason: "template syntax error (\(error.error))")
            }
        }
    }

    /// The template for a page: its `layout` if the site has that template, else its kind's
    /// (`section`, `service`, `office`) where the site has one, else `page`.
    func name(for page: ContentPage) throws -> String {
        if let layout = page.metadata.layout {
            guard library.getTemplate(named: layout) != nil else {
                throw SiteError(step: "render", file: "Content/\(page.contentLanguage)/\(page.relativePath)", line: 2,
                                reason: "there is no template Templates/\(layout).mustache for layout '\(layout)'")
            }
            return layout
        }
        let wanted = switch page.kind {
        case .page: "page"
        case .section: "section"
        case .service: "service"
        case .office: "office"
        case .officeBooking: "booking"
        case .notice: "page"
        }
        return library.getTemplate(named: wanted) == nil ? "page" : wanted
    }

    func has(_ name: String) -> Bool { library.getTemplate(named: name) != nil }

    func render(_ context: [String: Any], with name: String) throws -> String {
        guard let html = library.render(context, withTemplate: name) else {
            throw SiteError(step: "render", file: "Templates/\(name).mustache", reason: "the template is missing")
        }
        return html
    }
}
