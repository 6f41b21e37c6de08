import ArgumentParser
import TaskKit

struct Cancel: TaskqSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a job.",
        discussion: "A scheduled, pending or retrying job is cancelled at once and never runs. A running job is told to stop (a shell task's process group gets SIGTERM, then SIGKILL) and ends cancelled.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Job id.", completion: DynamicCompletion.jobIDs) var id: String

    func validate() throws { _ = try parseJobID(id) }

    func run(registry: TaskRegistry) async throws {
        let jobID = try parseJobID(id)
        let (result, job) = try await Context(store, registry: registry).withStore { store in
            try await JobActions.cancel(jobID, in: store, now: Clock.now())
        }
        if output.json {
            Output.json(job.jsonObject())
        } else if result == .cancelled {
            Output.line("Cancelled job \(jobID).")
        } else {
            Output.line("Job \(jobID) is running: cancellation requested; its worker will stop it.")
        }
    }
}
