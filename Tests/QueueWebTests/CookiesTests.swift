import FastCGI
import Testing
@testable import QueueWeb

@Suite("Reading the Cookie header")
struct CookiesTests {
    func cookies(_ header: String) -> [String: String] {
        Cookies.read(Request(method: "GET", path: "/", headers: ["Cookie": header]))
    }

    @Test func eachPairIsReadWithoutTheSpacesAroundIt() {
        // Given a browser's header with spaces, a tab and a value holding '='
        let read = cookies("gq_access=abc.def; gq_csrf = x1 ;\tgq_refresh=a=b==")
        // Then each cookie is its own value, trimmed, the first '=' splitting name from value
        #expect(read == ["gq_access": "abc.def", "gq_csrf": "x1", "gq_refresh": "a=b=="])
    }

    @Test func theFirstOfARepeatedNameWinsAndEmptyPairsAreNoCookies() {
        // Given a repeated name, a cleared cookie, a pair without a name and one without '='
        let read = cookies("gq_csrf=first; gq_csrf=second; gq_access=; gq_refresh= ; =orphan; \t =orphan; flag; ;; gq_kiosk=કી")
        // Then the first value stands, and a pair with no name or no value is no cookie
        #expect(read == ["gq_csrf": "first", "gq_kiosk": "કી"])
    }

    @Test func noHeaderIsNoCookies() {
        #expect(Cookies.read(Request(method: "GET", path: "/", headers: [:])).isEmpty)
        #expect(cookies("").isEmpty)
    }
}
