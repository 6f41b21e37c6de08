// `mytasks` is taskq plus two handlers of this program's own:
//
//   swift run mytasks migrate
//   swift run mytasks create-job welcome --task send-welcome --args '{"email": "ada@example.com", "name": "Ada"}'
//   swift run mytasks create-job total --task sum --args '{"numbers": [1, 2, 3.5]}'
//   swift run mytasks run-worker --burst
//   swift run mytasks show-job 1 --json
import TaskKit
import TaskqCLI

/// Typed arguments: decoded from the job's JSON args; a mismatch fails the attempt with a clear error.
struct Welcome: Codable, Sendable {
    var email: String
    var name: String
}

struct Sum: Codable, Sendable {
    var numbers: [Double]
}

var registry = TaskRegistry.builtins()

registry.register("send-welcome", description: "Send the welcome email to a new user") { (args: Welcome, context: JobContext) in
    context.logger.info("sending welcome mail to \(args.email)")
    guard args.email.contains("@") else { throw TaskFailure("invalid email address '\(args.email)'") }
    return ["to": args.email, "subject": "Welcome, \(args.name)!"]
}

registry.register("sum", description: "Add up args.numbers") { (args: Sum, _: JobContext) in
    ["total": args.numbers.reduce(0, +)]
}

await TaskqMain.run(registry: registry)
