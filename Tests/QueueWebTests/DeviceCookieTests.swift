import FastCGI
import Foundation
import Testing
@testable import QueueWeb

@Suite("Device cookies: a browser a clerk signed in from before")
struct DeviceCookieTests {
    let key = [UInt8](repeating: 7, count: 32)
    static let now = Date(timeIntervalSince1970: 1_796_000_000)
    let cookie = DeviceCookie(username: "clerk-vad-247", id: "AAAAAAAAAAAAAAAAAAAAAA", stamp: "0123456789abcdef",
                              issuedDay: Int(now.timeIntervalSince1970 / 86_400))

    @Test func aCookieReadsBackOnlyUnderItsKeyAndUnchanged() {
        let text = cookie.encoded(key: key)
        #expect(DeviceCookie.decoded(text, key: key) == cookie)
        #expect(DeviceCookie.decoded(text, key: [UInt8](repeating: 8, count: 32)) == nil)
        // Another name, id, stamp or day under the same signature is not ours, nor a part missing
        let parts = text.split(separator: ".").map(String.init)
        for index in 0..<4 {
            var changed = parts
            changed[index] = index == 3 ? String(cookie.issuedDay + 1) : "x" + parts[index]
            #expect(DeviceCookie.decoded(changed.joined(separator: "."), key: key) == nil, "part \(index)")
        }
        #expect(DeviceCookie.decoded(parts.dropLast().joined(separator: "."), key: key) == nil)
    }

    func presented(cookie: String?, nginx: String?, at now: Date = now) throws(DeviceCookie.NotRecognised) -> DeviceCookie? {
        var headers: [String: String] = [:]
        if let cookie { headers["Cookie"] = cookie }
        var request = Request(method: "POST", path: "/api/v1/auth/login", headers: headers)
        if let nginx { request.gatewayVariables["DEVICE_LIMIT_KEY"] = nginx }
        return try DeviceCookie.presented(request, key: key, at: now)
    }

    @Test func nginxsClaimMustBeTheSameGenuineCookie() throws {
        let text = cookie.encoded(key: key)
        #expect(try presented(cookie: nil, nginx: nil) == nil)
        #expect(try presented(cookie: nil, nginx: "") == nil)
        #expect(try presented(cookie: "gq_device=\(text)", nginx: text) == cookie)
        // nginx found it under another spelling of the name: still checked
        #expect(try presented(cookie: "GQ_DEVICE=\(text)", nginx: text) == cookie)
        #expect(throws: DeviceCookie.NotRecognised.self) { try presented(cookie: "GQ_DEVICE=made-up", nginx: "made-up") }
        #expect(throws: DeviceCookie.NotRecognised.self) { try presented(cookie: "gq_device=\(text)", nginx: "other") }
    }

    @Test func aCookieLastsOneHundredAndEightyDays() throws {
        let text = cookie.encoded(key: key)
        #expect(try presented(cookie: "gq_device=\(text)", nginx: text, at: Self.now.addingTimeInterval(180 * 86_400)) == cookie)
        #expect(throws: DeviceCookie.NotRecognised.self) {
            try presented(cookie: "gq_device=\(text)", nginx: text, at: Self.now.addingTimeInterval(181 * 86_400))
        }
        // nor one dated after today (only the server dates them)
        #expect(throws: DeviceCookie.NotRecognised.self) {
            try presented(cookie: "gq_device=\(text)", nginx: text, at: Self.now.addingTimeInterval(-86_400))
        }
    }
}
