import Foundation

// A counter's desk written by hand, as `SortedJSONEncoder` writes any value (snake-case keys in
// sorted order, nil left out): it is the answer to every key press at a counter, and through the
// `Encoder` protocol it cost a tenth of the counter's CPU. `SortedJSONEncoderTests` holds the bytes
// to Foundation's for every field.

extension CounterDesk: JSONWritable {
    public func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.strings("actions", actions, into: &out)
        object.string("booked", booked, into: &out)
        object.integer("counter_id", counterID, into: &out)
        try object.value("current", current, into: &out)
        object.string("leave_key", leaveKey, into: &out)
        object.integer("number", number, into: &out)
        object.string("office", office, into: &out)
        try object.array("parked", parked, into: &out)
        object.string("pause_reason", pauseReason, into: &out)
        object.date("paused_at", pausedAt, into: &out)
        // Written as JSONEncoder writes a dictionary with sorted keys: by the keys' order.
        object.key("refusals", into: &out)
        var byAction = JSONObjectWriter(into: &out)
        for action in refusals.keys.sorted() {
            try byAction.value(action, refusals[action], into: &out)
        }
        byAction.end(into: &out)
        object.date("server_time", serverTime, into: &out)
        object.strings("services", services, into: &out)
        object.string("state", state, into: &out)
        object.integer("version", version, into: &out)
        try object.array("waiting", waiting, into: &out)
        object.integer("waiting_count", waitingCount, into: &out)
        object.end(into: &out)
    }
}

extension CounterDesk.Citizen: JSONWritable {
    public func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.date("called_at", calledAt, into: &out)
        object.string("consumer_number", consumerNumber, into: &out)
        object.string("kind", kind, into: &out)
        object.string("name", name, into: &out)
        object.string("note", note, into: &out)
        object.string("number", number, into: &out)
        object.string("phone", phone, into: &out)
        object.string("priority", priority, into: &out)
        object.integer("recalls", recalls, into: &out)
        try object.array("required_documents", requiredDocuments, into: &out)
        object.string("service", service, into: &out)
        object.string("state", state, into: &out)
        object.integer("token_id", tokenID, into: &out)
        try object.array("told_of_call", toldOfCall, into: &out)
        object.end(into: &out)
    }
}

/// A desk lists 50 of them after every key press at the counter.
extension CounterDesk.Waiting: JSONWritable {
    public func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.string("kind", kind, into: &out)
        object.string("number", number, into: &out)
        object.string("priority", priority, into: &out)
        object.string("service", service, into: &out)
        object.integer("token_id", tokenID, into: &out)
        try object.number("waited_seconds", waitedSeconds, into: &out)
        object.end(into: &out)
    }
}

extension CounterDesk.MessageStatus: JSONWritable {
    public func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.string("channel", channel, into: &out)
        object.string("state", state, into: &out)
        object.end(into: &out)
    }
}

extension CounterDesk.Parked: JSONWritable {
    public func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.string("number", number, into: &out)
        object.date("parked_at", parkedAt, into: &out)
        object.string("reason", reason, into: &out)
        object.string("service", service, into: &out)
        object.integer("token_id", tokenID, into: &out)
        object.date("until", until, into: &out)
        object.end(into: &out)
    }
}

extension CounterRefusal: JSONWritable {
    public func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.string("code", code, into: &out)
        object.string("message", message, into: &out)
        object.date("ready_at", readyAt, into: &out)
        object.end(into: &out)
    }
}

extension LocalizedName: JSONWritable {
    public func writeJSON(into out: inout [UInt8]) throws {
        var object = JSONObjectWriter(into: &out)
        object.string("en", en, into: &out)
        object.string("gu", gu, into: &out)
        object.string("hi", hi, into: &out)
        object.end(into: &out)
    }
}
