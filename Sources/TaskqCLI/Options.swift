import ArgumentParser
import TaskKit

/// Where the store is and which config file to read.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Database URL: sqlite:PATH (default sqlite:taskq.sqlite3), postgres://... or redis://... (env TASKQ_DATABASE_URL).", valueName: "url"))
    var databaseURL: String?

    @Option(name: .long, help: ArgumentHelp("Config file (default ./taskq.toml when present; env TASKQ_CONFIG).", valueName: "file"),
            completion: .file(extensions: ["toml"]))
    var config: String?
}

/// `--json` for machine-readable output.
struct JSONOption: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false
}

/// Runs a TaskKit check in a command's `validate()`: its error becomes argument-parser's (exit 64, usage shown).
func validating(_ check: () throws -> Void) throws {
    do { try check() } catch let error as TaskqError { throw ValidationError(error.description) }
}

/// `--state` values: repeatable and comma-separated, seed synonyms accepted. A name that is no state is refused naming
/// `expected`; a state outside `allowed`, with `refusal`.
func parseStates(_ values: [String], expected: String, allowed: Set<JobState> = Set(JobState.allCases),
                 refusal: String = "") throws -> [JobState] {
    do {
        return try JobState.parseList(values, expected: expected, allowed: allowed, refusal: refusal)
    } catch let error as TaskqError {
        throw ValidationError(error.description)
    }
}
