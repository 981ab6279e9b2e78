import Yams

/// A Markdown file's YAML front matter (between `---` lines at the top) and its body.
struct FrontMatter {
    let yaml: String
    let body: String
    /// Line number, in the file, of the first line of the YAML.
    let yamlFirstLine: Int

    /// Splits the file's text; a file without front matter is all body.
    static func split(_ text: String, file: String) throws -> FrontMatter {
        // Scans lines as substrings of the text: only the front matter is walked, the body is one slice.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        var lineStart = text.startIndex
        var yamlStart: String.Index?
        while lineStart < text.endIndex {
            let lineEnd = text[lineStart...].firstIndex(of: "\n") ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            let isFence = line.hasPrefix("---") && line.dropFirst(3).allSatisfy(\.isWhitespace)
            let next = lineEnd < text.endIndex ? text.index(after: lineEnd) : lineEnd
            if let start = yamlStart {
                if isFence {
                    return FrontMatter(yaml: String(text[start..<lineStart].dropLast()), body: String(text[next...]), yamlFirstLine: 2)
                }
            } else if isFence {
                yamlStart = next
            } else {
                return FrontMatter(yaml: "", body: text, yamlFirstLine: 1)
            }
            lineStart = next
        }
        guard yamlStart == nil else {
            throw SiteError(step: "load content", file: file, line: 1,
                            reason: "front matter opened with --- is never closed with a second --- line")
        }
        return FrontMatter(yaml: "", body: text, yamlFirstLine: 1)
    }

    /// Decodes the YAML into `Metadata`, reporting the failing line of the file.
    func decode<Metadata: Decodable>(_ type: Metadata.Type, file: String) throws -> Metadata {
        do {
            return try YAMLDecoder(encoding: .utf8).decode(Metadata.self, from: yaml.isEmpty ? "{}" : yaml)
        } catch let error as YamlError {
            throw SiteError(step: "load content", file: file, line: yamlFirstLine + Self.line(of: error),
                            reason: "front matter is not valid YAML: \(Self.summary(of: error))")
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError {
            // Yams wraps the parser's error, which knows the line.
            let yamlError = context.underlyingError as? YamlError
            throw SiteError(step: "load content", file: file, line: yamlFirstLine + (yamlError.map(Self.line) ?? 0),
                            reason: "front matter is not valid YAML: \(yamlError.map(Self.summary) ?? "unreadable")")
        } catch let error as DecodingError {
            throw SiteError(step: "load content", file: file, line: yamlFirstLine + line(of: error),
                            reason: "front matter \(Self.describe(error))")
        }
    }

    /// The 1-based line of a whole YAML file where Yams failed (1 when it does not say).
    static func line(in error: any Error) -> Int {
        1 + (yamlError(in: error).map(line(of:)) ?? 0)
    }

    /// What Yams said, without its internals.
    static func summary(in error: any Error) -> String {
        yamlError(in: error).map(summary(of:)) ?? "\(error)"
    }

    /// Yams' own error, which Yams' decoder wraps in a `DecodingError`.
    private static func yamlError(in error: any Error) -> YamlError? {
        if let error = error as? YamlError { return error }
        if case DecodingError.dataCorrupted(let context) = error { return context.underlyingError as? YamlError }
        return nil
    }

    private static func line(of error: YamlError) -> Int {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            max(0, mark.line - 1)
        default: 0
        }
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            problem
        default: "\(error)"
        }
    }

    /// The line in the file of a top-level `key:` of the front matter (the first line of it if absent).
    func line(ofKey key: String) -> Int {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        return yamlFirstLine + (lines.firstIndex { $0.hasPrefix("\(key):") } ?? 0)
    }

    /// The line of the key a decoding error is about, found by name in the YAML text.
    private func line(of error: DecodingError) -> Int {
        let key: String?
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            key = context.codingPath.last?.stringValue
        case .keyNotFound:
            return 0
        @unknown default:
            key = nil
        }
        guard let key else { return 0 }
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.firstIndex { $0.trimmingLeadingSpace.hasPrefix("\(key):") } ?? 0
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "is missing the required field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type: \(context.debugDescription)"
        case .dataCorrupted(let context): "is invalid: \(context.debugDescription)"
        @unknown default: "is invalid"
        }
    }
}

extension StringProtocol {
    fileprivate var trimmingLeadingSpace: Substring { Substring(drop(while: \.isWhitespace)) }
}
