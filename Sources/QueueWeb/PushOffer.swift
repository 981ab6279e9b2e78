/// The token page's "Notify me on this phone": hidden until push.js finds that the browser can
/// take Web Push, so that a phone without it (or without JavaScript) never sees a dead button.
/// Its words travel in data attributes, in the token's language, for the script to show.
enum PushOffer {
    static func html(language: String, text: InterfaceText) -> String {
        let word = { (key: String) in HTML.escape(text(key, in: language)) }
        return """
            <div class="push-offer" id="push" hidden data-on="\(word("push_on"))" data-denied="\(word("push_denied"))" data-failed="\(word("push_failed"))">
            <button type="button" id="push-on">\(word("push_offer"))</button>
            <button type="button" id="push-off" hidden>\(word("push_off"))</button>
            <p id="push-state" role="status"></p>
            </div>
            """
    }
}
