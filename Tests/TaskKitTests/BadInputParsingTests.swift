import Testing
@testable import TaskKit

@Suite("Bad input found by fuzzing: bounded numbers, NUL in job data")
struct BadInputParsingTests {
    /// libFuzzer found `0E22566666666666666` asking for exabytes of zeros: exponents are bounded.
    @Test func hugeExponents() throws {
        #expect(try JSONValue.parse("0e99999999999") == .number("0"))
        #expect(try JSONValue.parse("-0.0E+99999999999999999999999") == .number("0"))
        #expect(try JSONValue.parse("1e-300").serialized().count == 302)
        for text in ["1e-5000", "1e-99999999999999999999999", "[12.5E-1001]"] {
            #expect(throws: TaskqError.self) { try JSONValue.parse(text) }
        }
        #expect(try JSONValue.parse("1.5e3") == .number("1500"))
        // libFuzzer: `-0e5` was written out as `-0`, which reads back as `0`.
        #expect(try JSONValue.parse("-0e5").serialized() == "0" && JSONValue.parse("-0.0e1").serialized() == "0")
    }

    @Test func nulIsRefusedWithItsPlace() throws {
        var job = NewJob(name: "x", task: "echo", args: .obj(("a", .array([.string("ok"), .obj(("b", .string("x\u{0}")))]))))
        #expect(throws: TaskqError.usage("args.a[1].b contains a NUL character (\\u0000), which taskq does not store")) { try job.validate() }
        job.args = .obj(("k\u{0}", .int(1)))
        #expect(throws: TaskqError.usage("args key 'k\\x00' contains a NUL character (\\u0000), which taskq does not store")) { try job.validate() }
    }
}

