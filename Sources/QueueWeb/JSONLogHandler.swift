import Foundation
import Logging

/// A swift-log handler that writes each entry as one JSON object on one line: `time` (UTC, ISO 8601
/// with milliseconds), `level`, `message`, `logger`, then the entry's metadata as fields (numbers
/// as numbers). Bootstrapped by the fcgi-app executable only; the log's privacy is the callers'
/// (DESIGN, Security): no personal data or secret is ever put in a message or metadata.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: LogOutput

    public init(label: String, output: LogOutput) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = event.metadata ?? [:]
        // The entry's own metadata wins over the provider's, which wins over the handler's; most
        // entries (a request's line) have only their own.
        if !metadata.isEmpty || metadataProvider != nil {
            fields = metadata
            if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
            if let own = event.metadata { fields.merge(own) { _, new in new } }
        }
        output.write(Self.line(time: Date(), level: event.level, message: event.message.description, logger: label, metadata: fields))
    }

    /// The fixed fields first, then the metadata by key (a key that repeats a fixed field is prefixed).
    static func line(time: Date, level: Logger.Level, message: String, logger: String, metadata: Logger.Metadata) -> String {
        var text = "{\"time\":\""
        text.reserveCapacity(256)
        text += timestamp(time)
        text += "\",\"level\":\""
        text += level.rawValue
        text += "\",\"message\":"
        text += quoted(message)
        text += ",\"logger\":"
        text += quoted(logger)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            text += ","
            switch key {
            case "time", "level", "message", "logger": text += quoted("meta_" + key)
            default: text += quoted(key)
            }
            text += ":"
            text += encode(value)
        }
        text += "}\n"
        return text
    }

    private static func encode(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let string):
            return quoted(string)
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as Int: return String(number)
            case let number as Int64: return String(number)
            case let number as Double where number.isFinite: return String(number)
            case let flag as Bool: return flag ? "true" : "false"
            default: return quoted(convertible.description)
            }
        case .dictionary(let dictionary):
            return "{" + dictionary.sorted { $0.key < $1.key }.map { quoted($0.key) + ":" + encode($0.value) }.joined(separator: ",") + "}"
        case .array(let array):
            return "[" + array.map(encode).joined(separator: ",") + "]"
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as it is (UTF-8).
    static func quoted(_ string: String) -> String {
        // Most fields need no escape (one line per request): kept whole rather than rebuilt scalar
        // by scalar. 0xC2 begins the C1 controls, 0xE2 the line separators and bidi controls, which
        // the slow path escapes.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xC2 || $0 == 0xE2 }) {
            return "\"" + string + "\""
        }
        var out = "\""
        out.unicodeScalars.reserveCapacity(string.unicodeScalars.count + 2)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // Controls, and what would make a terminal or viewer show the line otherwise than it is:
            // DEL and the C1 controls (U+0085 is a line break to some), line separators, bidi overrides.
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `2026-12-05T17:20:01.042Z`, without a formatter (one line per request).
    static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(milliseconds % 1000)
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }
}
