import ArgumentParser
import TaskKit

struct TokenRevoke: TaskqSubcommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API token by its id.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: ArgumentHelp("Token id (from 'taskq token list').", valueName: "id")) var text: String

    /// A positive integer, or a usage error in the words job ids get.
    private var id: Int64 { Int64(text).flatMap { $0 > 0 ? $0 : nil } ?? 0 }

    func validate() throws {
        guard id > 0 else { throw ValidationError("invalid token id '\(TerminalText.escaped(text))': expected a positive integer") }
    }

    func run(registry: TaskRegistry) async throws {
        try await Context(store, registry: registry).withStore { try await Credentials.revokeToken(id: id, store: $0) }
        if output.json { Output.json(.obj(("id", .int(id)), ("revoked", .bool(true)))); return }
        Output.line("Token \(id) revoked.")
    }
}
