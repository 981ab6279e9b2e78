import Foundation

/// Writes JSON the way the API always has with Foundation's `JSONEncoder` (keys in snake case and
/// sorted, dates in ISO 8601, slashes unescaped), without its generic machinery: a counter's desk and
/// a token's status spent more in that than in their SQL. A test holds the bytes equal to
/// Foundation's for every answer the hot routes give. The keys of a `[String: _]` are written as
/// they are, as Foundation does, so an outbox row's values (keys in order, the same values the same text) are written by it too.
public struct SortedJSONEncoder: Sendable {
    public init() {}

    public func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try JSONNode.box(value).write(into: &out)
        return out
    }
}

/// A JSON value being built: a scalar already written, or an object or array of nodes.
private final class JSONNode {
    var scalar: [UInt8]?
    var object: [(key: String, value: JSONNode)]?
    var array: [JSONNode]?

    init() {}
    init(scalar: [UInt8]) { self.scalar = scalar }

    static let null = Array("null".utf8)

    static func string(_ text: String) -> JSONNode {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        writeString(text, into: &out)
        return JSONNode(scalar: out)
    }

    static func number(_ value: Double) throws -> JSONNode {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "A number that is not finite."))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return JSONNode(scalar: Array(text.utf8))
    }

    static func integer<I: BinaryInteger>(_ value: I) -> JSONNode { JSONNode(scalar: Array(String(value).utf8)) }

    /// The node of any value, the types `JSONEncoder` writes in its own way first.
    static func box<Value: Encodable>(_ value: Value) throws -> JSONNode {
        switch value {
        case let text as String: return string(text)
        case let number as Int: return integer(number)
        case let number as Int64: return integer(number)
        case let number as Int32: return integer(number)
        case let number as Double: return try self.number(number)
        case let number as Float:
            guard number.isFinite else { return try self.number(Double(number)) }
            var text = number.description
            if text.hasSuffix(".0") { text.removeLast(2) }
            return JSONNode(scalar: Array(text.utf8))
        // Every other integer type (their own encoding asks for a single value of themselves).
        case let number as any BinaryInteger: return JSONNode(scalar: Array(String(describing: number).utf8))
        case let flag as Bool: return JSONNode(scalar: Array((flag ? "true" : "false").utf8))
        case let date as Date: return string(date.formatted(.iso8601))
        case let url as URL: return string(url.absoluteString)
        case let data as Data: return string(data.base64EncodedString())
        case let dictionary as any StringKeyedEncodable:
            // A dictionary keyed by strings keeps its keys as they are (JSONEncoder converts only
            // the keys of types' own coding keys).
            let node = JSONNode()
            node.object = try dictionary.nodes()
            return node
        default:
            let encoder = NodeEncoder()
            try value.encode(to: encoder)
            return encoder.node
        }
    }

    func set(_ key: String, _ value: JSONNode) {
        if let index = object?.firstIndex(where: { $0.key == key }) { object?[index].value = value } else { object?.append((key, value)) }
    }

    func write(into out: inout [UInt8]) throws {
        if let scalar {
            out.append(contentsOf: scalar)
        } else if let object {
            out.append(UInt8(ascii: "{"))
            for (index, entry) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(entry.key, into: &out)
                out.append(UInt8(ascii: ":"))
                try entry.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        } else if let array {
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        } else {
            // A value that encoded nothing at all: JSONEncoder writes an empty object.
            out.append(contentsOf: Array("{}".utf8))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
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

/// `[String: Value]`, whose keys JSONEncoder writes unconverted.
private protocol StringKeyedEncodable {
    func nodes() throws -> [(key: String, value: JSONNode)]
}

extension Dictionary: StringKeyedEncodable where Key == String, Value: Encodable {
    fileprivate func nodes() throws -> [(key: String, value: JSONNode)] { try map { ($0.key, try JSONNode.box($0.value)) } }
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

    init(node: JSONNode = JSONNode()) { self.node = node }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.object == nil { node.object = [] }
        return KeyedEncodingContainer(KeyedNode<Key>(node: node))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.array == nil { node.array = [] }
        return UnkeyedNode(node: node)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleNode(node: node) }
}

private struct KeyedNode<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var codingPath: [any CodingKey] { [] }
    let node: JSONNode

    func encodeNil(forKey key: Key) throws { node.set(SnakeCase.of(key.stringValue), JSONNode(scalar: JSONNode.null)) }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws { node.set(SnakeCase.of(key.stringValue), try JSONNode.box(value)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONNode()
        child.object = []
        node.set(SnakeCase.of(key.stringValue), child)
        return KeyedEncodingContainer(KeyedNode<NestedKey>(node: child))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = JSONNode()
        child.array = []
        node.set(SnakeCase.of(key.stringValue), child)
        return UnkeyedNode(node: child)
    }

    func superEncoder() -> any Encoder { superEncoder(named: "super") }

    func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: SnakeCase.of(key.stringValue)) }

    private func superEncoder(named name: String) -> any Encoder {
        let child = JSONNode()
        node.set(name, child)
        return NodeEncoder(node: child)
    }
}

private struct UnkeyedNode: UnkeyedEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    let node: JSONNode
    var count: Int { node.array?.count ?? 0 }

    func encodeNil() throws { node.array?.append(JSONNode(scalar: JSONNode.null)) }

    func encode<T: Encodable>(_ value: T) throws { node.array?.append(try JSONNode.box(value)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = JSONNode()
        child.object = []
        node.array?.append(child)
        return KeyedEncodingContainer(KeyedNode<NestedKey>(node: child))
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = JSONNode()
        child.array = []
        node.array?.append(child)
        return UnkeyedNode(node: child)
    }

    func superEncoder() -> any Encoder {
        let child = JSONNode()
        node.array?.append(child)
        return NodeEncoder(node: child)
    }
}

private struct SingleNode: SingleValueEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    let node: JSONNode

    func encodeNil() throws { node.scalar = JSONNode.null }

    func encode<T: Encodable>(_ value: T) throws {
        let boxed = try JSONNode.box(value)
        node.scalar = boxed.scalar
        node.object = boxed.object
        node.array = boxed.array
    }
}
