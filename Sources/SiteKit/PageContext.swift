import QueueCore

/// The values a page template sees: the page, the interface strings (`t`), the language switcher,
/// and for section, service and office pages what they list.
struct PageContext {
    static let languageNames = ["en": "English", "gu": "ગુજરાતી", "hi": "हिन्दी"]
    static let weekdayKeys = ["", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    let translations: Translations
    let catalog: Catalog?
    /// Every page, to list a section's pages.
    let pages: [ContentPage]
    /// Fingerprinted asset addresses by key (`site_css`).
    let assets: [String: String]
    /// Office page file names by office code, from the English pages' front matter.
    private let officeStems: [String: String]

    init(translations: Translations, catalog: Catalog?, pages: [ContentPage], assets: [String: String] = [:]) {
        self.translations = translations
        self.catalog = catalog
        self.pages = pages
        self.assets = assets
        officeStems = Dictionary(pages.filter { $0.language == "en" && $0.kind == .office }.compactMap { page in
            page.metadata.code.map { ($0, page.stem) }
        }, uniquingKeysWith: { first, _ in first })
    }

    func make(for page: ContentPage) -> [String: Any] {
        let t = translations.table(for: page.language)
        var context: [String: Any] = [
            "lang": page.language,
            "contentLang": page.contentLanguage,
            "title": page.metadata.title,
            "description": page.metadata.description ?? "",
            "content": MarkdownRenderer.html(from: page.markdown),
            "t": t,
            "rootPath": page.language == "en" ? "/" : "/\(page.language)/",
            "url": page.url,
            "assets": assets,
            "errorTextJS": assets[ErrorTextScripts.assetKey(page.language)] ?? "",
            "languages": ContentLoader.languages.map { code in
                ["code": code, "name": Self.languageNames[code] ?? code, "url": page.url(in: code), "current": code == page.language]
            },
        ]
        if page.isFallback {
            context["fallbackNotice"] = (t["fallback_notice"] ?? "This page is not yet available in {language}; it is shown in English.")
                .replacingOccurrences(of: "{language}", with: Self.languageNames[page.language] ?? page.language)
        }
        if page.metadata.layout == "display" {
            // The board speaks the office's languages whatever the page's (its voice's fallback words).
            context["i18n"] = Dictionary(uniqueKeysWithValues: ContentLoader.languages.map { ($0, translations.table(for: $0)) })
            // It shows two: the page's first, then English.
            let shown = Self.boardLanguages(page.language)
            context["boardLanguages"] = shown.enumerated().map { index, code in
                ["code": code, "words": translations.table(for: code), "second": index > 0] as [String: Any]
            }
            context["boardLanguageCodes"] = shown.joined(separator: " ")
        }
        if page.metadata.layout == "booking" || page.metadata.layout == "find-token", let catalog {
            context["offices"] = catalog.offices.map { ["code": $0.code, "name": Self.localized($0.names, page.language)] }
            context["services"] = catalog.services.map { ["code": $0.code, "name": Self.localized($0.names, page.language)] }
        }
        if page.kind == .officeBooking, let office = catalog?.offices.first(where: { $0.code == page.metadata.code }) {
            // This office's form: the office fixed, and only the services it offers.
            let offered = Set(office.services.map(\.code))
            context["bookingOffice"] = ["code": office.code, "name": Self.localized(office.names, page.language),
                                        "url": officeURL(office, page.language)]
            context["services"] = (catalog?.services ?? []).filter { offered.contains($0.code) }
                .map { ["code": $0.code, "name": Self.localized($0.names, page.language)] }
        }
        switch page.kind {
        case .section: context["children"] = children(of: page)
        case .service: if let service = catalog?.services.first(where: { $0.code == page.stem }) { context["service"] = serviceValues(service, page.language, t) }
        case .office: if let office = office(for: page) { context["office"] = officeValues(office, page.language, t) }
        case .page, .officeBooking, .notice: break
        }
        return context
    }

    private func children(of section: ContentPage) -> [[String: String]] {
        pages.filter { $0.language == section.language && $0.section == section.section && $0.kind != .section }
            .sorted { $0.metadata.title.localizedStandardCompare($1.metadata.title) == .orderedAscending }
            .map { ["title": $0.metadata.title, "description": $0.metadata.description ?? "", "url": $0.url] }
    }

    private func office(for page: ContentPage) -> Catalog.Office? {
        guard let code = officeStems.first(where: { $0.value == page.stem })?.key else { return nil }
        return catalog?.offices.first { $0.code == code }
    }

    /// The two languages a display board shows, the first larger: the page's language, then English.
    /// The English address (`/display/`, the one boards are set up with) shows Gujarati first, as
    /// a Gujarati office's hall reads it.
    static func boardLanguages(_ language: String) -> [String] {
        language == "en" ? ["gu", "en"] : [language, "en"]
    }

    static func localized(_ name: LocalizedName, _ language: String) -> String {
        language == "gu" ? name.gu : language == "hi" ? name.hi : name.en
    }

    private func serviceValues(_ service: Catalog.Service, _ language: String, _ t: [String: String]) -> [String: Any] {
        [
            "code": service.code,
            "prefix": service.tokenPrefix,
            "minutes": String(service.typicalMinutes),
            "appointments": service.takesAppointments,
            "documents": service.requiredDocuments.map { Self.localized($0, language) },
            "fees": service.fees.map { Self.localized($0, language) } ?? "",
            "offices": (catalog?.offices ?? []).filter { $0.services.contains { $0.code == service.code } }.map { office in
                ["name": Self.localized(office.names, language), "url": officeURL(office, language)]
            },
        ]
    }

    private func officeURL(_ office: Catalog.Office, _ language: String) -> String {
        let stem = officeStems[office.code] ?? office.code.lowercased()
        return (language == "en" ? "/" : "/\(language)/") + "offices/\(stem)/"
    }

    private func officeValues(_ office: Catalog.Office, _ language: String, _ t: [String: String]) -> [String: Any] {
        let discom = catalog?.discoms.first { $0.code == office.discom }
        let byDay = Dictionary(grouping: office.hours, by: \.weekday)
        return [
            "code": office.code,
            "bookURL": OfficeBookingPage.address(office: office.code, language: language),
            "address": Self.localized(office.address, language),
            "map": office.mapURL ?? "",
            "discom": discom.map { Self.localized($0.names, language) } ?? office.discom,
            "hours": (1...7).map { day in
                let times = (byDay[day] ?? []).map { "\(Self.clock($0.opens))–\(Self.clock($0.closes))" }
                return ["day": t["day_\(Self.weekdayKeys[day])"] ?? Self.weekdayKeys[day],
                        "times": times.isEmpty ? (t["closed"] ?? "Closed") : times.joined(separator: ", ")]
            },
            "services": office.services.compactMap { offered in
                catalog?.services.first { $0.code == offered.code }.map { service in
                    ["name": Self.localized(service.names, language), "code": service.code,
                     "url": (language == "en" ? "/" : "/\(language)/") + "services/\(service.code)/"]
                }
            },
        ]
    }

    static func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }
}

import Foundation
