import QueueCore

/// One booking page per office and language (`/book/<office code in lower case>/`), made from the
/// language's booking page: without JavaScript a static form cannot read `?office=`, so each office
/// gets a form that already names it and offers only its services (`OfficeBookingPage` gives the address).
enum OfficeBookingPages {
    /// `pages` and, for each office page among them (translated or not), one booking page in its
    /// language, with that language's booking page's title and text.
    static func adding(to pages: [ContentPage]) -> [ContentPage] {
        let bookingPages = Dictionary(pages.filter { $0.relativePath == "book.md" }.map { ($0.language, $0) },
                                      uniquingKeysWith: { first, _ in first })
        // Only English office pages carry the code.
        let codes = Dictionary(pages.filter { $0.kind == .office && $0.language == "en" }.compactMap { page in
            page.metadata.code.map { (page.stem, $0) }
        }, uniquingKeysWith: { first, _ in first })
        return pages + pages.filter { $0.kind == .office }.compactMap { office in
            guard let booking = bookingPages[office.language], let code = codes[office.stem] else { return nil }
            let metadata = PageMetadata(title: booking.metadata.title, description: booking.metadata.description,
                                        code: code, layout: booking.metadata.layout)
            return ContentPage(relativePath: "\(OfficeBookingPage.folder)/\(code.lowercased()).md", language: office.language, metadata: metadata,
                               markdown: booking.markdown, contentLanguage: booking.contentLanguage)
        }
    }
}
