import ArgumentParser
import TaskKit

struct UserRemove: TaskqSubcommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a user and revoke its API tokens.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "User name.") var name: String

    func run(registry: TaskRegistry) async throws {
        let revoked = try await Context(store, registry: registry).withStore { try await Credentials.removeUser(name: name, store: $0) }
        if output.json {
            Output.json(.obj(("name", .string(name)), ("removed", .bool(true)), ("tokens_revoked", .int(Int64(revoked)))))
            return
        }
        Output.line("User '\(name)' removed; \(revoked) token\(revoked == 1 ? "" : "s") revoked.")
    }
}
