import ArgumentParser
import TaskKit

struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a job again.",
        discussion: "A failed or cancelled job becomes pending with a fresh retry budget; a scheduled or retrying job runs now. Its history is kept.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: JSONOption
    @Argument(help: "Job id.") var id: String

    func validate() throws { _ = try parseJobID(id) }

    func run() async throws {
        let jobID = try parseJobID(id)
        let result = try await Context(store).withStore { try await $0.retry(id: jobID, now: Clock.now()) }
        switch result {
        case .notFound: throw TaskqError.failed("no job with id \(jobID)")
        case let .notRetryable(state): throw TaskqError.failed("job \(jobID) is \(state.rawValue) and cannot be retried")
        case .retried: break
        }
        if output.json {
            Output.json(.obj(("id", .int(jobID)), ("status", .string("pending"))))
        } else {
            Output.line("Job \(jobID) is pending again.")
        }
    }
}
