import TaskKit

/// Starts loading libpq or hiredis before the arguments are parsed, when they name a command (every subcommand
/// opens a store) and the database URL, from `--database-url` or the environment, is PostgreSQL or Redis: the
/// libpq load (2.7–3.8 ms) then overlaps argument parsing (`create-job` on PostgreSQL about 19.6 → 18.5 ms, BENCHMARKS.md).
/// Help and version requests load nothing: a process cannot exit until a load it started has finished.
enum ClientLibraryPreload {
    static func start(arguments: [String]) {
        guard let first = arguments.first,
              TaskqCommand.configuration.subcommands.contains(where: { $0.configuration.commandName == first }),
              !arguments.contains(where: { ["-h", "--help", "--version", "help"].contains($0) })
        else { return }
        StoreFactory.preloadClientLibrary(for: CommandLineInput.optionValue("--database-url", in: arguments)
            ?? ProcessEnvironment.value(DatabaseURL.environmentVariable))
    }
}
