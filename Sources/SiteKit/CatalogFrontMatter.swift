/// A service page's front matter. In English it defines the service; a Gujarati or Hindi page
/// translates the title, documents and fees (the other fields are taken from English).
struct ServiceFrontMatter: Decodable {
    let title: String
    let tokenPrefix: String?
    let typicalMinutes: Int?
    let appointments: Bool?
    let requiredDocuments: [String]?
    let fees: String?

    enum CodingKeys: String, CodingKey {
        case title, appointments, fees
        case tokenPrefix = "token_prefix"
        case typicalMinutes = "typical_minutes"
        case requiredDocuments = "required_documents"
    }
}

/// An office page's front matter: in English the directory entry; translations give title and address.
struct OfficeFrontMatter: Decodable {
    struct Counter: Decodable {
        let number: Int
        let services: [String]
        /// Planned pauses every open day, such as `["13:30-14:00 Lunch"]`.
        let pauses: [String]?
        /// When it stops calling, if before the office closes, such as `"17:30"`.
        let closes: String?
    }

    let title: String
    let code: String?
    let discom: String?
    let address: String?
    let map: String?
    let timeZone: String?
    /// `mon` ... `sun`: `"10:30-18:30"` or `"closed"`.
    let hours: [String: String]?
    /// Service code -> daily cap.
    let services: [String: Int]?
    let counters: [Counter]?
    let slotMinutes: Int?
    let slotCapacity: Int?
    /// The display board's announcement languages, such as `[gu, en]`.
    let announce: [String]?
    /// "Your turn is near" once this many people or fewer are before a citizen (default 3).
    let turnNearAhead: Int?
    /// `sms` or `whatsapp`: how citizens who chose SMS are told (default `sms`).
    let smsVia: String?

    enum CodingKeys: String, CodingKey {
        case title, code, discom, address, map, hours, services, counters, announce
        case turnNearAhead = "turn_near_ahead"
        case smsVia = "sms_via"
        case timeZone = "time_zone"
        case slotMinutes = "slot_minutes"
        case slotCapacity = "slot_capacity"
    }
}

/// The offices section's front matter: the distribution companies (names per language).
struct OfficesIndexFrontMatter: Decodable {
    struct Discom: Decodable {
        let code: String
        let name: String
    }

    let title: String
    let discoms: [Discom]?
}
