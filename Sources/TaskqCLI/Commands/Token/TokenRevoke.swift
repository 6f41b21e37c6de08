import ArgumentParser
import TaskKit

struct TokenRevoke: TaskqSubcommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API token by its id.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Token id (from 'taskq token list').") var id: Int64

    func run(registry: TaskRegistry) async throws {
        try await Context(store, registry: registry).withStore { try await Credentials.revokeToken(id: id, store: $0) }
        if output.json { Output.json(.obj(("id", .int(id)), ("revoked", .bool(true)))); return }
        Output.line("Token \(id) revoked.")
    }
}
