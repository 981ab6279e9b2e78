/// One booking page per office and language (`/book/<office page>/`), made from the language's
/// booking page: without JavaScript a static form cannot read `?office=`, so each office gets a form
/// that already names it and offers only its services.
enum OfficeBookingPages {
    /// The folder the pages are published under, beside the general booking page.
    static let folder = "book"

    /// `pages` and, for each office page among them (translated or not), one booking page in its
    /// language, with that language's booking page's title and text.
    static func adding(to pages: [ContentPage]) -> [ContentPage] {
        let bookingPages = Dictionary(pages.filter { $0.relativePath == "book.md" }.map { ($0.language, $0) },
                                      uniquingKeysWith: { first, _ in first })
        return pages + pages.filter { $0.kind == .office }.compactMap { office in
            guard let booking = bookingPages[office.language] else { return nil }
            let metadata = PageMetadata(title: booking.metadata.title, description: booking.metadata.description,
                                        code: nil, layout: booking.metadata.layout)
            return ContentPage(relativePath: "\(folder)/\(office.stem).md", language: office.language, metadata: metadata,
                               markdown: booking.markdown, contentLanguage: booking.contentLanguage)
        }
    }
}
