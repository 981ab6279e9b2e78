import ArgumentParser
import QueueCore

/// `--push-services`, shared by `serve` (which keeps a citizen's subscription only at one of them)
/// and `worker` (which posts only to them, whatever the table holds).
struct PushServicesOption: ParsableArguments {
    @Option(name: .customLong("push-services"), help: """
        The push services a browser's subscription may name, comma-separated host names (.suffix for a \
        domain); `browsers` stands for the browsers' own (the default) (env: GUVNL_PUSH_SERVICES).
        """)
    var list: String = Environment.string("GUVNL_PUSH_SERVICES") ?? "browsers"

    func validate() throws {
        do { _ = try PushServices.parse(list) } catch { throw ValidationError("--push-services: \(error.description)") }
    }

    /// The list, once `validate()` has passed.
    var services: PushServices { (try? PushServices.parse(list)) ?? PushServices() }
}
