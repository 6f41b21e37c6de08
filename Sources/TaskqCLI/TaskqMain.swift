import ArgumentParser
import TaskKit
#if canImport(Glibc)
import Glibc
#endif

/// Entry point shared by the `taskq` binary and any Swift program that embeds the command set with its own tasks
/// (its "manage.py"): register handlers in a `TaskRegistry`, then call `TaskqMain.run(registry:)`.
public enum TaskqMain {
    /// Parses the arguments, runs the command with `registry` (the tasks this process can execute and accepts at
    /// enqueue, handed to the command as a value), prints errors as one line on stderr, and exits with the
    /// exit code of docs/contracts.md#exit-codes.
    ///
    /// `programName` is what usage, help and error lines call the program (`mytasks: error: …`); by default the
    /// name it was started as (the last component of `argv[0]`).
    public static func run(registry: TaskRegistry = .builtins(), arguments: [String]? = nil,
                           programName: String? = nil) async -> Never {
        ProgramName.set(programName ?? CommandLine.arguments.first.map(ProgramName.fromPath) ?? "taskq")
        let args = arguments ?? Array(CommandLine.arguments.dropFirst())
        ClientLibraryPreload.start(arguments: args)
        do {
            var command = try await TaskqCommand.asyncParseAsRoot(try CommandLineInput.prepare(args))
            if let subcommand = command as? TaskqSubcommand {
                try await subcommand.run(registry: registry)
            } else if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let error as TaskqError {
            Output.error(error.description)
            exit(error.exitCode)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = TaskqCommand.exitCode(for: error)
            if code == .success {
                print(TaskqCommand.fullMessage(for: error))
                exit(0)
            }
            Output.error(CommandLineInput.message(for: error, args: args))
            exit(code.rawValue)
        }
    }
}
