import Foundation

/// One page's work in a parallel build: render, write, and write the `.gz` twin from memory.
/// Everything it reads is immutable during the build; the writer serialises folder creation.
struct RenderJob: @unchecked Sendable {
    let pages: [ContentPage]
    let templates: SiteTemplates
    let context: PageContext
    let staging: URL
    let writer: StagingWriter

    func render(_ index: Int) throws {
        let page = pages[index]
        let html = Array(try templates.render(context.make(for: page), with: try templates.name(for: page)).utf8)
        let file = staging.appendingPathComponent(page.outputPath)
        try writer.write(html, to: file)
        if html.count >= 256, let compressed = Gzip.compress(html), compressed.count < html.count {
            try writer.write(compressed, to: URL(fileURLWithPath: file.path + ".gz"))
        }
    }
}

/// The first error of a parallel step.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: (any Error)?

    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return first != nil }
    var error: (any Error)? { lock.lock(); defer { lock.unlock() }; return first }

    func record(_ error: any Error) {
        lock.lock()
        if first == nil { first = error }
        lock.unlock()
    }
}
