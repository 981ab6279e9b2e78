import ArgumentParser
import Foundation
import SiteKit

@main
struct Sitegen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sitegen",
        abstract: "Build GUVNL Queue's static site from Content/ (Markdown) and Templates/ (Mustache).",
        subcommands: [Build.self, Check.self, Watch.self])
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the site into the web root, replacing it in one step.",
        discussion: "The site is built in a staging folder first: a failed build reports file:line and leaves the old site as it was.")

    @OptionGroup var site: PublishOptions

    func run() throws {
        do {
            let summary = try site.builder().build()
            print("sitegen: built \(summary.pages) pages, \(summary.assets) assets and a catalogue of \(summary.services) services and \(summary.offices) offices into \(site.outputURL.path)"
                  + (summary.voiceClips > 0 ? "; the board's voice: \(summary.voiceClips) clips, \(summary.voiceBytes) bytes" : ""))
        } catch let error as SiteError {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the content without publishing: build errors, broken internal links, missing translations.",
        discussion: "Prints each problem as file:line: reason and exits 1 if there is any.")

    @OptionGroup var project: ProjectOption

    func run() throws {
        let problems = SiteCheck(root: project.rootURL).run()
        for problem in problems { print(problem.description) }
        if problems.isEmpty {
            print("sitegen check: no problems")
        } else {
            FileHandle.standardError.write(Data("sitegen check: \(problems.count) problem(s)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the site whenever Content/ or Templates/ change, for editors (Ctrl-C stops).",
        discussion: "A mistake is printed as file:line: reason and the last good site stays until it is fixed.")

    @OptionGroup var site: PublishOptions

    func run() throws {
        say("sitegen watch: watching \(site.project.rootURL.path)/Content and Templates; Ctrl-C stops")
        SiteWatcher(builder: site.builder()).run { outcome in
            let time = Date().formatted(date: .omitted, time: .standard)
            switch outcome {
            case .success(let summary): say("\(time) built \(summary.pages) pages")
            case .failure(let error): say("\(time) \(error.description)")
            }
        }
    }
}

/// A line to standard output at once (unbuffered), for editors who pipe `watch` into another tool.
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
