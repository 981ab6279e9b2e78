import CMark
import Foundation

/// CommonMark to HTML through libcmark. Raw HTML in the Markdown is never passed through
/// (cmark's safe default): editors cannot inject markup or scripts into citizens' pages.
public enum MarkdownRenderer {
    public static func html(from markdown: String) -> String {
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART
        let bytes = Array(markdown.utf8)
        let rendered = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_markdown_to_html(chars.baseAddress, chars.count, options)
            }
        }
        guard let rendered else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }
}
