import ArgumentParser
import TaskKit

/// What the command line needs before and after argument-parser sees it: negative numbers reach their options
/// (argument-parser would read `-1` as an option), and parse errors get one lower-case line with a suggestion.
enum CommandLineInput {
    /// `args` with every `--option -N` before a `--` rewritten as `--option=-N`, so the option's own check
    /// answers (`invalid priority '-1'`) instead of "missing value". A negative number standing alone (a job id
    /// such as `show-job -1`) is refused here with one clear line.
    static func prepare(_ rawArgs: [String]) throws -> [String] {
        let args = storeOptionsAfterCommand(rawArgs)
        if args.first == "help" { try checkHelpTopic(Array(args.dropFirst())) }
        var out: [String] = []
        var index = 0
        while index < args.count {
            let arg = args[index]
            if arg == "--" { return out + args[index...] }
            if isNegativeNumber(arg) {
                if let last = out.last, last.hasPrefix("--"), !last.contains("=") {
                    out[out.count - 1] = last + "=" + arg
                } else {
                    let help = ([ProgramName.current] + commandPath(args) + ["--help"]).joined(separator: " ")
                    throw TaskqError.usage("invalid value '\(TerminalText.escaped(arg))': expected a positive integer (see '\(help)')")
                }
            } else {
                out.append(arg)
            }
            index += 1
        }
        return out
    }

    /// `taskq help A B` names commands: an unknown one is a usage error (argument-parser would print the top-level
    /// help and exit 0, as if the topic existed).
    static func checkHelpTopic(_ words: [String]) throws {
        var topic = words.filter { !$0.hasPrefix("-") }
        if topic.first == "help" { topic.removeFirst() }
        let path = commandPath(topic)
        guard path.count < topic.count else { return }
        let shown = TerminalText.escaped((path + [topic[path.count]]).joined(separator: " "))
        throw TaskqError.usage("unknown command '\(shown)': see `\(ProgramName.current) --help`")
    }

    /// `taskq --database-url URL list-jobs` as `taskq list-jobs --database-url URL`: the store options every command
    /// takes, written before the command (as `taskq --help` describes them), move after its name.
    static func storeOptionsAfterCommand(_ args: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < args.count {
            let arg = args[index]
            if ["--database-url", "--config"].contains(arg), index + 1 < args.count {
                leading += [arg, args[index + 1]]
                index += 2
            } else if arg.hasPrefix("--database-url=") || arg.hasPrefix("--config=") {
                leading.append(arg)
                index += 1
            } else {
                break
            }
        }
        guard !leading.isEmpty else { return args }
        let rest = Array(args[index...])
        let path = commandPath(rest)
        guard !path.isEmpty else { return args }
        return path + leading + rest.dropFirst(path.count)
    }

    /// The subcommand names `args` starts with (`["queue", "pause"]`).
    static func commandPath(_ args: [String]) -> [String] {
        var command: ParsableCommand.Type = TaskqCommand.self
        var path: [String] = []
        for word in args {
            guard let sub = command.configuration.subcommands.first(where: {
                $0.configuration.commandName == word || $0.configuration.aliases.contains(word)
            }) else { break }
            command = sub
            path.append(word)
        }
        return path
    }

    /// The value of the last `--name VALUE` or `--name=VALUE` before any `--` (argument-parser keeps the last of a
    /// repeated option); nil when absent or empty.
    static func optionValue(_ name: String, in words: [String]) -> String? {
        var found: String?
        for (i, word) in words.enumerated() {
            if word == "--" { break }
            if word == name, i + 1 < words.count { found = words[i + 1] }
            if word.hasPrefix(name + "=") { found = String(word.dropFirst(name.count + 1)) }
        }
        return found?.isEmpty == false ? found : nil
    }

    /// `-5`, `-1.5`, `-5m`: a leading hyphen followed by a digit.
    static func isNegativeNumber(_ arg: String) -> Bool {
        arg.count > 1 && arg.hasPrefix("-") && arg.dropFirst().first.map { $0.isASCII && $0.isNumber } == true
    }

    /// argument-parser's message for `error` as one line in taskq's style: lower-case start, an unknown command
    /// with the closest command name, and a pointer to the command's `--help`.
    static func message(for error: Error, args: [String]) -> String {
        let full = TaskqCommand.message(for: error)
        var line = full.split(separator: "\n").first.map(String.init) ?? full
        if let first = line.first, first.isUppercase, line.dropFirst().first?.isLowercase == true {
            line = first.lowercased() + line.dropFirst()
        }
        // Walk the command path (`schedule add`) as far as the words name commands.
        var path: [String] = []
        var group: [ParsableCommand.Type] = TaskqCommand.configuration.subcommands
        for word in args {
            let names = group.map { $0._commandName }
            guard !word.hasPrefix("-"), !group.isEmpty else { break }
            guard let found = group.first(where: { $0._commandName == word }) else {
                let guess = names.min { distance(word, $0) < distance(word, $1) }
                let hint = guess.flatMap { distance(word, $0) <= max(2, word.count / 3) ? "; did you mean '\($0)'?" : nil } ?? ""
                let prefix = ([ProgramName.current] + path).joined(separator: " ")
                return "unknown command '\(TerminalText.escaped(word))'\(hint) ('\(prefix) --help' lists the commands)"
            }
            path.append(word)
            group = found.configuration.subcommands
        }
        // Words left over where a command may follow `--` (create-job, schedule add): say where they go.
        if line.contains("unexpected argument"), ["create-job", "schedule add"].contains(path.joined(separator: " ")) {
            return TerminalText.escaped(line) + "; a command and its arguments go after -- (\(([ProgramName.current] + path).joined(separator: " ")) NAME … -- CMD ARGS…)"
        }
        return TerminalText.escaped(line) + " (see '\(([ProgramName.current] + path).joined(separator: " ")) --help')"
    }

    /// Edit distance (insertions, deletions, substitutions).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
