import TaskKit
import ArgumentParser

/// Parses a job id argument (or, with `what`, another record's id); anything but a positive integer is a usage error.
func parseJobID(_ text: String, what: String = "job id") throws -> Int64 {
    do { return try TaskKit.JobID.parse(text, what: what) } catch let error as TaskqError { throw ValidationError(error.description) }
}
