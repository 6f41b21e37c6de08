import ArgumentParser
import TaskKit

/// `taskq user …`: list, add and remove users.
struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "List, add and remove users.",
        discussion: """
            Roles: admin (every action) and viewer (read-only). Passwords are stored only as bcrypt hashes; removing \
            a user revokes its API tokens.
            """,
        subcommands: [UserList.self, UserAdd.self, UserRemove.self])
}
