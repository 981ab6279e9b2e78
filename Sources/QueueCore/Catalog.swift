import Foundation

/// The service catalogue and office directory, as sitegen writes it to `public/catalog.json` from the
/// Markdown front matter and `fcgi-app import-catalog` loads it: the Markdown is the single source of truth.
public struct Catalog: Codable, Sendable, Equatable {
    public struct Discom: Codable, Sendable, Equatable {
        public var code: String
        public var names: LocalizedName

        public init(code: String, names: LocalizedName) {
            self.code = code
            self.names = names
        }
    }

    public struct Service: Codable, Sendable, Equatable {
        public var code: String
        public var tokenPrefix: String
        public var names: LocalizedName
        public var typicalMinutes: Int
        public var takesAppointments: Bool
        public var requiredDocuments: [LocalizedName]
        public var fees: LocalizedName?

        public init(code: String, tokenPrefix: String, names: LocalizedName, typicalMinutes: Int, takesAppointments: Bool,
                    requiredDocuments: [LocalizedName], fees: LocalizedName?) {
            self.code = code
            self.tokenPrefix = tokenPrefix
            self.names = names
            self.typicalMinutes = typicalMinutes
            self.takesAppointments = takesAppointments
            self.requiredDocuments = requiredDocuments
            self.fees = fees
        }
    }

    public struct Office: Codable, Sendable, Equatable {
        public struct Hours: Codable, Sendable, Equatable {
            /// 1 = Monday ... 7 = Sunday.
            public var weekday: Int
            /// Minutes after local midnight.
            public var opens: Int
            public var closes: Int

            public init(weekday: Int, opens: Int, closes: Int) {
                self.weekday = weekday
                self.opens = opens
                self.closes = closes
            }
        }

        public struct OfferedService: Codable, Sendable, Equatable {
            public var code: String
            public var dailyCap: Int

            public init(code: String, dailyCap: Int) {
                self.code = code
                self.dailyCap = dailyCap
            }
        }

        public struct CounterPlan: Codable, Sendable, Equatable {
            public var number: Int
            public var services: [String]
            /// Its planned day, as written (see `CounterSchedule`); absent in catalogues written before.
            public var pauses: [String]?
            public var closes: String?

            public init(number: Int, services: [String], pauses: [String]? = nil, closes: String? = nil) {
                self.number = number
                self.services = services
                self.pauses = pauses
                self.closes = closes
            }
        }

        public var code: String
        public var discom: String
        public var names: LocalizedName
        public var address: LocalizedName
        public var mapURL: String?
        public var timeZone: String
        public var hours: [Hours]
        public var services: [OfferedService]
        public var counters: [CounterPlan]
        /// Appointment slots: their length and places, laid over the opening hours.
        public var slotMinutes: Int
        public var slotCapacity: Int
        /// The languages the display board announces calls in, in order (`gu`, `hi`, `en`).
        public var announceLanguages: [String]?
        /// How the office tells its citizens by default; absent in catalogues written before.
        public var messaging: OfficeMessaging?

        public init(code: String, discom: String, names: LocalizedName, address: LocalizedName, mapURL: String?,
                    timeZone: String, hours: [Hours], services: [OfferedService], counters: [CounterPlan],
                    slotMinutes: Int, slotCapacity: Int, announceLanguages: [String]? = nil, messaging: OfficeMessaging? = nil) {
            self.code = code
            self.discom = discom
            self.names = names
            self.address = address
            self.mapURL = mapURL
            self.timeZone = timeZone
            self.hours = hours
            self.services = services
            self.counters = counters
            self.slotMinutes = slotMinutes
            self.slotCapacity = slotCapacity
            self.announceLanguages = announceLanguages
            self.messaging = messaging
        }
    }

    public static let formatVersion = 1

    public var version: Int
    public var discoms: [Discom]
    public var services: [Service]
    public var offices: [Office]

    public init(discoms: [Discom], services: [Service], offices: [Office]) {
        version = Self.formatVersion
        self.discoms = discoms
        self.services = services
        self.offices = offices
    }

    /// The catalogue as stable, readable JSON (snake_case keys, sorted).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> Catalog {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Catalog.self, from: data)
    }
}
