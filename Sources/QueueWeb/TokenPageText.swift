/// The words of the token page in the token's language, from the interface strings, escaped for HTML.
struct TokenPageText {
    let title, service, office, appointment, checkIn, serving,
        served, noShow, cancelled, expired, documents, refresh, qr, cancel, cancelQuestion, cancelYes, cancelElsewhere, day, bookAgain,
        yourTurn, goNow, findAgain, find, addCalendar, move, moveYes, moveNone: String

    init(_ text: InterfaceText, language: String) {
        let word = { (key: String) in HTML.escape(text("token_" + key, in: language)) }
        title = word("title"); service = word("service"); office = word("office");
        appointment = word("appointment"); checkIn = word("check_in"); serving = word("serving")
        served = word("served"); noShow = word("no_show"); cancelled = word("cancelled"); expired = word("expired"); documents = word("documents")
        refresh = word("refresh"); qr = word("qr"); cancel = word("cancel"); cancelQuestion = word("cancel_question"); cancelYes = word("cancel_yes")
        day = word("day"); bookAgain = word("book_again")
        yourTurn = word("your_turn"); goNow = word("go_now"); findAgain = word("find_again")
        find = HTML.escape(text("nav_find", in: language))
        addCalendar = word("add_calendar"); move = word("move"); moveYes = word("move_yes"); moveNone = word("move_none")
        cancelElsewhere = word("cancel_elsewhere")
    }
}
