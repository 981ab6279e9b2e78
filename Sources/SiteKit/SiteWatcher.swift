import Foundation

/// Rebuilds the site whenever a file under `Content/` or `Templates/` changes (checked twice a second,
/// by path, size and modification time), reporting each result, until stopped.
public struct SiteWatcher {
    public let builder: SiteBuilder
    public var interval: Double = 0.5

    public init(builder: SiteBuilder) { self.builder = builder }

    /// What the folders hold now; a change in any file changes it.
    func snapshot() -> [String: String] {
        var files: [String: String] = [:]
        for folder in ["Content", "Templates"] {
            let base = builder.root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey]) else { continue }
            for case let url as URL in walker {
                let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey])
                files[url.path] = "\(values?.fileSize ?? -1)@\(values?.contentModificationDate?.timeIntervalSince1970 ?? 0)"
            }
        }
        return files
    }

    /// Builds once, then after every change, calling `report` with each outcome; never returns.
    public func run(report: (Result<SiteBuilder.Summary, SiteError>) -> Void) -> Never {
        var last: [String: String]? = nil
        while true {
            let now = snapshot()
            if now != last {
                last = now
                do {
                    report(.success(try builder.build()))
                } catch let error as SiteError {
                    report(.failure(error))
                } catch {
                    report(.failure(SiteError(step: "build", reason: "\(error)")))
                }
            }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
