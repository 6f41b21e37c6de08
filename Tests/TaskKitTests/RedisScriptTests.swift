import Testing
import TaskqTestSupport
@testable import TaskKit

/// taskq calls its Lua scripts by a SHA-1 it works out itself (no `SCRIPT LOAD` round trip on first use).
@Suite("Redis: scripts called by their SHA-1")
struct RedisScriptTests {
    @Test func sha1MatchesTheFIPSVectors() {
        #expect(Hex.encode(SHA1.digest([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(Hex.encode(SHA1.digest(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Hex.encode(SHA1.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(Hex.encode(SHA1.digest([UInt8](repeating: 0x61, count: 1_000_000))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        // Lengths around the padding boundary (55, 56, 64 bytes).
        #expect(Hex.encode(SHA1.digest([UInt8](repeating: 0x61, count: 55))) == "c1c8bbdc22796e28c0e15163d20899b65621d65a")
        #expect(Hex.encode(SHA1.digest([UInt8](repeating: 0x61, count: 56))) == "c2db330f6083854c99d4b5bfb6e8f29f201be699")
        #expect(Hex.encode(SHA1.digest([UInt8](repeating: 0x61, count: 64))) == "0098ba824b5c16427bd7a1122a5a442a25ec644d")
    }

    /// The server names every script as taskq does, and a server that has forgotten them (restarted, `SCRIPT FLUSH`)
    /// gets each one loaded on its next call. On a server of its own: a flush of the shared one would pull the scripts
    /// from under the tests running beside it.
    @Test func theServerAgreesAndAFlushedServerGetsTheScriptsAgain() async throws {
        let server = try TestServers.dedicatedRedis()
        let store = try #require(try await StoreFactory.open(url: server.url) as? RedisStore)
        _ = try await store.migrate(now: Clock.now())
        defer { Task { await store.close() } }
        for script in [RedisScripts.enqueue, RedisScripts.claim, RedisScripts.finish, RedisScripts.addUser, RedisScripts.appendOutput] {
            let loaded = try await store.connection.run { db in try db.command(["SCRIPT", "LOAD", script]).string }
            #expect(loaded == RedisStore.scriptSHA(script))
        }
        _ = try await store.connection.run { db in try db.command(["SCRIPT", "FLUSH"]) }
        let created = try await store.enqueue([newJob("after a flush")], now: Clock.now())
        #expect(created.count == 1 && created[0].created)
        let now = Clock.now()
        let claimed = try await store.claim(queues: ["default"], tasks: ["noop"], limit: 5, worker: "w", now: now, leaseUntil: now + 60_000)
        #expect(claimed.map(\.name) == ["after a flush"])
    }
}
