import ArgumentParser

@main
struct FcgiApp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fcgi-app",
        abstract: "GUVNL Queue's FastCGI application: the /api/ half of the system, behind nginx.",
        discussion: """
            Every option can also be given as an environment variable (shown with each option); \
            a flag on the command line wins over the environment.
            """,
        subcommands: [Serve.self, Worker.self, Migrate.self, ImportCatalog.self, UserCommand.self, CounterCommand.self,
                      JobsCommand.self, EraseCitizen.self, BackupCommand.self, RestoreCommand.self])
}
