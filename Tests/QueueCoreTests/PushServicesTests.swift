import Foundation
import Testing
@testable import QueueCore

/// A subscription's endpoint may name only a browser's push service: otherwise anyone with a token
/// could make the worker post to any https host, the server's own network included.
@Suite struct PushServicesTests {
    @Test func theBrowsersPushServicesAreAllowedAndNothingElse() {
        let services = PushServices()
        for endpoint in ["https://fcm.googleapis.com/fcm/send/abc:APA91b", "https://updates.push.services.mozilla.com/wpush/v2/gAAA",
                         "https://web.push.apple.com/QH3f", "https://wns2-db5p.notify.windows.com/w/?token=BQYA",
                         "https://FCM.googleapis.com/fcm/send/x"] {
            #expect(services.allows(endpoint), "\(endpoint)")
        }
        for endpoint in ["https://127.0.0.1/send", "https://10.0.0.7:8443/x", "https://169.254.169.254/latest/meta-data",
                         "https://[::1]/x", "https://localhost/x", "https://fcm.googleapis.com.evil.example/x",
                         "https://evilfcm.googleapis.com/x", "https://notify.windows.com.evil/x", "http://fcm.googleapis.com/fcm/send/x",
                         "https://fcm.googleapis.com@10.0.0.7/x", "https://user:pw@fcm.googleapis.com/x", "https://fcm.googleapis.com./x",
                         "not a url"] {
            #expect(!services.allows(endpoint), "\(endpoint)")
        }
    }

    /// At another port of a browser's push service nothing answers: a post there waits out its
    /// connect timeout (5 s), so an endpoint there would hold the push loop for everyone at will.
    @Test func aBrowsersPushServiceIsReachedOnlyAtHttpsOwnPort() throws {
        for services in [PushServices(), try PushServices.parse("browsers,127.0.0.1")] {
            #expect(services.allows("https://fcm.googleapis.com:443/fcm/send/x"))
            for endpoint in ["https://fcm.googleapis.com:81/fcm/send/x", "https://web.push.apple.com:22/QH3f",
                             "https://wns2-db5p.notify.windows.com:8080/w/", "https://updates.push.services.mozilla.com:0/wpush/v2/x"] {
                #expect(!services.allows(endpoint), "\(endpoint)")
            }
        }
    }

    /// Foundation's URL decodes a host's percent escapes, so these end in ".push.apple.com" for the
    /// list; libcurl refuses them ("Bad hostname"), and such a subscription would only be retried.
    @Test func aHostSpelledWithEscapesIsRefused() {
        for endpoint in ["https://evil.example%2F.push.apple.com/x", "https://169.254.169.254%23.push.apple.com/x",
                         "https://evil.example%40.push.apple.com/x", "https://evil.example%00.push.apple.com/x",
                         "https://evil.example%20.push.apple.com/x", "https://evil.example%E3%80%82push.apple.com/x"] {
            #expect(!PushServices().allows(endpoint), "\(endpoint)")
        }
        #expect(PushServices().allows("https://fcm.googleapis.co%6d/fcm/send/x"))
    }

    @Test func anOperatorListReplacesOrExtendsTheBrowsers() throws {
        let local = try PushServices.parse("127.0.0.1, .push.example")
        #expect(local.allows("https://127.0.0.1:40123/push/1") && local.allows("https://eu.push.example/x"))
        #expect(!local.allows("https://push.example/x") && !local.allows("https://fcm.googleapis.com/fcm/send/x"))
        let both = try PushServices.parse("browsers,127.0.0.1")
        #expect(both.allows("https://fcm.googleapis.com/fcm/send/x") && both.allows("https://127.0.0.1/x"))
        for bad in ["", " , ", "http://x", "a b", "."] {
            #expect(throws: PushServices.Invalid.self, "\(bad)") { try PushServices.parse(bad) }
        }
    }

    @Test func aSubscriptionElsewhereIsRefusedNamingTheEndpoint() {
        #expect(throws: PushSubscription.Invalid(field: "endpoint", reason: "The endpoint is not at a browser's push service.")) {
            try PushSubscription.validated(endpoint: "https://10.0.0.7/send", p256dh: nil, auth: nil)
        }
    }
}
