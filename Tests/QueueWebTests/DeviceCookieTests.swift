import FastCGI
import Testing
@testable import QueueWeb

@Suite("Device cookies: a browser a clerk signed in from before")
struct DeviceCookieTests {
    let key = [UInt8](repeating: 7, count: 32)

    @Test func aCookieReadsBackOnlyUnderItsKeyAndUnchanged() {
        let cookie = DeviceCookie.new(for: "Clerk-VAD-247")
        #expect(cookie.username == "clerk-vad-247" && cookie.id.count == 22)
        let text = cookie.encoded(key: key)
        #expect(DeviceCookie.decoded(text, key: key) == cookie)
        #expect(DeviceCookie.decoded(text, key: [UInt8](repeating: 8, count: 32)) == nil)
        // Another name under the same id and signature, or a changed id, is not ours
        let parts = text.split(separator: ".").map(String.init)
        #expect(DeviceCookie.decoded("YWRtaW4.\(parts[1]).\(parts[2])", key: key) == nil)
        #expect(DeviceCookie.decoded("\(parts[0]).x\(parts[1]).\(parts[2])", key: key) == nil)
        #expect(DeviceCookie.decoded("\(parts[0]).\(parts[1])", key: key) == nil)
    }

    @Test func nginxsClaimMustBeTheSameGenuineCookie() throws {
        let text = DeviceCookie.new(for: "clerk").encoded(key: key)
        func presented(cookie: String?, nginx: String?) throws(DeviceCookie.NotRecognised) -> DeviceCookie? {
            var headers: [String: String] = [:]
            if let cookie { headers["Cookie"] = cookie }
            var request = Request(method: "POST", path: "/api/v1/auth/login", headers: headers)
            if let nginx { request.gatewayVariables["DEVICE_LIMIT_KEY"] = nginx }
            return try DeviceCookie.presented(request, key: key)
        }
        #expect(try presented(cookie: nil, nginx: nil) == nil)
        #expect(try presented(cookie: nil, nginx: "") == nil)
        #expect(try presented(cookie: "gq_device=\(text)", nginx: text)?.username == "clerk")
        // nginx found it under another spelling of the name: still checked
        #expect(try presented(cookie: "GQ_DEVICE=\(text)", nginx: text)?.username == "clerk")
        #expect(throws: DeviceCookie.NotRecognised.self) { try presented(cookie: "GQ_DEVICE=made-up", nginx: "made-up") }
        #expect(throws: DeviceCookie.NotRecognised.self) { try presented(cookie: "gq_device=\(text)", nginx: "other") }
    }
}
