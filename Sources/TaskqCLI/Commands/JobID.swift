import TaskKit
import ArgumentParser

/// Parses a job id argument; anything but a positive integer is a usage error.
func parseJobID(_ text: String) throws -> Int64 {
    do { return try TaskKit.JobID.parse(text) } catch let error as TaskqError { throw ValidationError(error.description) }
}
