/// The address of an office's own booking page, which sitegen publishes and fcgi-app's pages link
/// to ("book again"): from the office code alone, so both agree without asking each other.
public enum OfficeBookingPage {
    public static let folder = "book"

    /// Such as `/gu/book/vad-247/`.
    public static func address(office code: String, language: String) -> String {
        (language == "en" ? "/" : "/\(language)/") + "\(folder)/\(code.lowercased())/"
    }
}
