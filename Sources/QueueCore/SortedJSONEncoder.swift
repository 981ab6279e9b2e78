import Foundation

/// Writes JSON the way the API always has with Foundation's `JSONEncoder` (keys in snake case and
/// sorted, dates in ISO 8601, slashes unescaped), without its generic machinery: a counter's desk and
/// a token's status spent more in that than in their SQL. A test holds the bytes equal to
/// Foundation's for every answer the hot routes give. The keys of a `[String: _]` are written as
/// they are, as Foundation does, so an outbox row's values (keys in order, the same values the same text) are written by it too.
public struct SortedJSONEncoder: Sendable {
    public init() {}

    public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let scalars = JSONScalars()
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try JSONNode.box(value, scalars).write(into: &out, scalars: scalars)
        return out
    }
}

/// Every scalar of one encoding, written once, side by side: a node keeps where its bytes are, so
/// a value costs no allocation of its own (a desk of 50 waiting citizens has some 400 of them).
private final class JSONScalars {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(2048) }

    func append(_ write: (inout [UInt8]) throws -> Void) rethrows -> JSONPart {
        let start = bytes.count
        try write(&bytes)
        return .scalar(start..<bytes.count)
    }

    func string(_ text: String) -> JSONPart { append { JSONText.writeString(text, into: &$0) } }

    func text(_ text: String) -> JSONPart { append { $0.append(contentsOf: text.utf8) } }

    func number(_ value: Double) throws -> JSONPart { try append { try JSONText.writeNumber(value, into: &$0) } }

    func integer<I: BinaryInteger>(_ value: I) -> JSONPart { append { JSONText.writeInteger(value, into: &$0) } }

    func boolean(_ flag: Bool) -> JSONPart { append { JSONText.writeBool(flag, into: &$0) } }

    var null: JSONPart { text("null") }
}

/// A value in an object or array: a scalar's bytes among the encoding's scalars, or a node.
private enum JSONPart {
    case scalar(Range<Int>)
    case node(JSONNode)

    func write(into out: inout [UInt8], scalars: JSONScalars) throws {
        switch self {
        case .scalar(let range): out.append(contentsOf: scalars.bytes[range])
        case .node(let node): try node.write(into: &out, scalars: scalars)
        }
    }
}

/// A JSON value being built: a scalar, or an object or array of parts.
private final class JSONNode {
    var scalar: JSONPart?
    var object: [(key: String, value: JSONPart)]?
    var array: [JSONPart]?

    init() {}

    /// The part of any value, the types `JSONEncoder` writes in its own way first.
    static func box<Value: Encodable>(_ value: Value, _ scalars: JSONScalars) throws -> JSONPart {
        switch value {
        case let text as String: return scalars.string(text)
        case let writable as any JSONWritable: return try scalars.append { try writable.writeJSON(into: &$0) }
        case let number as Int: return scalars.integer(number)
        case let number as Int64: return scalars.integer(number)
        case let number as Int32: return scalars.integer(number)
        case let number as Double: return try scalars.number(number)
        case let number as Float:
            guard number.isFinite else { return try scalars.number(Double(number)) }
            var text = number.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            return scalars.text(text)
        // Every other integer type (their own encoding asks for a single value of themselves).
        case let number as any BinaryInteger: return scalars.text(String(describing: number))
        case let flag as Bool: return scalars.boolean(flag)
        case let date as Date: return scalars.append { JSONText.writeDate(date, into: &$0) }
        case let url as URL: return scalars.string(url.absoluteString)
        case let data as Data: return scalars.string(data.base64EncodedString())
        case let dictionary as any StringKeyedEncodable:
            // A dictionary keyed by strings keeps its keys as they are (JSONEncoder converts only
            // the keys of types' own coding keys).
            let node = JSONNode()
            node.object = try dictionary.parts(scalars)
            return .node(node)
        default:
            let encoder = NodeEncoder(scalars: scalars)
            try value.encode(to: encoder)
            return .node(encoder.node)
        }
    }

    func set(_ key: String, _ value: JSONPart) {
        if let index = object?.firstIndex(where: { $0.key == key }) { object?[index].value = value } else { object?.append((key, value)) }
    }

    /// Takes another node's content (a single value encoded as an object or array).
    func take(_ part: JSONPart) {
        switch part {
        case .scalar: scalar = part
        case .node(let node):
            scalar = node.scalar
            object = node.object
            array = node.array
        }
    }

    func write(into out: inout [UInt8], scalars: JSONScalars) throws {
        if let scalar {
            try scalar.write(into: &out, scalars: scalars)
        } else if let object {
            out.append(UInt8(ascii: "{"))
            for (index, entry) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.writeString(entry.key, into: &out)
                out.append(UInt8(ascii: ":"))
                try entry.value.write(into: &out, scalars: scalars)
            }
            out.append(UInt8(ascii: "}"))
        } else if let array {
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try element.write(into: &out, scalars: scalars)
            }
            out.append(UInt8(ascii: "]"))
        } else {
            // A value that encoded nothing at all: JSONEncoder writes an empty object.
            out.append(contentsOf: Array("{}".utf8))
        }
    }
}

/// JSON's text: strings escaped as Foundation escapes them (slashes unescaped), numbers, keys.
public enum JSONText {
    private static let hex = Array("0123456789abcdef".utf8)

    /// A time in ISO 8601 (seconds, UTC), as `JSONEncoder`'s `.iso8601` strategy writes it.
    public static func writeDate(_ date: Date, into out: inout [UInt8]) {
        writeString(date.formatted(.iso8601), into: &out)
    }

    public static func writeInteger<I: BinaryInteger>(_ value: I, into out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    public static func writeBool(_ flag: Bool, into out: inout [UInt8]) {
        out.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    public static func writeNumber(_ value: Double, into out: inout [UInt8]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "A number that is not finite."))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        out.append(contentsOf: text.utf8)
    }

    /// `"key":` (a key written as it is), after a comma unless it is the object's first.
    public static func writeKey(_ key: String, first: Bool = false, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        writeString(key, into: &out)
        out.append(UInt8(ascii: ":"))
    }

    public static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most text needs no escape: copied in one piece rather than byte by byte (a desk writes
        // some 500 strings).
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// A value that writes its own JSON, exactly as the encoder would write it (keys in snake case and
/// sorted): for the many small values of a hot answer, which would otherwise each go through the
/// `Encoder` protocol. The test against Foundation's encoder holds them to the same bytes.
public protocol JSONWritable {
    func writeJSON(into out: inout [UInt8]) throws
}

/// The fields of one object written by hand, in the order given (the caller gives them sorted),
/// leaving out nil as `encodeIfPresent` does.
public struct JSONObjectWriter {
    private var first = true

    public init(into out: inout [UInt8]) { out.append(UInt8(ascii: "{")) }

    public mutating func key(_ key: String, into out: inout [UInt8]) {
        JSONText.writeKey(key, first: first, into: &out)
        first = false
    }

    public mutating func string(_ key: String, _ value: String?, into out: inout [UInt8]) {
        guard let value else { return }
        self.key(key, into: &out)
        JSONText.writeString(value, into: &out)
    }

    public mutating func integer<I: BinaryInteger>(_ key: String, _ value: I?, into out: inout [UInt8]) {
        guard let value else { return }
        self.key(key, into: &out)
        JSONText.writeInteger(value, into: &out)
    }

    public mutating func number(_ key: String, _ value: Double?, into out: inout [UInt8]) throws {
        guard let value else { return }
        self.key(key, into: &out)
        try JSONText.writeNumber(value, into: &out)
    }

    public mutating func bool(_ key: String, _ value: Bool?, into out: inout [UInt8]) {
        guard let value else { return }
        self.key(key, into: &out)
        JSONText.writeBool(value, into: &out)
    }

    public mutating func date(_ key: String, _ value: Date?, into out: inout [UInt8]) {
        guard let value else { return }
        self.key(key, into: &out)
        JSONText.writeDate(value, into: &out)
    }

    /// An array of values, each written by `write` (an empty array is written, as the encoder does).
    public mutating func array<Element>(_ key: String, _ values: [Element], into out: inout [UInt8],
                                        _ write: (Element, inout [UInt8]) throws -> Void) rethrows {
        self.key(key, into: &out)
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try write(value, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// An array of `JSONWritable` values.
    public mutating func array<Element: JSONWritable>(_ key: String, _ values: [Element], into out: inout [UInt8]) throws {
        try array(key, values, into: &out) { value, out in try value.writeJSON(into: &out) }
    }

    /// An array of strings.
    public mutating func strings(_ key: String, _ values: [String], into out: inout [UInt8]) {
        array(key, values, into: &out) { value, out in JSONText.writeString(value, into: &out) }
    }

    /// A nested value, if present.
    public mutating func value<Value: JSONWritable>(_ key: String, _ value: Value?, into out: inout [UInt8]) throws {
        guard let value else { return }
        self.key(key, into: &out)
        try value.writeJSON(into: &out)
    }

    public func end(into out: inout [UInt8]) { out.append(UInt8(ascii: "}")) }
}

/// `[String: Value]`, whose keys JSONEncoder writes unconverted.
private protocol StringKeyedEncodable {
    func parts(_ scalars: JSONScalars) throws -> [(key: String, value: JSONPart)]
}

extension Dictionary: StringKeyedEncodable where Key == String, Value: Encodable {
    fileprivate func parts(_ scalars: JSONScalars) throws -> [(key: String, value: JSONPart)] {
        try map { ($0.key, try JSONNode.box($0.value, scalars)) }
    }
}

/// The keys of types' coding keys in snake case, as `JSONEncoder.KeyEncodingStrategy.convertToSnakeCase`
/// writes them (`tokenID` becomes `token_id`), worked out once per key.
private enum SnakeCase {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var known: [String: String] = [:]

    static func of(_ key: String) -> String {
        lock.lock()
        if let converted = known[key] { lock.unlock(); return converted }
        lock.unlock()
        let converted = convert(key)
        lock.lock()
        if known.count < 10_000 { known[key] = converted }
        lock.unlock()
        return converted
    }

    /// Words begin at a capital after a small letter, and at the last capital of a run of them that
    /// a small letter follows; they are lowercased and joined with underscores.
    static func convert(_ key: String) -> String {
        let characters = Array(key)
        guard !characters.isEmpty else { return key }
        var words: [Range<Int>] = []
        var wordStart = 0
        var search = 1
        while let upper = (search..<characters.count).first(where: { characters[$0].isUppercase }) {
            words.append(wordStart..<upper)
            guard let lower = (upper..<characters.count).first(where: { characters[$0].isLowercase }) else {
                wordStart = upper
                search = characters.count
                break
            }
            if lower == upper + 1 {
                wordStart = upper
            } else {
                words.append(upper..<(lower - 1))
                wordStart = lower - 1
            }
            search = lower + 1
        }
        words.append(wordStart..<characters.count)
        return words.map { String(characters[$0]).lowercased() }.joined(separator: "_")
    }
}

private final class NodeEncoder: Encoder {
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let node: JSONNode
    let scalars: JSONScalars

    init(node: JSONNode = JSONNode(), scalars: JSONScalars) {
        self.node = node
        self.scalars = scalars
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.object == nil { node.object = [] }
        return KeyedEncodingContainer(KeyedNode<Key>(node: node, scalars: scalars))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.array == nil { node.array = [] }
        return UnkeyedNode(node: node, scalars: scalars)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNode(node: node, scalars: scalars) }
}

private struct KeyedNode<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var codingPath: [any CodingKey] { [] }
    let node: JSONNode
    let scalars: JSONScalars

    private func set(_ key: Key, _ value: JSONPart) { node.set(SnakeCase.of(key.stringValue), value) }

    func encodeNil(forKey key: Key) throws { set(key, scalars.null) }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws { set(key, try JSONNode.box(value, scalars)) }

    // The common scalars without `box`'s run of dynamic casts (a generic value's type is known only
    // at run time there).
    func encode(_ value: String, forKey key: Key) throws { set(key, scalars.string(value)) }
    func encode(_ value: Int, forKey key: Key) throws { set(key, scalars.integer(value)) }
    func encode(_ value: Int64, forKey key: Key) throws { set(key, scalars.integer(value)) }
    func encode(_ value: Double, forKey key: Key) throws { set(key, try scalars.number(value)) }
    func encode(_ value: Bool, forKey key: Key) throws { set(key, scalars.boolean(value)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONNode()
        child.object = []
        set(key, .node(child))
        return KeyedEncodingContainer(KeyedNode<NestedKey>(node: child, scalars: scalars))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = JSONNode()
        child.array = []
        set(key, .node(child))
        return UnkeyedNode(node: child, scalars: scalars)
    }

    func superEncoder() -> any Encoder { superEncoder(named: "super") }

    func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: SnakeCase.of(key.stringValue)) }

    private func superEncoder(named name: String) -> any Encoder {
        let child = JSONNode()
        node.set(name, .node(child))
        return NodeEncoder(node: child, scalars: scalars)
    }
}

private struct UnkeyedNode: UnkeyedEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    let node: JSONNode
    let scalars: JSONScalars
    var count: Int { node.array?.count ?? 0 }

    func encodeNil() throws { node.array?.append(scalars.null) }

    func encode<T: Encodable>(_ value: T) throws { node.array?.append(try JSONNode.box(value, scalars)) }
    func encode(_ value: String) throws { node.array?.append(scalars.string(value)) }
    func encode(_ value: Int) throws { node.array?.append(scalars.integer(value)) }
    func encode(_ value: Int64) throws { node.array?.append(scalars.integer(value)) }
    func encode(_ value: Double) throws { node.array?.append(try scalars.number(value)) }
    func encode(_ value: Bool) throws { node.array?.append(scalars.boolean(value)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONNode()
        child.object = []
        node.array?.append(.node(child))
        return KeyedEncodingContainer(KeyedNode<NestedKey>(node: child, scalars: scalars))
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = JSONNode()
        child.array = []
        node.array?.append(.node(child))
        return UnkeyedNode(node: child, scalars: scalars)
    }

    func superEncoder() -> any Encoder {
        let child = JSONNode()
        node.array?.append(.node(child))
        return NodeEncoder(node: child, scalars: scalars)
    }
}

private struct SingleNode: SingleValueEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    let node: JSONNode
    let scalars: JSONScalars

    func encodeNil() throws { node.scalar = scalars.null }
    func encode(_ value: String) throws { node.scalar = scalars.string(value) }
    func encode(_ value: Int) throws { node.scalar = scalars.integer(value) }
    func encode(_ value: Int64) throws { node.scalar = scalars.integer(value) }
    func encode(_ value: Double) throws { node.scalar = try scalars.number(value) }
    func encode(_ value: Bool) throws { node.scalar = scalars.boolean(value) }

    func encode<T: Encodable>(_ value: T) throws { node.take(try JSONNode.box(value, scalars)) }
}
