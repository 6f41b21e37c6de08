import Testing
@testable import TaskKit
@testable import TaskqServer

/// The dashboard's enqueue form: its run time is UTC unless the text carries its own zone, and a time that is none
/// is refused quoting what was typed.
@Suite("Dashboard: the enqueue form's run time")
struct EnqueueFormTests {
    func scheduleAt(_ text: String) throws -> String? {
        try EnqueueForm(task: "noop", run_at: text).request().scheduleAt
    }

    @Test func runTimesAreUTCUnlessZoned() throws {
        #expect(try scheduleAt("2030-12-01T09:30") == "2030-12-01T09:30:00Z")
        #expect(try scheduleAt("2030-12-01T09:30:15") == "2030-12-01T09:30:15Z")
        #expect(try scheduleAt("2030-12-01T09:30:00Z") == "2030-12-01T09:30:00Z")
        #expect(try scheduleAt("2030-12-01T09:30:00+01:00") == "2030-12-01T09:30:00+01:00")
        for bad in ["garbage", "2030-12-01", "2030-12-01T09:30:00+99:99"] {
            do {
                _ = try scheduleAt(bad)
                Issue.record("accepted \(bad)")
            } catch let error as TaskqError {
                #expect(error.exitCode == 64 && error.description.contains("invalid time '\(bad)'"), "\(error)")
            }
        }
    }
}
