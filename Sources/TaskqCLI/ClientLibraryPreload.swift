import TaskKit

/// Starts loading libpq or hiredis before the arguments are parsed, when they name a command (every subcommand
/// opens a store) and the database URL, from `--database-url` or the environment, is PostgreSQL or Redis: the
/// 3–4 ms libpq load then overlaps argument parsing (`create-job` on PostgreSQL 19.6 → 18.4 ms, BENCHMARKS.md).
/// Help and version requests load nothing: a process cannot exit until a load it started has finished.
enum ClientLibraryPreload {
    static func start(arguments: [String]) {
        guard let first = arguments.first,
              TaskqCommand.configuration.subcommands.contains(where: { $0.configuration.commandName == first }),
              !arguments.contains(where: { ["-h", "--help", "--version", "help"].contains($0) })
        else { return }
        StoreFactory.preloadClientLibrary(for: databaseURL(in: arguments) ?? ProcessEnvironment.value(DatabaseURL.environmentVariable))
    }

    /// The value of `--database-url URL` or `--database-url=URL`, if given.
    static func databaseURL(in arguments: [String]) -> String? {
        for (index, argument) in arguments.enumerated() {
            if argument == "--database-url" { return index + 1 < arguments.count ? arguments[index + 1] : nil }
            if argument.hasPrefix("--database-url=") { return String(argument.dropFirst("--database-url=".count)) }
        }
        return nil
    }
}
