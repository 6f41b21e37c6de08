import ArgumentParser
import TaskKit

/// A subcommand that runs with the task registry the program gave `TaskqMain.run(registry:)`: the registry is a
/// value passed in, not a global, so a Swift program with its own handlers hands its registry over explicitly.
protocol TaskqSubcommand: AsyncParsableCommand {
    /// Runs the command; `registry` holds the tasks this process can execute and accepts at enqueue.
    func run(registry: TaskRegistry) async throws
}

extension TaskqSubcommand {
    /// Run outside `TaskqMain.run` (through `TaskqCommand.main()`): the built-in tasks only.
    func run() async throws { try await run(registry: .builtins()) }
}
