import ArgumentParser
import TaskKit

/// `taskq changepassword USER`: a new password, typed twice on a terminal or taken from `TASKQ_SUPERUSER_PASSWORD`.
struct ChangePassword: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "changepassword", abstract: "Set a user's password (prompts twice, input hidden).",
        discussion: """
            With --noinput the password is read from TASKQ_SUPERUSER_PASSWORD. The password rules are those of \
            createsuperuser. The user's tokens stay valid (revoke them with 'taskq token revoke').
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "User name.") var user: String
    @Flag(name: .customLong("noinput"), help: "Ask nothing: read the password from TASKQ_SUPERUSER_PASSWORD.") var noInput = false

    func run(registry: TaskRegistry) async throws {
        let changed = try await Context(store, registry: registry).withStore { store -> UserRecord in
            guard try await Credentials.userExists(user, store: store) else { throw TaskqError.failed("no user named '\(user)'") }
            let password: String
            if noInput {
                password = try Prompt.passwordFromEnvironment()
            } else {
                try Prompt.requireTerminal("changepassword")
                Output.note("Changing password for user '\(user)'")
                password = try await Prompt.newPassword(for: user)
            }
            try await Credentials.changePassword(name: user, password: password, store: store, now: Clock.now())
            guard let record = try await store.user(named: user) else { throw TaskqError.failed("no user named '\(user)'") }
            return record
        }
        if output.json { Output.json(changed.jsonObject()); return }
        Output.line("Password changed for user '\(changed.name)'.")
    }
}
