/// The words of the booking form sent again with an error, in the form's language, from the
/// interface strings (the static booking page's own `form_*` labels, and `error_*` sentences).
struct BookingFormText {
    let title, intro, summary, office, service, name, phone, email, consumerNumber, optional, priority, submit: String
    let notify, notifySMS, notifyEmail, notifyConsent: String
    let priorities: [String: String]
    private let text: InterfaceText
    private let language: String

    init(_ text: InterfaceText, language: String) {
        self.text = text
        self.language = language
        let word = { (key: String) in text(key, in: language) }
        title = word("booking_check_title"); intro = word("booking_check_intro"); summary = word("booking_check_summary")
        office = word("form_office"); service = word("form_service"); name = word("form_name"); phone = word("form_phone")
        email = word("form_email"); consumerNumber = word("form_consumer_number"); optional = word("form_optional")
        priority = word("form_priority"); submit = word("form_submit")
        notify = word("form_notify"); notifySMS = word("form_notify_sms"); notifyEmail = word("form_notify_email")
        notifyConsent = word("form_notify_consent")
        priorities = Dictionary(uniqueKeysWithValues: ["none", "senior_citizen", "person_with_disability", "pregnant_woman"].map {
            ($0, word("priority_" + $0))
        })
    }

    /// The error in this language where a sentence is known (`error_<field>` or `error_<code>`), else the API's message.
    func message(for error: APIError) -> String {
        let key = "error_" + (error.code == "invalid_field" ? (error.field ?? "") : error.code)
        return text.has(key, in: language) ? text(key, in: language) : error.message
    }
}
