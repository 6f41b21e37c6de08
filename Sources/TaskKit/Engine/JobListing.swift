/// Lists jobs a page at a time, newest first, so a long listing (`list-jobs --limit 100000 --json`) holds one page in
/// memory rather than every job.
public enum JobListing {
    /// Jobs read per store call.
    public static let pageSize = 1_000

    /// Calls `body` with each page of the jobs `filter` selects (at most `filter.limit` in all), newest first, paging
    /// with `beforeID`; returns how many jobs there were. Pages are separate reads, not one snapshot: each job
    /// appears at most once, in the state it had when its page was read. The first page is read before `body` is
    /// first called, so a store that cannot be read fails before anything is handed on.
    @discardableResult
    public static func each(_ filter: JobFilter, store: JobStore, pageSize: Int = JobListing.pageSize,
                            _ body: ([Job]) throws -> Void) async throws -> Int {
        var page = filter
        var total = 0
        while total < filter.limit {
            page.limit = min(pageSize, filter.limit - total)
            let jobs = try await store.list(page)
            if jobs.isEmpty { break }
            try body(jobs)
            total += jobs.count
            guard jobs.count == page.limit, let last = jobs.last else { break }
            page.beforeID = last.id
        }
        return total
    }
}
