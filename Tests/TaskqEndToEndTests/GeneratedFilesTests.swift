import Foundation
import Testing

/// completions/ and man/ are generated from the command definitions; these fail when they are stale
/// (regenerate with `make generate`).
@Suite("Generated files match the commands")
struct GeneratedFilesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [("bash", "taskq.bash"), ("zsh", "_taskq"), ("fish", "taskq.fish")])
    func completionsAreCurrent(shell: String, file: String) throws {
        let cli = try CLI()
        let generated = try cli.run(["--generate-completion-script", shell])
        #expect(generated.status == 0)
        let committed = try String(contentsOf: Self.root.appendingPathComponent("completions/\(file)"), encoding: .utf8)
        #expect(generated.stdout == committed, "completions/\(file) is stale: run `make generate`")
    }

    /// Uses the argument parser's generate-manual tool, built by `make test` (via `make verify-generated`).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: GeneratedFilesTests.manualTool)))
    func manPagesAreCurrent() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("taskq-man-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.manualTool)
        process.arguments = [CLI.binary, "--multi-page", "--date", "2026-11-22", "--authors", "taskq developers", "-o", out.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // The same finishing step `make generate` applies (scripts/manpage-fixup.py).
        let fixup = Process()
        fixup.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        fixup.arguments = ["python3", Self.root.appendingPathComponent("scripts/manpage-fixup.py").path, out.path]
        try fixup.run()
        fixup.waitUntilExit()
        #expect(fixup.terminationStatus == 0)
        let committedDir = Self.root.appendingPathComponent("man")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: committedDir.path).sorted()))
        for name in names {
            let fresh = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            let committed = try String(contentsOf: committedDir.appendingPathComponent(name), encoding: .utf8)
            #expect(fresh == committed, "man/\(name) is stale: run `make generate`")
        }
    }

    static var manualTool: String { URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().appendingPathComponent("generate-manual-tool").path }
}
