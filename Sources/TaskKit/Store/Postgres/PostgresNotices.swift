import CLibPQ
import Logging

/// Messages the server sends outside a query's result (a warning, `FATAL: terminating connection due to
/// administrator command` when the server shuts down): libpq would print them on stderr itself, outside the log's
/// format (`--log-format json` must stay one JSON object per line). They go through the log instead, as notices.
enum PostgresNotices {
    static let logger = Logger(label: "taskq.postgres")

    static let processor: PQnoticeProcessor = { _, message in
        guard let message else { return }
        var text = String(cString: message)
        while text.last == "\n" || text.last == " " { text.removeLast() }
        logger.notice("PostgreSQL says: \(TerminalText.escaped(text))")
    }
}
