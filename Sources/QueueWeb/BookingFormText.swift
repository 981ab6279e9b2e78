/// The words of the server-rendered booking form, in English, Gujarati and Hindi.
struct BookingFormText {
    let title, intro, summary, office, service, name, phone, email, consumerNumber, optional, priority, submit: String
    let priorities: [String: String]
    /// Sentences for errors, by field (for invalid fields) or by error code; English falls back to the API's message.
    var messages: [String: String] = [:]

    /// The error in this language where a sentence is known, else the API's English message.
    func message(for error: APIError) -> String {
        let key = error.code == "invalid_field" ? (error.field ?? "") : error.code
        return messages[key] ?? error.message
    }

    static func forLanguage(_ code: String) -> BookingFormText {
        switch code {
        case "gu":
            BookingFormText(
                title: "તમારું બુકિંગ તપાસો", intro: "તમારું ટોકન હજી બુક થયું નથી. નીચેની વિગતો સુધારીને ફરી મોકલો.",
                summary: "આ સુધારવું જરૂરી છે", office: "કચેરી", service: "સેવા", name: "તમારું નામ",
                phone: "મોબાઇલ નંબર", email: "ઇમેઇલ", consumerNumber: "ગ્રાહક નંબર (વીજ બિલ પર)", optional: "વૈકલ્પિક",
                priority: "અગ્રતા", submit: "ટોકન બુક કરો",
                priorities: ["none": "કોઈ નહીં", "senior_citizen": "વરિષ્ઠ નાગરિક",
                             "person_with_disability": "દિવ્યાંગ વ્યક્તિ", "pregnant_woman": "સગર્ભા મહિલા"],
                messages: [
                    "name": "કૃપા કરીને તમારું નામ લખો (વધુમાં વધુ 100 અક્ષર).",
                    "phone": "6, 7, 8 અથવા 9 થી શરૂ થતો 10 અંકનો મોબાઇલ નંબર લખો (+91 અથવા 0 સાથે પણ ચાલશે).",
                    "email": "name@example.com જેવું ઇમેઇલ સરનામું લખો, અથવા ખાલી રાખો.",
                    "consumer_number": "વીજ બિલ પરનો ગ્રાહક નંબર 5 થી 15 અંકનો હોય છે.",
                    "office": "કૃપા કરીને કચેરી પસંદ કરો.", "service": "કૃપા કરીને સેવા પસંદ કરો.",
                    "service_not_offered": "આ કચેરીમાં આ સેવા ઉપલબ્ધ નથી; બીજી સેવા પસંદ કરો.",
                    "office_closed": "કચેરી અત્યારે બંધ છે; વોક-ઇન ટોકન ફક્ત કામકાજના સમયમાં મળે છે.",
                    "office_holiday": "કચેરી આ દિવસે રજાને કારણે બંધ છે.",
                    "daily_cap_reached": "આ સેવાના આજના બધા ટોકન અપાઈ ગયા છે.",
                    "phone_limit_reached": "આ મોબાઇલ નંબર પર આ દિવસ માટે પહેલેથી મહત્તમ સક્રિય ટોકન છે.",
                    "slot_full": "આ સમય ભરાઈ ગયો છે; બીજો સમય પસંદ કરો.",
                ])
        case "hi":
            BookingFormText(
                title: "अपनी बुकिंग जाँचें", intro: "आपका टोकन अभी बुक नहीं हुआ है। नीचे दी गई जानकारी सुधारकर फिर भेजें।",
                summary: "इसे सुधारना ज़रूरी है", office: "कार्यालय", service: "सेवा", name: "आपका नाम",
                phone: "मोबाइल नंबर", email: "ईमेल", consumerNumber: "उपभोक्ता संख्या (बिजली बिल पर)", optional: "वैकल्पिक",
                priority: "प्राथमिकता", submit: "टोकन बुक करें",
                priorities: ["none": "कोई नहीं", "senior_citizen": "वरिष्ठ नागरिक",
                             "person_with_disability": "दिव्यांग व्यक्ति", "pregnant_woman": "गर्भवती महिला"],
                messages: [
                    "name": "कृपया अपना नाम लिखें (अधिकतम 100 अक्षर)।",
                    "phone": "6, 7, 8 या 9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर लिखें (+91 या 0 के साथ भी चलेगा)।",
                    "email": "name@example.com जैसा ईमेल पता लिखें, या खाली छोड़ें।",
                    "consumer_number": "बिजली बिल पर उपभोक्ता संख्या 5 से 15 अंकों की होती है।",
                    "office": "कृपया कार्यालय चुनें।", "service": "कृपया सेवा चुनें।",
                    "service_not_offered": "यह कार्यालय यह सेवा नहीं देता; कोई दूसरी सेवा चुनें।",
                    "office_closed": "कार्यालय अभी बंद है; वॉक-इन टोकन केवल कामकाज के समय में मिलते हैं।",
                    "office_holiday": "कार्यालय उस दिन छुट्टी के कारण बंद है।",
                    "daily_cap_reached": "इस सेवा के आज के सभी टोकन दिए जा चुके हैं।",
                    "phone_limit_reached": "इस मोबाइल नंबर पर उस दिन के लिए पहले से अधिकतम सक्रिय टोकन हैं।",
                    "slot_full": "यह समय भर चुका है; कोई दूसरा समय चुनें।",
                ])
        default:
            BookingFormText(
                title: "Check your booking", intro: "Your token is not booked yet. Please correct the details below and send the form again.",
                summary: "There is a problem", office: "Office", service: "Service", name: "Your name",
                phone: "Mobile number", email: "E-mail", consumerNumber: "Consumer number (on your electricity bill)",
                optional: "optional", priority: "Priority", submit: "Book token",
                priorities: ["none": "None", "senior_citizen": "Senior citizen",
                             "person_with_disability": "Person with disability", "pregnant_woman": "Pregnant woman"])
        }
    }
}
