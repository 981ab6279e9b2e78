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

    public init(hosts: [String] = PushServices.browsers) {
        self.hosts = hosts.map { $0.lowercased() }
    }

    /// A comma-separated list; `browsers` stands for the browsers' own services.
    public static func parse(_ text: String) throws(Invalid) -> PushServices {
        var hosts: [String] = []
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !item.isEmpty {
            if item == "browsers" {
                hosts += browsers
                continue
            }
            let name = item.hasPrefix(".") ? String(item.dropFirst()) : item
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:".contains($0)) }) else {
                throw Invalid(item: item)
            }
            hosts.append(item)
        }
        guard !hosts.isEmpty else { throw Invalid(item: text) }
        return PushServices(hosts: hosts)
    }

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let item: String
        public var description: String { "\"\(item)\" is not a host name (or .suffix, or browsers)" }
    }

    /// True when the endpoint is https at one of the hosts, with no user name or password in it.
    public func allows(_ endpoint: String) -> Bool {
        guard let url = URL(string: endpoint), url.scheme?.lowercased() == "https", url.user == nil, url.password == nil,
              let host = url.host?.lowercased(), !host.isEmpty else { return false }
        return hosts.contains { $0.hasPrefix(".") ? host.hasSuffix($0) : host == $0 }
    }
}
