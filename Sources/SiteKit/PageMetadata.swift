/// The front matter of an ordinary page.
struct PageMetadata: Decodable, Sendable {
    let title: String
    let description: String?
}
