import Testing
@testable import TaskKit

/// Users and API tokens on every backend: add, find, remove; unique names under concurrency; tokens found by hash,
/// expiry, revocation, and the removal of a user revoking its tokens. A cheap bcrypt cost keeps these fast; the
/// hash is opaque to the stores.
@Suite("Conformance: users and tokens")
struct UserConformanceTests {
    static let hash = PasswordHasher.hash("correct horse battery", cost: 4)

    @Test(arguments: Backend.allCases)
    func usersAreAddedFoundListedAndRemoved(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        let alice = try #require(try await store.addUser(NewUser(name: "alice", email: "a@example.com", role: .admin, passwordHash: Self.hash),
                                                         now: t0))
        #expect(alice.name == "alice" && alice.email == "a@example.com" && alice.role == .admin && alice.createdAt == t0)
        #expect(try await store.addUser(NewUser(name: "alice", email: nil, role: .viewer, passwordHash: Self.hash), now: t0 + 1) == nil,
                "a taken name changes nothing")
        _ = try #require(try await store.addUser(NewUser(name: "bob.v+1@x", email: nil, role: .viewer, passwordHash: Self.hash), now: t0 + 2))

        let found = try #require(try await store.user(named: "alice"))
        #expect(found == alice && found.passwordHash == Self.hash && found.lastLoginAt == nil)
        #expect(try await store.user(named: "Alice") == nil, "names are case-sensitive")
        #expect(try await store.user(named: "nobody") == nil)
        #expect(try await store.users().map(\.name) == ["alice", "bob.v+1@x"])
        let bob = try await store.users().last
        #expect(bob?.email == nil && bob?.role == .viewer)

        let newHash = PasswordHasher.hash("another long secret", cost: 4)
        #expect(try await store.setPasswordHash(newHash, forUser: "alice", now: t0 + 10))
        #expect(try await store.setPasswordHash(newHash, forUser: "nobody", now: t0 + 10) == false)
        #expect(try await store.recordLogin(user: "alice", now: t0 + 11))
        #expect(try await store.recordLogin(user: "nobody", now: t0 + 11) == false)
        let changed = try #require(try await store.user(named: "alice"))
        #expect(changed.passwordHash == newHash && changed.updatedAt == t0 + 10 && changed.lastLoginAt == t0 + 11 && changed.createdAt == t0)

        #expect(try await store.removeUser(named: "alice") == 0)
        #expect(try await store.removeUser(named: "alice") == nil)
        #expect(try await store.user(named: "alice") == nil)
        #expect(try await store.users().map(\.name) == ["bob.v+1@x"])
    }

    /// Two connections (two processes) add the same name at once, many times over: exactly one wins each round.
    @Test(arguments: Backend.allCases)
    func aNameAddedConcurrentlyFromTwoConnectionsIsAddedOnce(backend: Backend) async throws {
        let location = try await backend.makeLocation()
        let a = try await location.migrated()
        let b = try await location.open()
        for round in 0..<20 {
            let name = "racer\(round)"
            async let first = a.addUser(NewUser(name: name, email: nil, role: .admin, passwordHash: Self.hash), now: t0)
            async let second = b.addUser(NewUser(name: name, email: nil, role: .viewer, passwordHash: Self.hash), now: t0)
            let winners = [try await first, try await second].compactMap { $0 }
            #expect(winners.count == 1, "round \(round)")
            #expect(try await a.user(named: name)?.role == winners.first?.role)
        }
        #expect(try await b.users().count == 20)
    }

    @Test(arguments: Backend.allCases)
    func tokensAreFoundByHashExpireAndAreRevoked(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await store.addUser(NewUser(name: "ops", email: nil, role: .viewer, passwordHash: Self.hash), now: t0)
        #expect(try await store.addToken(NewToken(user: "nobody", name: nil, hash: APIToken.hash("x"), expiresAt: nil), now: t0) == nil)

        let (secret, record) = try await Credentials.createToken(user: "ops", name: "ci", lifetime: 60_000, store: store, now: t0)
        #expect(secret.hasPrefix("tq_") && secret.count == 46 && record.name == "ci" && record.expiresAt == t0 + 60_000)
        #expect(record.hash == APIToken.hash(secret) && !record.hash.contains(secret))
        let (forever, _) = try await Credentials.createToken(user: "ops", name: nil, lifetime: nil, store: store, now: t0 + 1)

        let found = try #require(try await store.token(hash: APIToken.hash(secret)))
        #expect(found.token.id == record.id && found.token.user == "ops" && found.user.role == .viewer)
        #expect(try await store.token(hash: APIToken.hash("tq_" + String(repeating: "A", count: 43))) == nil)

        // The engine decides expiry and records use.
        guard case let .valid(user, token) = try await Credentials.checkToken(secret, store: store, now: t0 + 59_999) else {
            Issue.record("a live token is valid"); return
        }
        #expect(user.name == "ops" && token.lastUsedAt == t0 + 59_999)
        #expect(try await store.tokens(user: "ops").first?.lastUsedAt == t0 + 59_999)
        #expect(try await Credentials.checkToken(secret, store: store, now: t0 + 60_000) == .expired)
        #expect(try await Credentials.checkToken("tq_nope", store: store, now: t0) == .unknown)
        #expect(try await Credentials.checkToken(String(secret.dropLast()) + (secret.hasSuffix("A") ? "B" : "A"), store: store, now: t0)
                == .unknown)

        #expect(try await store.tokens(user: nil).map(\.name) == ["ci", nil])
        #expect(try await store.tokens(user: "someone else").isEmpty)
        #expect(try await store.revokeToken(id: record.id))
        #expect(try await store.revokeToken(id: record.id) == false)
        #expect(try await store.recordTokenUse(id: record.id, now: t0 + 2) == false)
        #expect(try await store.token(hash: APIToken.hash(secret)) == nil)
        #expect(try await Credentials.checkToken(secret, store: store, now: t0 + 2) == .unknown)
        if case .valid = try await Credentials.checkToken(forever, store: store, now: t0 + 100 * 365 * 86_400_000) {} else {
            Issue.record("a token without expiry stays valid")
        }
    }

    /// An id is never handed out again: after the newest token is revoked or the newest user removed, a stale
    /// `taskq token revoke ID` from shell history cannot hit someone else's.
    @Test(arguments: Backend.allCases)
    func idsOfRemovedUsersAndRevokedTokensAreNotReused(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        func add(_ name: String) async throws -> UserRecord {
            try #require(try await store.addUser(NewUser(name: name, email: nil, role: .viewer, passwordHash: Self.hash), now: t0))
        }
        let first = try await add("first"), newest = try await add("newest")
        #expect(try await store.removeUser(named: "newest") == 0)
        let next = try await add("next")
        #expect(first.id < newest.id && newest.id < next.id)
        let (_, revoked) = try await Credentials.createToken(user: "first", name: "a", lifetime: nil, store: store, now: t0)
        #expect(try await store.revokeToken(id: revoked.id))
        let (_, fresh) = try await Credentials.createToken(user: "first", name: "b", lifetime: nil, store: store, now: t0)
        #expect(fresh.id > revoked.id)
    }

    @Test(arguments: Backend.allCases)
    func removingAUserRevokesItsTokensOnly(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        for name in ["gone", "stays"] {
            _ = try await store.addUser(NewUser(name: name, email: nil, role: .admin, passwordHash: Self.hash), now: t0)
        }
        let gone = try await (0..<3).asyncMap { i in try await Credentials.createToken(user: "gone", name: "t\(i)", lifetime: nil, store: store, now: t0) }
        let (kept, _) = try await Credentials.createToken(user: "stays", name: nil, lifetime: nil, store: store, now: t0)
        #expect(try await Credentials.removeUser(name: "gone", store: store) == 3)
        for (secret, record) in gone {
            #expect(try await store.token(hash: record.hash) == nil)
            #expect(try await Credentials.checkToken(secret, store: store, now: t0 + 1) == .unknown)
        }
        #expect(try await store.tokens(user: nil).map(\.user) == ["stays"])
        if case .valid = try await Credentials.checkToken(kept, store: store, now: t0 + 1) {} else { Issue.record("other tokens stay") }
        // A new user of the old name does not inherit the old tokens.
        _ = try await store.addUser(NewUser(name: "gone", email: nil, role: .admin, passwordHash: Self.hash), now: t0 + 2)
        #expect(try await store.tokens(user: "gone").isEmpty)
        await #expect(throws: TaskqError.failed("no user named 'nobody'")) { try await Credentials.removeUser(name: "nobody", store: store) }
    }

    @Test(arguments: Backend.allCases)
    func credentialsRefuseBadValuesAndTakenNamesStoringNothing(backend: Backend) async throws {
        let store = try await backend.makeLocation().migrated()
        _ = try await Credentials.addUser(name: "admin", email: "", role: .admin, password: "a fine long password", store: store, now: t0)
        #expect(try await store.user(named: "admin")?.email == nil, "an empty email is none")
        await #expect(throws: TaskqError.failed("a user named 'admin' already exists")) {
            try await Credentials.addUser(name: "admin", email: nil, role: .viewer, password: "another fine password", store: store, now: t0)
        }
        for (name, password) in [("", "a fine long password"), ("bad name", "a fine long password"), ("x:y", "a fine long password"),
                                 ("carol", "short"), ("carol", "12345678901"), ("carolcarol", "CarolCarol"), ("carol", "qwertyuiop")] {
            await #expect(throws: TaskqError.self) {
                try await Credentials.addUser(name: name, email: nil, role: .viewer, password: password, store: store, now: t0)
            }
        }
        #expect(try await store.users().map(\.name) == ["admin"])

        #expect(try await Credentials.authenticate(name: "admin", password: "a fine long password", store: store, now: t0 + 5)?.lastLoginAt
                == t0 + 5)
        #expect(try await Credentials.authenticate(name: "admin", password: "a fine long passwore", store: store, now: t0 + 6) == nil)
        #expect(try await Credentials.authenticate(name: "ghost", password: "a fine long password", store: store, now: t0 + 6) == nil)
        try await Credentials.changePassword(name: "admin", password: "a new long password!", store: store, now: t0 + 7)
        #expect(try await Credentials.authenticate(name: "admin", password: "a fine long password", store: store, now: t0 + 8) == nil)
        #expect(try await Credentials.authenticate(name: "admin", password: "a new long password!", store: store, now: t0 + 8) != nil)
        await #expect(throws: TaskqError.failed("no user named 'ghost'")) {
            try await Credentials.changePassword(name: "ghost", password: "a new long password!", store: store, now: t0)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
