import TaskKit
import TaskqCLI

// Always "taskq" in messages, whatever the file is called (a copy, a versioned name): scripts match on `taskq: error:`.
await TaskqMain.run(registry: .builtins(), programName: "taskq")
