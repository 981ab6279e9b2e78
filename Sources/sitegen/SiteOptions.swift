import ArgumentParser
import Foundation
import SiteKit

/// `--root`: the project folder, for every command.
struct ProjectOption: ParsableArguments {
    @Option(help: "The project folder holding Content/ and Templates/.")
    var root: String = "."

    var rootURL: URL { URL(fileURLWithPath: root) }
}

/// Where and how `build` and `watch` publish.
struct PublishOptions: ParsableArguments {
    @OptionGroup var project: ProjectOption

    @Option(help: "The web root to write (replaced whole).")
    var output: String = "public"

    @Option(help: "The site's public address, for sitemap.xml and robots.txt (env: GUVNL_BASE_URL).")
    var baseURL: String = ProcessInfo.processInfo.environment["GUVNL_BASE_URL"] ?? "http://127.0.0.1:8080"

    /// The web root, relative to the project folder unless absolute.
    var outputURL: URL { URL(fileURLWithPath: output, relativeTo: project.rootURL).standardizedFileURL }

    func builder() -> SiteBuilder { SiteBuilder(root: project.rootURL, output: outputURL, baseURL: baseURL) }
}
