/// A site build failure that names the step, and the file and line at fault where there is one.
public struct SiteError: Error, Sendable, CustomStringConvertible {
    public var step: String
    public var file: String?
    public var line: Int?
    public var reason: String

    public init(step: String, file: String? = nil, line: Int? = nil, reason: String) {
        self.step = step
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `file:line: reason`, the form editors' tools and editors jump to.
    public var description: String {
        switch (file, line) {
        case let (file?, line?): "\(file):\(line): \(reason)"
        case let (file?, nil): "\(file): \(reason)"
        default: "\(step): \(reason)"
        }
    }
}
