/// The words of the token page, in English, Gujarati and Hindi.
struct TokenPageText {
    let title, service, office, ahead, estimate, minutes, noEstimate, noCounter, appointment, checkIn, called, serving,
        served, noShow, cancelled, documents, refresh, qr, cancel, cancelConfirm, day: String

    static func forLanguage(_ code: String) -> TokenPageText {
        switch code {
        case "gu":
            TokenPageText(title: "તમારું ટોકન", service: "સેવા", office: "કચેરી", ahead: "તમારી પહેલાં રાહ જોતા લોકો",
                          estimate: "અંદાજિત રાહ", minutes: "મિનિટ", noEstimate: "અંદાજ હજી ઉપલબ્ધ નથી",
                          noCounter: "તમારી સેવા માટે હાલ કોઈ કાઉન્ટર ખુલ્લું નથી; કાઉન્ટર ખૂલે ત્યારે અંદાજ દેખાશે.",
                          appointment: "એપોઇન્ટમેન્ટ", checkIn: "કચેરીએ પહોંચો ત્યારે કિઓસ્ક પર અથવા કાઉન્ટર પર ચેક-ઇન કરો.",
                          called: "તમારો વારો આવ્યો છે: કૃપા કરીને આ કાઉન્ટર પર જાઓ", serving: "તમારી સેવા ચાલુ છે, કાઉન્ટર",
                          served: "સેવા પૂર્ણ થઈ. આભાર.", noShow: "તમને બોલાવ્યા ત્યારે તમે હાજર ન હતા. કાઉન્ટર પર પૂછો: એક વાર ફરી જોડાઈ શકાય છે.",
                          cancelled: "આ ટોકન રદ થયું છે.", documents: "શું સાથે લાવવું",
                          refresh: "આ પાનું દર 30 સેકન્ડે પોતે તાજું થાય છે.", qr: "આ પાનાનો QR કોડ",
                          cancel: "ટોકન રદ કરો", cancelConfirm: "હવે જરૂર નથી?", day: "દિવસ")
        case "hi":
            TokenPageText(title: "आपका टोकन", service: "सेवा", office: "कार्यालय", ahead: "आपसे पहले प्रतीक्षा कर रहे लोग",
                          estimate: "अनुमानित प्रतीक्षा", minutes: "मिनट", noEstimate: "अनुमान अभी उपलब्ध नहीं",
                          noCounter: "आपकी सेवा के लिए अभी कोई काउंटर खुला नहीं है; काउंटर खुलने पर अनुमान दिखेगा।",
                          appointment: "अपॉइंटमेंट", checkIn: "कार्यालय पहुँचने पर कियोस्क या काउंटर पर चेक-इन करें।",
                          called: "आपकी बारी आ गई है: कृपया इस काउंटर पर जाएँ", serving: "आपकी सेवा चल रही है, काउंटर",
                          served: "सेवा पूरी हुई। धन्यवाद।", noShow: "बुलाए जाने पर आप उपस्थित नहीं थे। काउंटर पर पूछें: एक बार फिर जुड़ सकते हैं।",
                          cancelled: "यह टोकन रद्द हो गया है।", documents: "क्या साथ लाएँ",
                          refresh: "यह पृष्ठ हर 30 सेकंड में अपने आप ताज़ा होता है।", qr: "इस पृष्ठ का QR कोड",
                          cancel: "टोकन रद्द करें", cancelConfirm: "अब ज़रूरत नहीं?", day: "दिन")
        default:
            TokenPageText(title: "Your token", service: "Service", office: "Office", ahead: "People waiting before you",
                          estimate: "Estimated wait", minutes: "minutes", noEstimate: "No estimate yet",
                          noCounter: "No counter for your service is open right now; an estimate appears once one opens.",
                          appointment: "Appointment", checkIn: "When you reach the office, check in at the kiosk or the counter.",
                          called: "It is your turn: please go to counter", serving: "You are being served at counter",
                          served: "Served. Thank you.", noShow: "You were not there when called. Ask at the counter: you can rejoin once.",
                          cancelled: "This token has been cancelled.", documents: "What to bring",
                          refresh: "This page refreshes itself every 30 seconds.", qr: "QR code of this page",
                          cancel: "Cancel token", cancelConfirm: "No longer needed?", day: "Day")
        }
    }
}
