import TaskKit
import TaskqCLI

await TaskqMain.run(registry: .builtins())
