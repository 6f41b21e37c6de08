import ArgumentParser
import TaskKit

/// `taskq createsuperuser`, in the manner of Django's: an admin user from prompts on a terminal, or from flags and
/// `TASKQ_SUPERUSER_PASSWORD` with `--noinput`.
struct CreateSuperuser: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "createsuperuser", abstract: "Create an admin user (prompts for name, email and password).",
        discussion: """
            On a terminal, asks for what the flags do not give, and for the password twice without showing it. \
            With --noinput nothing is asked: --username is required and the password is read from \
            TASKQ_SUPERUSER_PASSWORD. User names are 1-150 letters, digits and @ . + - _; passwords at least 10 \
            characters (at most 72 bytes), not all digits, not the user name, not a very common one. \
            A taken name exits 1, an invalid value 64; nothing is stored then.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Option(help: "User name.") var username: String?
    @Option(help: "Email address (optional).") var email: String?
    @Flag(name: .customLong("noinput"), help: "Ask nothing: needs --username and TASKQ_SUPERUSER_PASSWORD.") var noInput = false

    func run(registry: TaskRegistry) async throws {
        let user = try await Context(store, registry: registry).withStore { store in
            try await UserPrompts.addUser(role: .admin, name: username, email: email, noInput: noInput, askEmail: true,
                                          command: "createsuperuser", store: store)
        }
        if output.json { Output.json(user.jsonObject()); return }
        Output.line("Superuser '\(user.name)' created.")
    }
}

/// The prompting shared by `createsuperuser` and `user add`.
enum UserPrompts {
    /// Takes what the flags give, asks for the rest on a terminal (unless `noInput`), and adds the user.
    static func addUser(role: UserRole, name: String?, email: String?, noInput: Bool, askEmail: Bool, command: String,
                        store: TaskqStore) async throws -> UserRecord {
        let now = { Clock.now() }
        if noInput {
            guard let name else { throw TaskqError.usage("--noinput needs --username") }
            return try await Credentials.addUser(name: name, email: email, role: role, password: try Prompt.passwordFromEnvironment(),
                                                 store: store, now: now())
        }
        try Prompt.requireTerminal(command)
        let userName: String
        if let name {
            try CredentialRules.checkName(name)
            if try await Credentials.userExists(name, store: store) { throw TaskqError.failed("a user named '\(name)' already exists") }
            userName = name
        } else {
            userName = try await Prompt.ask("Username: ") { answer in
                try CredentialRules.checkName(answer)
                if try await Credentials.userExists(answer, store: store) { throw TaskqError.failed("that user name is already taken") }
            }
        }
        var address = email
        if address == nil && askEmail {
            address = try await Prompt.ask("Email address: ") { try CredentialRules.checkEmail($0) }
        }
        let password = try await Prompt.newPassword(for: userName)
        return try await Credentials.addUser(name: userName, email: address, role: role, password: password, store: store, now: now())
    }
}
