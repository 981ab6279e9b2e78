import CFastCGI
import Foundation

/// Opens the listening socket, replacing a stale unix socket but never a live one,
/// and gives nginx's worker group access to it.
enum SocketListener {
    /// Deep enough that a burst does not overflow it: a full backlog makes nginx answer 502.
    static let backlog: Int32 = 4096

    static func open(_ configuration: ServerConfiguration) throws -> Int32 {
        let address = configuration.address
        if case .unixSocket(let path) = address { try removeStaleSocket(at: path) }
        let descriptor = FCGX_OpenSocket(address.libfcgiPath, backlog)
        guard descriptor >= 0 else {
            if errno == EADDRINUSE { throw FastCGIServerError.addressInUse(address) }
            throw FastCGIServerError.cannotListen(address, errno: errno)
        }
        if case .unixSocket(let path) = address {
            try setPermissions(path: path, mode: configuration.socketMode, group: configuration.socketGroup)
        }
        return descriptor
    }

    /// The device and inode of a socket file, or nil if there is no socket there.
    struct FileIdentity: Equatable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    static func identity(of path: String) -> FileIdentity? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else { return nil }
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    private static func removeStaleSocket(at path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else { throw FastCGIServerError.notASocket(path: path) }
        if isAnswering(path) { throw FastCGIServerError.addressInUse(.unixSocket(path: path)) }
        unlink(path)
    }

    /// True if a server is accepting on the unix socket at `path`.
    private static func isAnswering(_ path: String) -> Bool {
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { close(probe) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = Array(path.utf8.prefix(capacity - 1))
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    private static func setPermissions(path: String, mode: UInt32, group: String?) throws {
        if let group {
            guard let entry = getgrnam(group) else { throw FastCGIServerError.unknownGroup(group) }
            if chown(path, uid_t.max, entry.pointee.gr_gid) != 0 {
                throw FastCGIServerError.cannotSetPermissions(path: path, errno: errno)
            }
        }
        if chmod(path, mode_t(mode)) != 0 {
            throw FastCGIServerError.cannotSetPermissions(path: path, errno: errno)
        }
    }
}
