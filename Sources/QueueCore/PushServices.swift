import Foundation

/// The push services a subscription's endpoint may name. The endpoint comes from the citizen's
/// browser, and the worker POSTs to it: without a list, anyone with a token could make the server
/// post to any https host, its own network included. Browsers' push services are few and known.
public struct PushServices: Sendable, Equatable {
    /// The services of the browsers citizens use: Chrome, Edge (old), Opera, Samsung Internet and
    /// Android WebViews (Firebase), Firefox (Mozilla), Safari (Apple), Edge (Windows).
    public static let browsers = [
        "fcm.googleapis.com", "android.googleapis.com", "updates.push.services.mozilla.com",
        "web.push.apple.com", ".push.apple.com", ".notify.windows.com",
    ]

    /// Host names, lower case: an exact name, or ".suffix" for any host under it.
    public let hosts: [String]
    /// The operator's own entries (the tests' stub push service), reached at any port; the browsers'
    /// services only at https's own (443): at another port of fcm.googleapis.com nothing answers,
    /// and a post there waits out its whole connect timeout, an endpoint anyone could make slow.
    private let anyPort: Set<String>

    public init(hosts: [String] = PushServices.browsers) {
        self.init(hosts: hosts, anyPort: [])
    }

    private init(hosts: [String], anyPort: Set<String>) {
        self.hosts = hosts.map { $0.lowercased() }
        self.anyPort = Set(anyPort.map { $0.lowercased() })
    }

    /// A comma-separated list; `browsers` stands for the browsers' own services.
    public static func parse(_ text: String) throws(Invalid) -> PushServices {
        var hosts: [String] = [], anyPort: Set<String> = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !item.isEmpty {
            if item == "browsers" {
                hosts += browsers
                continue
            }
            let name = item.hasPrefix(".") ? String(item.dropFirst()) : item
            guard !name.isEmpty, isHostName(name) else {
                throw Invalid(item: item)
            }
            hosts.append(item)
            anyPort.insert(item)
        }
        guard !hosts.isEmpty else { throw Invalid(item: text) }
        return PushServices(hosts: hosts, anyPort: anyPort)
    }

    /// Letters, digits, dots, hyphens (and a port's colon): a host name as the list spells one.
    private static func isHostName(_ text: String) -> Bool {
        text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".-:".contains($0)) }
    }

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let item: String
        public var description: String { "\"\(item)\" is not a host name (or .suffix, or browsers)" }
    }

    /// True when the endpoint is https at one of the hosts, with no user name or password in it,
    /// and at port 443 unless the operator listed the host.
    public func allows(_ endpoint: String) -> Bool {
        guard let url = URL(string: endpoint), url.scheme?.lowercased() == "https", url.user == nil, url.password == nil,
              let host = url.host?.lowercased(), !host.isEmpty,
              // Foundation decodes the host ("evil%2F.push.apple.com" is "evil/.push.apple.com"); libcurl,
              // which posts, refuses such a name: only a plain host name passes, as the list spells them.
              Self.isHostName(host) else { return false }
        let defaultPort = url.port == nil || url.port == 443
        return hosts.contains { entry in
            (entry.hasPrefix(".") ? host.hasSuffix(entry) : host == entry) && (defaultPort || anyPort.contains(entry))
        }
    }
}
