/// A short text held in place, without storage of its own on the heap, so that a value holding it
/// is copied as plain bytes. The live picture's waiting list is copied whole when the first change
/// of a group touches it (readers share the installed one); with a `String` in each entry that copy
/// made a call and a reference count per waiting citizen, most of a booking's time in the write
/// lock with a long queue.
struct InlineText: Sendable, Equatable {
    /// The most UTF-8 bytes it holds (a token number is at most 12 characters, "ABC-0001" style).
    static let capacity = 15

    /// The text's bytes, then zeros; the last byte is the length.
    private var storage: (UInt64, UInt64) = (0, 0)

    /// Nil for a text longer than `capacity` bytes.
    init?(_ text: String) {
        var text = text
        let fits = text.withUTF8 { utf8 -> Bool in
            guard utf8.count <= Self.capacity else { return false }
            withUnsafeMutableBytes(of: &storage) { bytes in
                bytes.copyMemory(from: UnsafeRawBufferPointer(utf8))
                bytes[Self.capacity] = UInt8(utf8.count)
            }
            return true
        }
        if !fits { return nil }
    }

    static func == (a: InlineText, b: InlineText) -> Bool { a.storage == b.storage }

    var string: String {
        withUnsafeBytes(of: storage) { bytes in
            String(decoding: bytes.prefix(Int(bytes[Self.capacity])), as: UTF8.self)
        }
    }
}
