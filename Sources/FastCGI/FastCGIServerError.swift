import Foundation

/// Why a `FastCGIServer` could not start.
public enum FastCGIServerError: Error, Sendable, CustomStringConvertible {
    case addressInUse(ListenAddress)
    case notASocket(path: String)
    case cannotListen(ListenAddress, errno: Int32)
    case unknownGroup(String)
    case cannotSetPermissions(path: String, errno: Int32)
    case streamLoop(errno: Int32)

    public var description: String {
        switch self {
        case .addressInUse(let address):
            "\(address) is already in use: another fcgi-app is serving there (stop it, or choose another socket or port)"
        case .notASocket(let path):
            "\(path) exists and is not a socket; refusing to replace it"
        case .cannotListen(let address, let code):
            "cannot listen on \(address): \(String(cString: strerror(code)))"
        case .unknownGroup(let name):
            "no such group: \(name)"
        case .cannotSetPermissions(let path, let code):
            "cannot set the owner group or mode of \(path): \(String(cString: strerror(code)))"
        case .streamLoop(let code):
            "cannot set up the event-stream loop (epoll): \(String(cString: strerror(code)))"
        }
    }
}

