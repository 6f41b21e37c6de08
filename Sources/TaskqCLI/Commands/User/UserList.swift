import ArgumentParser
import TaskKit

struct UserList: TaskqSubcommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users (never their passwords).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption

    func run(registry: TaskRegistry) async throws {
        let users = try await Context(store, registry: registry).withStore { try await $0.users() }
        if output.json { Output.json(.array(users.map { $0.jsonObject() })); return }
        if users.isEmpty { Output.note("No users."); return }
        Output.table(["NAME", "ROLE", "EMAIL", "CREATED", "LAST LOGIN"], users.map { u in
            [u.name, u.role.rawValue, u.email ?? "-", TimeFormat.short(u.createdAt), u.lastLoginAt.map(TimeFormat.short) ?? "never"]
        })
    }
}
