import HTTPTypes
import Hummingbird
import TaskKit

/// `/health` (the process answers) and `/health/ready`, also `/health/db` (the store answers within two seconds and
/// its schema is current). Neither needs a login, so a failed check says what kind of failure it was and leaves the store's address
/// and the server's own words to the server's log.
struct HealthRoutes {
    let state: ServerState

    func register(on router: Router<ServerContext>) {
        router.get("health") { _, _ in
            JSONResponse.make(.obj(("status", .string("ok"))))
        }
        router.get("health/ready") { _, _ in try await self.ready() }
        // The same check under the name Django health-check users know (`/health/db`).
        router.get("health/db") { _, _ in try await self.ready() }
    }

    /// Asks the store afresh each time (never the schema check cached at start-up), and answers within two
    /// seconds even when the store's call blocks: the check runs on its own and is abandoned when late.
    func ready() async throws -> Response {
        let store = state.store
        let outcome = await Self.firstOf(timeoutNanoseconds: 2_000_000_000) { try await store.requireSchema(recheck: true) }
        switch outcome {
        case .success?: return JSONResponse.make(.obj(("status", .string("ready"))))
        case let .failure(error)?:
            let reason = (error as? TaskqError)?.description ?? "the store cannot be read"
            state.logger.warning("not ready: \(reason)")
            throw Problem(.serviceUnavailable, "not ready: \(Problem.anonymousStoreDetail(reason))")
        case nil: throw Problem(.serviceUnavailable, "not ready: the store did not answer within 2 s")
        }
    }

    /// The result of `body`, or nil when it takes longer than the timeout (it then finishes unobserved).
    static func firstOf(timeoutNanoseconds: UInt64, _ body: @escaping @Sendable () async throws -> Void) async -> Result<Void, Error>? {
        let answered = Locked(false)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, Error>?, Never>) in
            @Sendable func answer(_ value: Result<Void, Error>?) {
                guard answered.withLock({ done -> Bool in defer { done = true }; return !done }) else { return }
                continuation.resume(returning: value)
            }
            let timer = Locked<Task<Void, Never>?>(nil)
            let check = Task {
                answer(await Result(catching: body))
                timer.withLock { $0?.cancel() }
            }
            timer.withLock { $0 = Task {
                try? await Task.sleep(nanoseconds: timeoutNanoseconds)
                answer(nil)
                check.cancel()
            } }
        }
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
