/// Where the FastCGI server listens: a unix socket (the default behind nginx) or a TCP port on 127.0.0.1.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    case unixSocket(path: String)
    case loopbackPort(Int)

    /// The address in libfcgi's `FCGX_OpenSocket` notation.
    var libfcgiPath: String {
        switch self {
        case .unixSocket(let path): path
        case .loopbackPort(let port): "127.0.0.1:\(port)"
        }
    }

    public var description: String {
        switch self {
        case .unixSocket(let path): "unix:\(path)"
        case .loopbackPort(let port): "127.0.0.1:\(port)"
        }
    }
}
