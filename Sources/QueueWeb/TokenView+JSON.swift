import Foundation
import QueueCore

/// A token view written by hand, as `SortedJSONEncoder` writes any value (snake-case keys in
/// sorted order, nil left out): every booking answers with one, and every status read and token
/// stream writes one. `SortedJSONEncoderTests` holds the bytes to Foundation's.
extension TokenView: JSONWritable {
    func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.date("called_at", calledAt, into: &out)
        object.integer("counter", counter, into: &out)
        object.date("created_at", createdAt, into: &out)
        object.integer("id", id, into: &out)
        object.string("kind", kind, into: &out)
        object.string("language", language, into: &out)
        object.string("number", number, into: &out)
        object.string("office", office, into: &out)
        try object.value("position", position, into: &out)
        object.string("priority", priority, into: &out)
        object.date("queued_at", queuedAt, into: &out)
        try object.array("required_documents", requiredDocuments, into: &out)
        object.string("service", service, into: &out)
        object.string("service_day", serviceDay, into: &out)
        object.string("slot_starts", slotStarts, into: &out)
        object.string("state", state, into: &out)
        object.end(into: &out)
    }
}

extension TokenView.Position: JSONWritable {
    func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.integer("ahead", ahead, into: &out)
        object.string("ahead_text", aheadText, into: &out)
        try object.number("estimated_wait_seconds", estimatedWaitSeconds, into: &out)
        object.integer("likely_counter", likelyCounter, into: &out)
        object.integer("open_counters", openCounters, into: &out)
        object.bool("reached_today", reachedToday, into: &out)
        try object.number("wait_high_seconds", waitHighSeconds, into: &out)
        try object.number("wait_low_seconds", waitLowSeconds, into: &out)
        object.string("wait_text", waitText, into: &out)
        object.end(into: &out)
    }
}

/// A token's answer: its view, and when the answer hands the token over (a booking), the view
/// secret and the token page's address. Written by hand like the view inside it, for every booking.
struct TokenAnswer: Encodable, JSONWritable {
    let token: TokenView
    let secret: String?
    let page: String?

    func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.string("page", page, into: &out)
        object.string("secret", secret, into: &out)
        try object.value("token", token, into: &out)
        object.end(into: &out)
    }
}
