/// The front matter every page has (sections may add their own fields, read by the catalogue).
struct PageMetadata: Decodable, Sendable {
    let title: String
    let description: String?
    /// An office page's code (English pages), which ties the page to the directory entry.
    let code: String?
    /// A template other than the page kind's own, such as `booking`.
    let layout: String?
    /// A board notice's offices (codes; none: every office) and its first and last day (`YYYY-MM-DD`).
    var offices: [String]? = nil
    var starts: String? = nil
    var ends: String? = nil
}
