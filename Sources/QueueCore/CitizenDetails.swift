/// Who a token is for, as the citizen gave it (validated by `CitizenDetails.validated`).
public struct CitizenDetails: Sendable, Equatable {
    public var name: String
    /// Ten digits, starting 6-9, without +91 or 0.
    public var phone: String
    public var email: String?
    /// The consumer number printed on the electricity bill.
    public var consumerNumber: String?
    public var language: String
    public var priority: PriorityCategory
    /// The channels the citizen wants messages on; nil for the default (SMS when a mobile number is
    /// given, e-mail when an address is).
    public var channels: Set<MessageChannel>?

    public init(name: String, phone: String, email: String? = nil, consumerNumber: String? = nil,
                language: String = "gu", priority: PriorityCategory = .none, channels: Set<MessageChannel>? = nil) {
        self.name = name
        self.phone = phone
        self.email = email
        self.consumerNumber = consumerNumber
        self.language = language
        self.priority = priority
        self.channels = channels
    }
}

extension CitizenDetails {
    public static let nameLimit = 100
    public static let languages: Set<String> = ["en", "gu", "hi"]

    /// The details cleaned up (trimmed, phone normalised), or the first field at fault. An anonymous
    /// booking (an enrolled kiosk's walk-in) may leave name and phone empty; what is given is checked.
    public func validated(allowingAnonymous: Bool = false) throws(QueueError) -> CitizenDetails {
        var clean = self
        clean.name = TextInput.normalised(name)
        if clean.name.isEmpty {
            guard allowingAnonymous else { throw .invalidField(field: "name", reason: "Please enter your name.") }
        } else {
            clean.name = try TextInput.validated(clean.name, field: "name", label: "name", limit: Self.nameLimit)
        }
        if allowingAnonymous && phone.allSatisfy(\.isWhitespace) {
            clean.phone = ""
        } else {
            guard let phone = Self.normalisedMobile(phone) else {
                throw .invalidField(field: "phone", reason: "Enter a 10-digit Indian mobile number starting with 6, 7, 8 or 9 (optionally with +91 or 0).")
            }
            clean.phone = phone
        }
        return try clean.validatedOptionalFields()
    }

    private func validatedOptionalFields() throws(QueueError) -> CitizenDetails {
        var clean = self
        if let email = email.map({ TextInput.normalised($0) }), !email.isEmpty {
            guard Self.isPlausibleEmail(email), TextInput.firstDisallowed(in: email) == nil else {
                throw .invalidField(field: "email", reason: "Enter an e-mail address such as name@example.com, or leave it empty.")
            }
            clean.email = email
        } else {
            clean.email = nil
        }
        if let number = consumerNumber?.filter({ $0 != " " && $0 != "-" }), !number.isEmpty {
            guard (5...15).contains(number.count), number.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw .invalidField(field: "consumer_number", reason: "The consumer number on your bill has 5 to 15 digits.")
            }
            clean.consumerNumber = number
        } else {
            clean.consumerNumber = nil
        }
        guard Self.languages.contains(language) else {
            throw .invalidField(field: "language", reason: "The language must be en, gu or hi.")
        }
        return clean
    }

    /// `98250 12345`, `+91 98250-12345`, `098250 12345` -> `9825012345`; nil if not an Indian mobile.
    public static func normalisedMobile(_ text: String) -> String? {
        var digits = text.filter { !" -().".contains($0) }
        if digits.hasPrefix("+91") { digits.removeFirst(3) } else if digits.hasPrefix("0091") { digits.removeFirst(4) }
        else if digits.count == 11, digits.hasPrefix("0") { digits.removeFirst() }
        else if digits.count == 12, digits.hasPrefix("91") { digits.removeFirst(2) }
        guard digits.count == 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let first = digits.first, "6789".contains(first) else { return nil }
        return digits
    }

    static func isPlausibleEmail(_ text: String) -> Bool {
        // Counted in scalars, as the database's CHECK counts.
        guard TextInput.length(text) <= 254, !text.contains(" ") else { return false }
        // None of the characters that delimit addresses in a mail header or an SMTP command
        // (`To: <...>`, `RCPT TO:<...>`): an address with one could name another recipient.
        guard !text.contains(where: { "<>,;:\"()[]\\".contains($0) }) else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].unicodeScalars.count <= 64 else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".") && !domain.contains("..")
    }
}
