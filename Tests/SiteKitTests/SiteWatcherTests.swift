import Foundation
import Testing
@testable import SiteKit

@Suite("sitegen watch")
struct SiteWatcherTests {
    @Test func aChangedOrNewFileChangesTheSnapshotAndNothingElseDoes() throws {
        let project = try SiteBuilderTests.Project(files: ["Content/en/index.md": "---\ntitle: Home\n---\n"])
        defer { project.remove() }
        let watcher = SiteWatcher(builder: SiteBuilder(root: project.root, output: project.output))
        let first = watcher.snapshot()
        #expect(watcher.snapshot() == first)
        try project.build()  // writing public/ is not a change to watch
        #expect(watcher.snapshot() == first)
        try project.write("---\ntitle: New\n---\n", to: "Content/en/new.md")
        let second = watcher.snapshot()
        #expect(second != first)
        try project.write("---\ntitle: Home, edited\n---\n", to: "Content/en/index.md")
        #expect(watcher.snapshot() != second)
    }
}
