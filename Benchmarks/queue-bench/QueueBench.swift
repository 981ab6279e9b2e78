import ArgumentParser

@main
struct QueueBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue-bench",
        abstract: "Measure QueueCore directly (no HTTP): throughput, and simulated office days.",
        subcommands: [Throughput.self, Simulate.self, Picture.self])
}
