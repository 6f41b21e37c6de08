import Foundation
import Testing
import TaskKit

/// `taskq createsuperuser`, `changepassword`, `user` and `token` as a user runs them, on every backend: every
/// refusal (exit code, one stderr line, nothing stored), prompts on a real pseudo-terminal, and no secret in any
/// output or in the store's plain fields.
@Suite("End to end: users and tokens")
struct UserCommandTests {
    static let password = "Sturdy-Passphrase-42"

    @Test(arguments: AnyBackend.allCases)
    func createsuperuserWithNoInputAndEveryRefusal(backend: AnyBackend) throws {
        let cli = try backend.migratedCLI()
        cli.environment["TASKQ_SUPERUSER_PASSWORD"] = Self.password
        let created = try cli.run(["createsuperuser", "--noinput", "--username", "admin", "--email", "admin@example.com", "--json"])
        #expect(created.status == 0, "\(created.stderr)")
        let user = created.json as? [String: Any] ?? [:]
        #expect(user["name"] as? String == "admin" && user["role"] as? String == "admin" && user["email"] as? String == "admin@example.com")
        #expect(Set(user.keys) == ["id", "name", "email", "role", "created_at", "password_changed_at", "last_login_at"])

        func refused(_ args: [String], password: String? = Self.password, status: Int32, _ message: String, stdin: String? = nil) throws {
            let saved = cli.environment
            defer { cli.environment = saved }
            cli.environment["TASKQ_SUPERUSER_PASSWORD"] = password
            let result = try cli.run(args, stdin: stdin)
            #expect(result.status == status, "\(args): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(args)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("taskq: error: ") == true && result.stderr.contains(message),
                    "\(args): \(result.stderr)")
            if let password { #expect(!result.stderr.contains(password)) }
        }
        try refused(["createsuperuser", "--noinput", "--username", "admin"], status: 1, "a user named 'admin' already exists")
        try refused(["createsuperuser", "--noinput", "--username", ""], status: 64, "must not be empty")
        try refused(["createsuperuser", "--noinput", "--username", "two words"], status: 64, "invalid user name")
        try refused(["createsuperuser", "--noinput", "--username", String(repeating: "x", count: 151)], status: 64, "longer than 150")
        try refused(["createsuperuser", "--noinput", "--username", "bob", "--email", "not-an-address"], status: 64, "invalid email address")
        try refused(["createsuperuser", "--noinput", "--username", "bob"], password: "short-pw", status: 64, "too short")
        try refused(["createsuperuser", "--noinput", "--username", "bob"], password: "12345678901234", status: 64, "entirely numeric")
        try refused(["createsuperuser", "--noinput", "--username", "bob.builder"], password: "Bob.Builder", status: 64, "same as the user name")
        try refused(["createsuperuser", "--noinput", "--username", "bob"], password: "qwertyuiop", status: 64, "too common")
        try refused(["createsuperuser", "--noinput", "--username", "bob"], password: nil, status: 64, "TASKQ_SUPERUSER_PASSWORD")
        try refused(["createsuperuser", "--noinput", "--username", "bob"], password: "", status: 64, "TASKQ_SUPERUSER_PASSWORD")
        try refused(["createsuperuser", "--noinput"], status: 64, "--noinput needs --username")
        // No terminal and no --noinput: nothing to prompt on, even with input waiting on a pipe.
        try refused(["createsuperuser", "--username", "bob"], status: 64, "needs a terminal", stdin: "x\n")
        try refused(["user", "add", "bob", "--role", "viewer"], status: 64, "needs a terminal", stdin: "x\n")
        try refused(["changepassword", "admin"], status: 64, "needs a terminal", stdin: "x\n")
        try refused(["user", "add", "bob", "--role", "owner", "--noinput"], status: 64, "invalid role 'owner'")

        let users = try cli.run(["user", "list", "--json"]).json as? [[String: Any]] ?? []
        #expect(users.compactMap { $0["name"] as? String } == ["admin"], "nothing stored by a refusal")
    }

    @Test(arguments: AnyBackend.allCases)
    func usersAndTokensWithJSONAndNoSecretEverShownTwice(backend: AnyBackend) async throws {
        let cli = try backend.migratedCLI()
        cli.environment["TASKQ_SUPERUSER_PASSWORD"] = Self.password
        #expect(try cli.run(["createsuperuser", "--noinput", "--username", "root"]).stdout == "Superuser 'root' created.\n")
        let viewer = try cli.object(["user", "add", "watcher", "--role", "viewer", "--email", "w@example.com", "--noinput", "--json"])
        #expect(viewer["role"] as? String == "viewer")
        #expect(try cli.run(["user", "add", "watcher", "--role", "admin", "--noinput"]).status == 1)

        let created = try cli.object(["token", "create", "--user", "watcher", "--name", "grafana", "--expires", "30d", "--json"])
        let secret = try #require(created["token"] as? String)
        #expect(secret.hasPrefix("tq_") && secret.count == 46)
        #expect(created["user"] as? String == "watcher" && created["name"] as? String == "grafana" && created["expired"] as? Bool == false)
        #expect(created["expires_at"] is String && created["last_used_at"] is NSNull)
        let plain = try cli.run(["token", "create", "--user", "root"])
        #expect(plain.status == 0 && plain.lines.count == 1 && plain.stderr.contains("shown only this once"))
        let second = plain.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try cli.run(["token", "create", "--user", "nobody"]).status == 1)
        #expect(try cli.run(["token", "create", "--user", "root", "--expires", "soon"]).status == 64)

        // After creation, no command prints a token, a password or a hash again.
        var outputs: [CLI.Result] = []
        for args in [["token", "list"], ["token", "list", "--json"], ["token", "list", "--user", "watcher", "--json"], ["user", "list"],
                     ["user", "list", "--json"]] {
            let result = try cli.run(args)
            #expect(result.status == 0, "\(args): \(result.stderr)")
            outputs.append(result)
        }
        for result in outputs {
            for secretText in [secret, second, Self.password, "$2b$", APIToken.hash(secret)] {
                #expect(!result.stdout.contains(secretText) && !result.stderr.contains(secretText))
            }
        }
        let tokens = outputs[1].json as? [[String: Any]] ?? []
        #expect(tokens.compactMap { $0["user"] as? String } == ["watcher", "root"])
        #expect(Set(tokens.first?.keys.map { $0 } ?? []) == ["id", "user", "name", "created_at", "expires_at", "last_used_at", "expired"])
        #expect((outputs[2].json as? [[String: Any]])?.count == 1)
        #expect((outputs[4].json as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["root", "watcher"])

        // The store holds the token's SHA-256 and the password's bcrypt hash, never either secret.
        try await Self.checkStoreHoldsNoSecrets(cli: cli, backend: backend, secrets: [secret, second, Self.password])

        // Removing a user revokes its tokens; revoking twice fails.
        let removed = try cli.object(["user", "remove", "watcher", "--json"])
        #expect(removed["removed"] as? Bool == true && removed["tokens_revoked"] as? Int == 1)
        #expect(try cli.run(["user", "remove", "watcher"]).status == 1)
        let left = try cli.run(["token", "list", "--json"]).json as? [[String: Any]] ?? []
        #expect(left.compactMap { $0["user"] as? String } == ["root"])
        let id = try #require(left.first?["id"] as? Int)
        #expect(try cli.object(["token", "revoke", String(id), "--json"])["revoked"] as? Bool == true)
        let again = try cli.run(["token", "revoke", String(id)])
        #expect(again.status == 1 && again.stderr == "taskq: error: no token with id \(id) (already revoked, or never made; see taskq token list)\n")
        // Listing the tokens of a user who does not exist is the same mistake as making one for them.
        let nobody = try cli.run(["token", "list", "--user", "watcher"])
        #expect(nobody.status == 1 && nobody.stderr == "taskq: error: no user named 'watcher'\n", "\(nobody.stderr)")
        for bad in ["abc", "0"] {
            let refused = try cli.run(["token", "revoke", bad])
            #expect(refused.status == 64 && refused.stderr.hasPrefix("taskq: error: invalid token id '\(bad)': expected a positive integer"),
                    "\(refused.stderr)")
        }
        #expect(try cli.run(["token", "list"]).stderr == "No tokens.\n")

        // changepassword --noinput: the new password applies; unknown users and weak passwords are refused.
        cli.environment["TASKQ_SUPERUSER_PASSWORD"] = "Another-Sturdy-Phrase"
        #expect(try cli.run(["changepassword", "root", "--noinput"]).stdout == "Password changed for user 'root'.\n")
        #expect(try cli.run(["changepassword", "ghost", "--noinput"]).status == 1)
        cli.environment["TASKQ_SUPERUSER_PASSWORD"] = "root"
        #expect(try cli.run(["changepassword", "root", "--noinput"]).status == 64)
        let store = try await Self.openStore(cli: cli, backend: backend)
        let root = try await store.user(named: "root")
        #expect(root.map { PasswordHasher.verify("Another-Sturdy-Phrase", against: $0.passwordHash) } == true)
        await store.close()
    }

    /// Django-style prompts on a real pseudo-terminal: bad answers are explained and asked again, passwords are read
    /// with echo off, and the terminal is restored after success, a refusal and Ctrl-C.
    @Test func interactiveCreatesuperuserAndChangepasswordOnAPseudoTerminal() async throws {
        let cli = try AnyBackend.sqlite.migratedCLI()
        let pty = try PseudoTerminal(cli: cli)
        let ok = try pty.run(["createsuperuser"], [
            ("Username: ", "bad name\n"), ("Username: ", "alice\n"), ("Email address: ", "not-mail\n"),
            ("Email address: ", "alice@example.com\n"), ("Password: ", "short\n"),
            ("Password: ", "Hidden-Secret-77\n"), ("Password (again): ", "Hidden-Secret-78\n"),
            ("Password: ", "Hidden-Secret-77\n"), ("Password (again): ", "Hidden-Secret-77\n"),
        ])
        #expect(ok.exit == 0 && ok.error == nil, "\(ok.output)")
        #expect(ok.echo == [true, true, true, true, false, false, false, false, false], "echo is off exactly at password prompts")
        #expect(ok.echoAtEnd)
        #expect(ok.output.contains("Error: invalid user name 'bad name'") && ok.output.contains("Error: invalid email address 'not-mail'"))
        #expect(ok.output.contains("Error: this password is too short") && ok.output.contains("Error: your passwords didn't match"))
        #expect(ok.output.contains("Superuser 'alice' created."))
        #expect(!ok.output.contains("Hidden-Secret") && !ok.output.contains("short\r"), "passwords are never echoed")

        // A taken name is explained and asked again.
        let taken = try pty.run(["createsuperuser", "--email", "b@example.com"], [
            ("Username: ", "alice\n"), ("Username: ", "bob\n"), ("Password: ", "Hidden-Secret-99\n"), ("Password (again): ", "Hidden-Secret-99\n"),
        ])
        #expect(taken.exit == 0 && taken.output.contains("Error: that user name is already taken"), "\(taken.output)")

        // Ctrl-C at the password prompt: killed by SIGINT, echo back on, nothing stored.
        let interrupted = try pty.run(["createsuperuser"], [("Username: ", "carol\n"), ("Email address: ", "\n"), ("Password: ", "\u{3}")])
        #expect(interrupted.signal == 2 && interrupted.echo.last == false && interrupted.echoAtEnd, "\(interrupted.output)")
        // End of input at the password prompt: cancelled (exit 1), echo back on.
        let eof = try pty.run(["user", "add", "dave", "--role", "viewer"], [("Password: ", "\u{4}")])
        #expect(eof.exit == 1 && eof.echoAtEnd && eof.output.contains("taskq: error: cancelled: no input"), "\(eof.output)")
        // Three refused answers end the command with the last reason (exit 64).
        let weak = try pty.run(["changepassword", "alice"], [("Password: ", "1234567890123\n"), ("Password: ", "qwertyuiop\n"),
                                                              ("Password: ", "alice\n")])
        #expect(weak.exit == 64 && weak.echoAtEnd && weak.output.contains("taskq: error: this password is too short"), "\(weak.output)")
        let changed = try pty.run(["changepassword", "alice"], [("Password: ", "Brand-New-Secret-1\n"), ("Password (again): ", "Brand-New-Secret-1\n")])
        #expect(changed.exit == 0 && changed.output.contains("Password changed for user 'alice'.") && !changed.output.contains("Brand-New"))

        let users = try cli.run(["user", "list", "--json"]).json as? [[String: Any]] ?? []
        #expect(users.compactMap { $0["name"] as? String } == ["alice", "bob"])
        let store = try await Self.openStore(cli: cli, backend: .sqlite)
        let alice = try await store.user(named: "alice")
        #expect(alice.map { PasswordHasher.verify("Brand-New-Secret-1", against: $0.passwordHash) } == true)
        await store.close()
    }

    // MARK: Helpers

    static func openStore(cli: CLI, backend: AnyBackend) async throws -> TaskqStore {
        let url = cli.databaseURL ?? "sqlite:\(cli.path("taskq.sqlite3"))"
        return try await StoreFactory.open(url: url, create: false)
    }

    static func checkStoreHoldsNoSecrets(cli: CLI, backend: AnyBackend, secrets: [String]) async throws {
        let store = try await openStore(cli: cli, backend: backend)
        let users: [UserRecord], tokens: [TokenRecord]
        do {
            users = try await store.users()
            tokens = try await store.tokens(user: nil)
            await store.close()
        } catch {
            await store.close()
            throw error
        }
        for user in users {
            #expect(user.passwordHash.encoded.hasPrefix("$2b$12$") && user.passwordHash.cost == 12)
            for secret in secrets { #expect(!user.passwordHash.encoded.contains(secret) && !(user.email ?? "").contains(secret)) }
        }
        for token in tokens {
            #expect(token.hash.count == 64 && secrets.contains { APIToken.hash($0) == token.hash })
            for secret in secrets { #expect(!token.hash.contains(secret) && !(token.name ?? "").contains(secret)) }
        }
        if backend == .sqlite {
            // The database file and its WAL, byte for byte.
            var bytes = Data()
            for suffix in ["", "-wal"] { bytes += (try? Data(contentsOf: URL(fileURLWithPath: cli.path("taskq.sqlite3") + suffix))) ?? Data() }
            #expect(bytes.range(of: Data("w@example.com".utf8)) != nil, "the users are in the bytes read")
            for secret in secrets { #expect(bytes.range(of: Data(secret.utf8)) == nil, "a secret in the database file") }
        }
    }
}

/// Drives `taskq` on a pseudo-terminal through a small Python `pty` program: waits for each prompt, records whether
/// the terminal echoes at that moment, types the answer, and reports the exit status and everything shown.
struct PseudoTerminal {
    let cli: CLI
    let driver: String

    init(cli: CLI) throws {
        self.cli = cli
        driver = cli.path("pty_driver.py")
        try Self.script.write(toFile: driver, atomically: true, encoding: .utf8)
    }

    struct Outcome {
        var exit: Int?
        var signal: Int?
        var output: String
        /// Whether the terminal echoed input at each prompt.
        var echo: [Bool]
        var echoAtEnd: Bool
        var error: String?
    }

    func run(_ args: [String], _ steps: [(expect: String, send: String)]) throws -> Outcome {
        let spec: [String: Any] = [
            "cwd": cli.dir, "argv": [CLI.binary] + args, "env": cli.environment,
            "steps": steps.map { ["expect": $0.expect, "send": $0.send] },
        ]
        let specPath = cli.path("pty-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: specPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", driver, specPath]
        let outPath = specPath + ".out"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let data = (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data()
        guard let report = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            Issue.record("the pty driver printed no report")
            return Outcome(exit: nil, signal: nil, output: "", echo: [], echoAtEnd: false, error: "no report")
        }
        let outcome = Outcome(exit: report["exit"] as? Int, signal: report["signal"] as? Int, output: report["output"] as? String ?? "",
                              echo: report["echo"] as? [Bool] ?? [], echoAtEnd: report["echo_at_end"] as? Bool ?? false,
                              error: report["error"] as? String)
        #expect(outcome.error == nil, "\(args): \(outcome.error ?? "") — \(outcome.output)")
        return outcome
    }

    static let script = #"""
    import fcntl, json, os, pty, select, sys, termios, time

    spec = json.load(open(sys.argv[1]))
    master, slave = pty.openpty()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.close(master)
        os.close(slave)
        os.chdir(spec["cwd"])
        os.execve(spec["argv"][0], spec["argv"], spec["env"])

    out = b""
    pos = 0
    echo = []
    error = None

    def pump(timeout):
        """Reads what the program wrote within `timeout`; False when nothing came (or the terminal closed)."""
        global out
        r, _, _ = select.select([master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(master, 4096)
        except OSError:
            return False
        out += data
        return bool(data)

    def echoing():
        return bool(termios.tcgetattr(slave)[3] & termios.ECHO)

    for step in spec["steps"]:
        want = step["expect"].encode()
        deadline = time.time() + 30
        while want not in out[pos:] and time.time() < deadline:
            pump(0.05)
        i = out.find(want, pos)
        if i < 0:
            error = "did not see %r" % step["expect"]
            break
        pos = i + len(want)
        # The prompt is written just before echo is turned off: wait until the program sits in its read.
        time.sleep(0.15)
        echo.append(echoing())
        os.write(master, step["send"].encode())

    status = None
    deadline = time.time() + 30
    while time.time() < deadline:
        pump(0.05)
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = code
            break
    if status is None:
        os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
        error = error or "timed out"
    while pump(0.05):
        pass
    print(json.dumps({
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "output": out.decode("utf-8", "replace"),
        "echo": echo,
        "echo_at_end": echoing(),
        "error": error,
    }))
    """#
}
