import ArgumentParser
import TaskKit

struct TokenList: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List API tokens (never the tokens themselves).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Option(help: "Only this user's tokens.") var user: String?

    func run(registry: TaskRegistry) async throws {
        let now = Clock.now()
        let tokens = try await Context(store, registry: registry).withStore { try await Credentials.tokens(user: user, store: $0) }
        if output.json { Output.json(.array(tokens.map { $0.jsonObject(now: now) })); return }
        if tokens.isEmpty { Output.note("No tokens."); return }
        Output.table(["ID", "USER", "NAME", "CREATED", "EXPIRES", "LAST USED"], tokens.map { t in
            [String(t.id), t.user, t.name ?? "-", TimeFormat.short(t.createdAt),
             t.expiresAt.map { TimeFormat.short($0) + (t.isExpired(now: now) ? " (expired)" : "") } ?? "never",
             t.lastUsedAt.map(TimeFormat.short) ?? "never"]
        })
    }
}
