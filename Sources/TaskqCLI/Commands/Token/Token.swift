import ArgumentParser
import TaskKit

/// `taskq token …`: API tokens for `taskq serve`.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke API tokens.",
        discussion: """
            A token acts with its user's role. It is printed once, when created; the store keeps only its SHA-256 \
            hash, so a lost token cannot be shown again: revoke it and create another.
            """,
        subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self])
}
