import ArgumentParser
import TaskKit

struct UserAdd: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a user with a role (prompts for the password twice, input hidden).",
        discussion: "With --noinput the password is read from TASKQ_SUPERUSER_PASSWORD. The rules are those of createsuperuser.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "User name: 1-150 letters, digits and @ . + - _.") var name: String
    @Option(help: ArgumentHelp("admin (every action) or viewer (read-only).", valueName: "role"),
            completion: .list(UserRole.allCases.map(\.rawValue)))
    var role: String
    @Option(help: "Email address (optional).") var email: String?
    @Flag(name: .customLong("noinput"), help: "Ask nothing: read the password from TASKQ_SUPERUSER_PASSWORD.") var noInput = false

    func validate() throws {
        guard UserRole(rawValue: role.lowercased()) != nil else { throw ValidationError("invalid role '\(role)': expected admin or viewer") }
    }

    func run(registry: TaskRegistry) async throws {
        let role = UserRole(rawValue: role.lowercased()) ?? .viewer
        let user = try await Context(store, registry: registry).withStore { store in
            try await UserPrompts.addUser(role: role, name: name, email: email, noInput: noInput, askEmail: false, command: "user add",
                                          store: store)
        }
        if output.json { Output.json(user.jsonObject()); return }
        Output.line("User '\(user.name)' (\(user.role.rawValue)) created.")
    }
}
