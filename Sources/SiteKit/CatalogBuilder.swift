import Foundation
import QueueCore

/// Builds the service catalogue and office directory from the front matter of `Content/<lang>/services/`
/// and `Content/<lang>/offices/`: English defines them, Gujarati and Hindi translate names, documents,
/// fees and addresses (falling back to English). Every mistake is reported as `file:line: reason`.
struct CatalogBuilder {
    let content: URL

    func build() throws -> Catalog {
        let discoms = try loadDiscoms()
        let services = try loadServices()
        let offices = try loadOffices(discoms: Set(discoms.map(\.code)), services: services)
        return Catalog(discoms: discoms, services: services, offices: offices)
    }

    // MARK: Files

    private struct Parsed<Metadata> {
        let path: String
        let matter: FrontMatter
        let metadata: Metadata
    }

    private func pages<Metadata: Decodable>(_ section: String, _ language: String, as type: Metadata.Type) throws -> [String: Parsed<Metadata>] {
        let folder = content.appendingPathComponent("\(language)/\(section)")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [:] }
        var result: [String: Parsed<Metadata>] = [:]
        for name in names.sorted() where name.hasSuffix(".md") && name != "_index.md" {
            let stem = String(name.dropLast(3))
            result[stem] = try parse("\(section)/\(name)", language, as: type)
        }
        return result
    }

    private func parse<Metadata: Decodable>(_ relative: String, _ language: String, as type: Metadata.Type) throws -> Parsed<Metadata>? {
        let path = "Content/\(language)/\(relative)"
        let url = content.appendingPathComponent("\(language)/\(relative)")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let text = String(data: try Data(contentsOf: url), encoding: .utf8) else {
            throw SiteError(step: "catalogue", file: path, line: 1, reason: "the file is not UTF-8 text")
        }
        let matter = try FrontMatter.split(text, file: path)
        return Parsed(path: path, matter: matter, metadata: try matter.decode(Metadata.self, file: path))
    }

    private func fail<Metadata>(_ page: Parsed<Metadata>, _ key: String, _ reason: String) -> SiteError {
        SiteError(step: "catalogue", file: page.path, line: page.matter.line(ofKey: key), reason: reason)
    }

    // MARK: Discoms

    private func loadDiscoms() throws -> [Catalog.Discom] {
        guard let english = try parse("offices/_index.md", "en", as: OfficesIndexFrontMatter.self) else {
            throw SiteError(step: "catalogue", file: "Content/en/offices/_index.md", reason: "the offices section needs an _index.md listing the discoms")
        }
        guard let discoms = english.metadata.discoms, !discoms.isEmpty else {
            throw fail(english, "discoms", "list the distribution companies under 'discoms' (code and name)")
        }
        let gujarati = try parse("offices/_index.md", "gu", as: OfficesIndexFrontMatter.self)?.metadata.discoms ?? []
        let hindi = try parse("offices/_index.md", "hi", as: OfficesIndexFrontMatter.self)?.metadata.discoms ?? []
        return discoms.map { discom in
            Catalog.Discom(code: discom.code, names: LocalizedName(
                en: discom.name,
                gu: gujarati.first { $0.code == discom.code }?.name ?? discom.name,
                hi: hindi.first { $0.code == discom.code }?.name ?? discom.name))
        }
    }

    // MARK: Services

    private func loadServices() throws -> [Catalog.Service] {
        let english = try pages("services", "en", as: ServiceFrontMatter.self)
        let gujarati = try pages("services", "gu", as: ServiceFrontMatter.self)
        let hindi = try pages("services", "hi", as: ServiceFrontMatter.self)
        var prefixes: [String: String] = [:]
        return try english.keys.sorted().map { code in
            guard let page = english[code] else { throw SiteError(step: "catalogue", reason: "lost \(code)") }
            let meta = page.metadata
            guard code.count >= 2, code.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else {
                throw SiteError(step: "catalogue", file: page.path, line: 1,
                                reason: "a service's file name is its code: lower-case letters, digits and dashes")
            }
            guard let prefix = meta.tokenPrefix, (1...3).contains(prefix.count), prefix.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw fail(page, "token_prefix", "token_prefix must be 1 to 3 capital letters, such as NC")
            }
            if let other = prefixes[prefix] {
                throw fail(page, "token_prefix", "token_prefix \(prefix) is already used by \(other)")
            }
            prefixes[prefix] = code
            guard let minutes = meta.typicalMinutes, (1...480).contains(minutes) else {
                throw fail(page, "typical_minutes", "typical_minutes must be a number of minutes from 1 to 480")
            }
            guard let appointments = meta.appointments else {
                throw fail(page, "appointments", "say whether the service takes appointments: appointments: true or false")
            }
            let documents = meta.requiredDocuments ?? []
            func translated(_ pages: [String: Parsed<ServiceFrontMatter>]) throws -> (title: String, documents: [String], fees: String?) {
                guard let translation = pages[code] else { return (meta.title, documents, meta.fees) }
                let theirs = translation.metadata.requiredDocuments ?? documents
                guard theirs.count == documents.count else {
                    throw fail(translation, "required_documents",
                               "required_documents lists \(theirs.count) documents; the English page lists \(documents.count)")
                }
                return (translation.metadata.title, theirs, translation.metadata.fees ?? meta.fees)
            }
            let gu = try translated(gujarati), hi = try translated(hindi)
            return Catalog.Service(
                code: code, tokenPrefix: prefix, names: LocalizedName(en: meta.title, gu: gu.title, hi: hi.title),
                typicalMinutes: minutes, takesAppointments: appointments,
                requiredDocuments: documents.indices.map { LocalizedName(en: documents[$0], gu: gu.documents[$0], hi: hi.documents[$0]) },
                fees: meta.fees.map { LocalizedName(en: $0, gu: gu.fees ?? $0, hi: hi.fees ?? $0) })
        }
    }

    // MARK: Offices

    static let weekdays = ["mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7]

    private func loadOffices(discoms: Set<String>, services: [Catalog.Service]) throws -> [Catalog.Office] {
        let english = try pages("offices", "en", as: OfficeFrontMatter.self)
        let gujarati = try pages("offices", "gu", as: OfficeFrontMatter.self)
        let hindi = try pages("offices", "hi", as: OfficeFrontMatter.self)
        let known = Set(services.map(\.code))
        return try english.keys.sorted().map { stem in
            guard let page = english[stem] else { throw SiteError(step: "catalogue", reason: "lost \(stem)") }
            let meta = page.metadata
            guard let code = meta.code, (2...24).contains(code.count),
                  code.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "-") }) else {
                throw fail(page, "code", "code must be 2 to 24 capital letters, digits or dashes, such as VAD-247")
            }
            guard let discom = meta.discom, discoms.contains(discom) else {
                throw fail(page, "discom", "discom must be one of \(discoms.sorted().joined(separator: ", "))")
            }
            guard let address = meta.address, !address.isEmpty else { throw fail(page, "address", "give the office's address") }
            let hours = try parseHours(meta.hours, page)
            guard let offered = meta.services, !offered.isEmpty else {
                throw fail(page, "services", "list the services the office offers, each with its daily cap")
            }
            for (service, cap) in offered {
                guard known.contains(service) else { throw fail(page, "services", "there is no service \(service) in Content/en/services/") }
                guard (0...100_000).contains(cap) else { throw fail(page, "services", "the daily cap of \(service) must be 0 to 100000") }
            }
            let counters = meta.counters ?? []
            for counter in counters {
                guard (1...999).contains(counter.number) else { throw fail(page, "counters", "counter numbers run from 1 to 999") }
                for service in counter.services where offered[service] == nil {
                    throw fail(page, "counters", "counter \(counter.number) serves \(service), which the office does not offer")
                }
                do {
                    _ = try CounterSchedule.parse(pauses: counter.pauses ?? [], closes: counter.closes)
                } catch QueueError.invalidField(_, let reason) {
                    throw fail(page, "counters", "counter \(counter.number): \(reason)")
                }
            }
            let slotMinutes = meta.slotMinutes ?? 60
            guard (10...240).contains(slotMinutes) else { throw fail(page, "slot_minutes", "slot_minutes must be 10 to 240") }
            let slotCapacity = meta.slotCapacity ?? 4
            guard (1...1000).contains(slotCapacity) else { throw fail(page, "slot_capacity", "slot_capacity must be 1 to 1000") }
            let announce = meta.announce ?? ["gu", "en"]
            guard !announce.isEmpty, announce.allSatisfy(ContentLoader.languages.contains) else {
                throw fail(page, "announce", "announce lists the board's languages, from en, gu and hi, such as [gu, en]")
            }
            let messaging = OfficeMessaging(turnNearAhead: meta.turnNearAhead ?? OfficeMessaging.standard.turnNearAhead,
                                            smsVia: meta.smsVia.flatMap(MessageChannel.init(rawValue:)) ?? .sms)
            guard OfficeMessaging.turnNearRange.contains(messaging.turnNearAhead) else {
                throw fail(page, "turn_near_ahead", "turn_near_ahead must be 0 to 50 (people before the citizen)")
            }
            guard meta.smsVia == nil || ["sms", "whatsapp"].contains(meta.smsVia) else {
                throw fail(page, "sms_via", "sms_via is sms or whatsapp")
            }
            return Catalog.Office(
                code: code, discom: discom,
                names: LocalizedName(en: meta.title, gu: gujarati[stem]?.metadata.title ?? meta.title,
                                     hi: hindi[stem]?.metadata.title ?? meta.title),
                address: LocalizedName(en: address, gu: gujarati[stem]?.metadata.address ?? address,
                                       hi: hindi[stem]?.metadata.address ?? address),
                mapURL: meta.map, timeZone: meta.timeZone ?? "Asia/Kolkata", hours: hours,
                services: offered.keys.sorted().map { Catalog.Office.OfferedService(code: $0, dailyCap: offered[$0] ?? 0) },
                counters: counters.map {
                    Catalog.Office.CounterPlan(number: $0.number, services: $0.services.sorted(), pauses: $0.pauses, closes: $0.closes)
                },
                slotMinutes: slotMinutes, slotCapacity: slotCapacity, announceLanguages: announce, messaging: messaging)
        }
    }

    private func parseHours(_ hours: [String: String]?, _ page: Parsed<OfficeFrontMatter>) throws -> [Catalog.Office.Hours] {
        guard let hours else { throw fail(page, "hours", "give the opening hours, such as mon: \"10:30-18:30\" (or \"closed\")") }
        var result: [Catalog.Office.Hours] = []
        for (day, text) in hours {
            guard let weekday = Self.weekdays[day] else {
                throw fail(page, "hours", "\(day) is not a day; use mon, tue, wed, thu, fri, sat, sun")
            }
            if text == "closed" { continue }
            let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let opens = Queue.minutes(ofClock: parts[0]), let closes = Queue.minutes(ofClock: parts[1]), opens < closes else {
                throw fail(page, "hours", "\(day): \"\(text)\" is not a time range like 10:30-18:30 (24:00 for midnight)")
            }
            result.append(Catalog.Office.Hours(weekday: weekday, opens: opens, closes: closes))
        }
        return result.sorted { $0.weekday < $1.weekday }
    }
}
