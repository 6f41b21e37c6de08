import Testing
@testable import TaskKit

@Suite("Passwords, hashes and tokens")
struct AuthTests {
    @Test func sha256MatchesTheFIPSVectors() {
        #expect(Hex.encode(SHA256.digest([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(SHA256.digest(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.encode(SHA256.digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Hex.encode(SHA256.digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Lengths around the padding boundary (55, 56, 64 bytes).
        #expect(Hex.encode(SHA256.digest([UInt8](repeating: 0x61, count: 64)))
                == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func base64URLWithoutPadding() {
        #expect(APIToken.base64URL(Array("f".utf8)) == "Zg")
        #expect(APIToken.base64URL(Array("fo".utf8)) == "Zm8")
        #expect(APIToken.base64URL(Array("foo".utf8)) == "Zm9v")
        #expect(APIToken.base64URL(Array("foob".utf8)) == "Zm9vYg")
        #expect(APIToken.base64URL([0xfb, 0xff]) == "-_8")
    }

    @Test func tokensAreRandomWellFormedAndHashed() {
        let a = APIToken.generate(), b = APIToken.generate()
        #expect(a.secret != b.secret && a.hash != b.hash)
        #expect(APIToken.looksLikeToken(a.secret) && a.secret.count == 46)
        #expect(a.hash == APIToken.hash(a.secret) && a.hash.count == 64)
        #expect(!APIToken.looksLikeToken("tq_short") && !APIToken.looksLikeToken("xx" + a.secret.dropFirst(2)))
    }

    @Test func passwordHashVerifiesOnlyTheRightPasswordAndHidesIt() {
        let password = "Tr0ub4dor&3-horse"
        let hash = PasswordHasher.hash(password, cost: 4)
        #expect(PasswordHasher.verify(password, against: hash))
        #expect(!PasswordHasher.verify(password + "x", against: hash))
        #expect(!PasswordHasher.verify("", against: hash))
        #expect(!hash.encoded.contains(password) && !hash.encoded.contains("horse"))
        #expect(hash.encoded.hasPrefix("$2b$04$") && hash.encoded.count == 60 && hash.cost == 4)
        #expect(PasswordHasher.hash(password, cost: 4) != hash, "a fresh salt each time")
        #expect(!"\(hash)".contains(hash.encoded) && !String(reflecting: hash).contains(hash.encoded))
        #expect(PasswordHasher.needsRehash(hash))
        #expect(!PasswordHasher.verify(password, against: PasswordHash(encoded: "plain")))
    }

    @Test func theDefaultCostIsTwelve() {
        let hash = PasswordHasher.hash("a fine long password")
        #expect(hash.cost == 12 && !PasswordHasher.needsRehash(hash))
    }

    @Test func passwordRules() throws {
        func refused(_ password: String, user: String = "alice") -> String? {
            do { try CredentialRules.checkPassword(password, userName: user); return nil } catch let error as TaskqError {
                #expect(error.exitCode == 64)
                #expect(!error.description.contains(password), "a message never holds the password")
                return error.description
            } catch { return "\(error)" }
        }
        #expect(refused("") == "the password must not be empty")
        #expect(refused("123456789")?.contains("too short") == true)
        #expect(refused("short1!") != nil)
        #expect(refused("12345678901234") == "this password is entirely numeric")
        #expect(refused("AliceAlice1", user: "alicealice1") == "the password is the same as the user name")
        #expect(refused("QWERTYUIOP") == "this password is too common")
        #expect(refused("password123") == "this password is too common")
        #expect(refused(String(repeating: "é", count: 37))?.contains("too long") == true)
        #expect(refused("tab\tinside-it") != nil)
        #expect(refused("correct horse battery staple") == nil)
        #expect(refused("ten chars!") == nil)
        #expect(refused(String(repeating: "x", count: 72)) == nil)
    }

    @Test func nameAndEmailRules() {
        for good in ["a", "alice", "Bob_2", "ops@example.com", "x.y+z-w", String(repeating: "n", count: 150)] {
            #expect(throws: Never.self) { try CredentialRules.checkName(good) }
        }
        for bad in ["", "two words", "colon:name", "ünïcode", "tab\t", String(repeating: "n", count: 151), "semi;colon"] {
            #expect(throws: TaskqError.self) { try CredentialRules.checkName(bad) }
        }
        for good in [nil, "", "a@b.co", "first.last+tag@sub.example.org"] {
            #expect(throws: Never.self) { try CredentialRules.checkEmail(good) }
        }
        for bad in ["plain", "@b.co", "a@", "a@b", "a@@b.co", "a b@c.de", "a@.co", "a@b.co.", "a@b\u{7}.co"] {
            #expect(throws: TaskqError.self) { try CredentialRules.checkEmail(bad) }
        }
    }
}
