import Foundation

/// Writes the files of a build into its staging folder with plain open/write/close. No per-file
/// fsync (Foundation's atomic `Data.write` syncs every file): the whole folder is swapped in at once,
/// so a crash can only lose the staging folder, never half of the live site.
final class StagingWriter: @unchecked Sendable {
    private let lock = NSLock()
    private var folders: Set<String> = []

    /// Safe from several threads at once: folder creation is serialised, file writes are not.
    func write(_ bytes: [UInt8], to file: URL) throws {
        try ensureFolder(file.deletingLastPathComponent().path)
        try writeFile(bytes, to: file)
    }

    /// Forgets the folders made so far: a new build's staging folder (same name, same process, as
    /// `sitegen watch` rebuilds) starts empty.
    func startOver() {
        lock.lock()
        folders.removeAll()
        lock.unlock()
    }

    private func ensureFolder(_ folder: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard !folders.contains(folder) else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        folders.insert(folder)
    }

    private func writeFile(_ bytes: [UInt8], to file: URL) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw failure(file) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Foundation.write(descriptor, base + written, bytes.count - written)
            }
            guard count > 0 else { throw failure(file) }
            written += count
        }
    }

    private func failure(_ file: URL) -> SiteError {
        SiteError(step: "write", file: file.path, reason: "cannot write: \(String(cString: strerror(errno)))")
    }
}
