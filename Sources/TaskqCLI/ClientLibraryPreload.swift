import TaskKit

/// Starts loading libpq or hiredis before the arguments are parsed, when the database URL, from `--database-url` or
/// the environment, is PostgreSQL or Redis and the arguments name a command (every subcommand opens a store): the
/// libpq load (2.7–3.8 ms) then overlaps argument parsing (`create-job` on PostgreSQL about 19.6 → 18.5 ms, BENCHMARKS.md).
/// Help and version requests load nothing: a process cannot exit until a load it started has finished. A process
/// without such a URL (SQLite, the default) returns after the URL lookup, before looking at the commands.
enum ClientLibraryPreload {
    static func start(arguments: [String]) {
        guard let url = CommandLineInput.optionValue("--database-url", in: arguments)
                ?? ProcessEnvironment.value(DatabaseURL.environmentVariable),
              !url.hasPrefix("sqlite:"),
              let first = arguments.first,
              !arguments.contains(where: { ["-h", "--help", "--version", "help"].contains($0) }),
              TaskqCommand.configuration.subcommands.contains(where: { $0.configuration.commandName == first })
        else { return }
        StoreFactory.preloadClientLibrary(for: url)
    }
}
