import ArgumentParser
import TaskKit

struct TokenCreate: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an API token for a user and print it once.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Option(help: "The user the token acts as.") var user: String
    @Option(help: "A label to recognise the token by in 'token list'.") var name: String?
    @Option(help: ArgumentHelp("Lifetime, e.g. 30d, 12h (default: no expiry).", valueName: "duration")) var expires: String?

    func validate() throws {
        if let expires {
            do { _ = try DurationParser.require(expires, option: "--expires") } catch let error as TaskqError {
                throw ValidationError(error.description)
            }
        }
    }

    func run(registry: TaskRegistry) async throws {
        let lifetime = try expires.map { try DurationParser.require($0, option: "--expires") }
        let now = Clock.now()
        let created = try await Context(store, registry: registry).withStore {
            try await Credentials.createToken(user: user, name: name, lifetime: lifetime, store: $0, now: now)
        }
        if output.json {
            guard case var .object(pairs) = created.record.jsonObject(now: now) else { return }
            pairs.insert(("token", .string(created.secret)), at: 1)
            Output.json(.object(pairs))
        } else {
            Output.line(created.secret)
        }
        Output.note("Token \(created.record.id) for user '\(user)' created. It is shown only this once: store it now.")
    }
}
