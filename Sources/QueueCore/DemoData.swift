import GRDB

/// Built-in fixture offices and services for tests and benchmarks that run without a site. They mirror
/// the demo content of `Content/` (which `make run` imports through `catalog.json`, the real source).
/// One office is open around the clock so that the demo works at any hour.
public enum DemoData {
    struct Discom { let code, en, gu, hi: String }
    struct Service { let code, prefix, en, gu, hi: String; let minutes: Int; let appointments: Bool }
    struct Office {
        let code, discom, en, gu, hi, addressEN, addressGU, addressHI: String
        /// Minutes after local midnight, Monday to Saturday; `nil` on Sunday means closed.
        let opens: Int, closes: Int, sunday: (Int, Int)?
        let services: [String: Int]
    }

    static let discoms = [
        Discom(code: "DGVCL", en: "Dakshin Gujarat Vij Company Ltd", gu: "દક્ષિણ ગુજરાત વીજ કંપની લિમિટેડ", hi: "दक्षिण गुजरात विज कंपनी लिमिटेड"),
        Discom(code: "MGVCL", en: "Madhya Gujarat Vij Company Ltd", gu: "મધ્ય ગુજરાત વીજ કંપની લિમિટેડ", hi: "मध्य गुजरात विज कंपनी लिमिटेड"),
        Discom(code: "PGVCL", en: "Paschim Gujarat Vij Company Ltd", gu: "પશ્ચિમ ગુજરાત વીજ કંપની લિમિટેડ", hi: "पश्चिम गुजरात विज कंपनी लिमिटेड"),
        Discom(code: "UGVCL", en: "Uttar Gujarat Vij Company Ltd", gu: "ઉત્તર ગુજરાત વીજ કંપની લિમિટેડ", hi: "उत्तर गुजरात विज कंपनी लिमिटेड"),
    ]

    static let services = [
        Service(code: "new-lt-connection", prefix: "NC", en: "New LT connection", gu: "નવું એલ.ટી. વીજ જોડાણ", hi: "नया एलटी बिजली कनेक्शन", minutes: 20, appointments: true),
        Service(code: "name-change", prefix: "NM", en: "Change of name", gu: "નામ ફેરફાર", hi: "नाम परिवर्तन", minutes: 15, appointments: true),
        Service(code: "load-change", prefix: "LC", en: "Load change", gu: "લોડ ફેરફાર", hi: "लोड परिवर्तन", minutes: 15, appointments: true),
        Service(code: "bill-complaint", prefix: "BC", en: "Bill complaint", gu: "બિલ અંગે ફરિયાદ", hi: "बिल संबंधी शिकायत", minutes: 8, appointments: false),
        Service(code: "meter-complaint", prefix: "MC", en: "Meter complaint", gu: "મીટર અંગે ફરિયાદ", hi: "मीटर संबंधी शिकायत", minutes: 10, appointments: false),
        Service(code: "reconnection", prefix: "RC", en: "Reconnection", gu: "પુનઃ વીજ જોડાણ", hi: "पुनः बिजली कनेक्शन", minutes: 10, appointments: false),
        Service(code: "rooftop-solar", prefix: "RS", en: "Rooftop solar", gu: "રૂફટોપ સોલાર", hi: "रूफटॉप सोलर", minutes: 25, appointments: true),
    ]

    static let offices = [
        Office(code: "VAD-247", discom: "MGVCL",
               en: "Vadodara 24×7 Consumer Care Centre", gu: "વડોદરા 24×7 ગ્રાહક સેવા કેન્દ્ર", hi: "वडोदरा 24×7 ग्राहक सेवा केंद्र",
               addressEN: "Sardar Patel Vidyut Bhavan, Race Course, Vadodara 390007",
               addressGU: "સરદાર પટેલ વિદ્યુત ભવન, રેસ કોર્સ, વડોદરા 390007",
               addressHI: "सरदार पटेल विद्युत भवन, रेस कोर्स, वडोदरा 390007",
               opens: 0, closes: 1440, sunday: (0, 1440),
               services: ["bill-complaint": 400, "meter-complaint": 300, "reconnection": 200, "new-lt-connection": 150]),
        Office(code: "SRT-VRC", discom: "DGVCL",
               en: "Surat Varachha Subdivision", gu: "સુરત વરાછા પેટા વિભાગ", hi: "सूरत वराछा उप-विभाग",
               addressEN: "Near Hirabaug Circle, Varachha Road, Surat 395006",
               addressGU: "હીરાબાગ સર્કલ પાસે, વરાછા રોડ, સુરત 395006",
               addressHI: "हीराबाग सर्कल के पास, वराछा रोड, सूरत 395006",
               opens: 630, closes: 1110, sunday: nil,
               services: ["new-lt-connection": 80, "name-change": 60, "load-change": 40, "bill-complaint": 150, "meter-complaint": 100, "rooftop-solar": 40]),
        Office(code: "RJT-C1", discom: "PGVCL",
               en: "Rajkot City Subdivision 1", gu: "રાજકોટ શહેર પેટા વિભાગ 1", hi: "राजकोट शहर उप-विभाग 1",
               addressEN: "Laxminagar Main Road, Nana Mava, Rajkot 360004",
               addressGU: "લક્ષ્મીનગર મેઇન રોડ, નાના મવા, રાજકોટ 360004",
               addressHI: "लक्ष्मीनगर मेन रोड, नाना मवा, राजकोट 360004",
               opens: 630, closes: 1110, sunday: nil,
               services: ["new-lt-connection": 60, "name-change": 40, "bill-complaint": 120, "meter-complaint": 80, "reconnection": 60]),
        Office(code: "GNR-CTY", discom: "UGVCL",
               en: "Gandhinagar City Subdivision", gu: "ગાંધીનગર શહેર પેટા વિભાગ", hi: "गांधीनगर शहर उप-विभाग",
               addressEN: "Sector 16, Near Udyog Bhavan, Gandhinagar 382016",
               addressGU: "સેક્ટર 16, ઉદ્યોગ ભવન પાસે, ગાંધીનગર 382016",
               addressHI: "सेक्टर 16, उद्योग भवन के पास, गांधीनगर 382016",
               opens: 630, closes: 1110, sunday: nil,
               services: ["new-lt-connection": 50, "name-change": 40, "load-change": 30, "bill-complaint": 100, "rooftop-solar": 60]),
    ]

    /// Counters: the first serves complaints, the second everything, the third applications.
    /// The round-the-clock office's counters start open so that the demo serves at any hour.
    static func installCounters(_ db: Database, _ office: Office) throws {
        let services = office.services.keys.sorted()
        let complaints = services.filter { $0.hasSuffix("complaint") || $0 == "reconnection" }
        let applications = services.filter { !complaints.contains($0) }
        let state = office.code == "VAD-247" ? "open" : "closed"
        for (number, served) in [(1, complaints), (2, services), (3, applications)] where !served.isEmpty {
            try db.execute(sql: """
                INSERT INTO counter (office_code, number, state) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [office.code, number, state])
            let counterID = try Counter.id(db, office: office.code, number: number)
            for service in served {
                try db.execute(sql: "INSERT INTO counter_service VALUES (?, ?) ON CONFLICT DO NOTHING",
                               arguments: [counterID, service])
            }
        }
        // Hourly appointment slots, 4 places each, during opening hours, for services that take appointments.
        for service in services where Self.services.first(where: { $0.code == service })?.appointments == true {
            var days = (1...6).map { ($0, office.opens, office.closes) }
            if let sunday = office.sunday { days.append((7, sunday.0, sunday.1)) }
            for (weekday, opens, closes) in days {
                for start in stride(from: opens, to: closes - 59, by: 60) {
                    try db.execute(sql: """
                        INSERT INTO appointment_slot (office_code, service_code, weekday, starts_at, ends_at, capacity)
                        VALUES (?, ?, ?, ?, ?, 4) ON CONFLICT DO NOTHING
                        """, arguments: [office.code, service, weekday, start, start + 60])
                }
            }
        }
    }

    /// Writes the demo discoms, services and offices; running it again changes nothing.
    public static func install(in database: AppDatabase) throws {
        try database.write { db in
            for discom in discoms {
                try db.execute(sql: """
                    INSERT INTO discom (code, name_en, name_gu, name_hi) VALUES (?, ?, ?, ?)
                    ON CONFLICT(code) DO NOTHING
                    """, arguments: [discom.code, discom.en, discom.gu, discom.hi])
            }
            for service in services {
                try db.execute(sql: """
                    INSERT INTO service (code, token_prefix, name_en, name_gu, name_hi, typical_minutes, takes_appointments)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO NOTHING
                    """, arguments: [service.code, service.prefix, service.en, service.gu, service.hi,
                                     service.minutes, service.appointments])
            }
            for office in offices {
                try db.execute(sql: """
                    INSERT INTO office (code, discom_code, name_en, name_gu, name_hi, address_en, address_gu, address_hi)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO NOTHING
                    """, arguments: [office.code, office.discom, office.en, office.gu, office.hi,
                                     office.addressEN, office.addressGU, office.addressHI])
                var days = (1...6).map { ($0, office.opens, office.closes) }
                if let sunday = office.sunday { days.append((7, sunday.0, sunday.1)) }
                for (weekday, opens, closes) in days {
                    try db.execute(sql: """
                        INSERT INTO office_hours (office_code, weekday, opens_at, closes_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT DO NOTHING
                        """, arguments: [office.code, weekday, opens, closes])
                }
                for (service, cap) in office.services.sorted(by: { $0.key < $1.key }) {
                    try db.execute(sql: """
                        INSERT INTO office_service (office_code, service_code, daily_cap) VALUES (?, ?, ?)
                        ON CONFLICT DO NOTHING
                        """, arguments: [office.code, service, cap])
                }
                if try db.tableExists("counter") { try installCounters(db, office) }
            }
        }
    }
}
