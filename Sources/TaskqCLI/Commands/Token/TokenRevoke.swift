import ArgumentParser
import TaskKit

struct TokenRevoke: TaskqSubcommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API token by its id.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: ArgumentHelp("Token id (from 'taskq token list').", valueName: "id")) var text: String

    func validate() throws { _ = try parseJobID(text, what: "token id") }

    func run(registry: TaskRegistry) async throws {
        let id = try parseJobID(text, what: "token id")
        try await Context(store, registry: registry).withStore { try await Credentials.revokeToken(id: id, store: $0) }
        if output.json { Output.json(.obj(("id", .int(id)), ("revoked", .bool(true)))); return }
        Output.line("Token \(id) revoked.")
    }
}
