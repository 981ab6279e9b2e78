import Testing
@testable import FastCGI

@Suite("Decoding FastCGI parameters into a request")
struct RequestDecodingTests {
    @Test func splitsTheTargetIntoPathAndQueryAndMapsHeaders() {
        // Given the parameters nginx sends for a GET with a query and headers
        let params = [
            "REQUEST_METHOD": "GET", "REQUEST_URI": "/api/v1/offices/VAD-247/slots?service=nc&date=2026-12-01",
            "QUERY_STRING": "service=nc&date=2026-12-01", "HTTP_ACCEPT_LANGUAGE": "gu-IN",
            "HTTP_LAST_EVENT_ID": "17", "CONTENT_TYPE": "", "REMOTE_ADDR": "10.0.0.5", "REQUEST_ID": "abc123",
        ]
        // When they are decoded
        let request = RequestDecoding.request(from: params, body: [])
        // Then the request holds them as plain values
        #expect(request.method == "GET")
        #expect(request.path == "/api/v1/offices/VAD-247/slots")
        #expect(request.query == "service=nc&date=2026-12-01")
        #expect(request.header("Accept-Language") == "gu-IN")
        #expect(request.header("last-event-id") == "17")
        #expect(request.header("content-type") == nil)
        #expect(request.remoteAddress == "10.0.0.5")
        #expect(request.requestID == "abc123")
    }

    @Test func makesARequestIDWhenNginxSendsNone() {
        let request = RequestDecoding.request(from: ["REQUEST_METHOD": "GET", "REQUEST_URI": "/api/healthz"], body: [])
        #expect(request.requestID.count == 16)
        let isHex = request.requestID.allSatisfy { $0.isHexDigit }
        #expect(isHex)
    }

    @Test func readsTheDeclaredBodyLength() {
        #expect(RequestDecoding.declaredBodyLength(["CONTENT_LENGTH": "70000"]) == 70000)
        #expect(RequestDecoding.declaredBodyLength(["CONTENT_LENGTH": ""]) == nil)
        #expect(RequestDecoding.declaredBodyLength([:]) == nil)
    }
}

@Suite("The CGI response head")
struct ResponseHeadTests {
    @Test func writesStatusHeadersAndLength() {
        let response = Response(status: 404, contentType: "application/json", body: "{}")
        let head = String(decoding: ResponseHead.serialize(response, contentLength: 2), as: UTF8.self)
        #expect(head == "Status: 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n")
    }

    @Test func dropsAHeaderThatWouldInjectAnother() {
        let response = Response(status: 303, headers: [("Location", "/x\r\nSet-Cookie: evil=1"), ("X-Ok", "yes")])
        let head = String(decoding: ResponseHead.serialize(response, contentLength: 0), as: UTF8.self)
        #expect(!head.contains("evil"))
        #expect(head.contains("X-Ok: yes\r\n"))
    }
}
