import Foundation
import Testing
import TaskqTestSupport

/// Password guessing at the dashboard's login: after five failures for one user name, further attempts for that name
/// are refused with 429 and Retry-After, the right password included; other users are not held; each failure is
/// logged with the name and never the password.
@Suite("serve: login throttling")
struct ServeLoginThrottleTests {
    @Test func repeatedFailedLoginsForAUserAreThrottledAndLogged() throws {
        let api = try APIFixture(.sqlite, viewer: true)
        defer { _ = try? api.server.terminate() }

        func attempt(_ user: String, _ password: String) throws -> HTTPAnswer {
            let form = try api.server.request("GET", "/login")
            let cookie = try #require(form.header("Set-Cookie")?.firstMatch(#"taskq_login_csrf=([^;]+)"#))
            let field = try #require(form.text.firstMatch(#"name="csrf" value="([^"]+)""#))
            let body = "username=\(user)&password=\(password.replacingOccurrences(of: " ", with: "+"))&csrf=\(field)&next=%2F"
            return try api.server.request("POST", "/login", headers: ["Cookie": "taskq_login_csrf=\(cookie)",
                                                                       "Content-Type": "application/x-www-form-urlencoded"],
                                          body: Data(body.utf8))
        }

        for _ in 0..<5 { #expect(try attempt("admin", "wrong guess 1234").status == 401) }
        let held = try attempt("admin", APIFixture.password)
        #expect(held.status == 429, "\(held)")
        #expect(Int(held.header("Retry-After") ?? "") ?? 0 >= 1, "\(held)")
        #expect(held.text.contains("Too many failed logins"))
        // Another user is not held by admin's failures.
        #expect(try attempt("watcher", APIFixture.password).status == 303)

        let log = api.server.log
        #expect(log.contains("failed login for user 'admin'") && log.contains("login throttled for user 'admin'"), "\(log.suffix(2000))")
        #expect(!log.contains("wrong guess") && !log.contains(APIFixture.password), "a password reached the log")

        // Guesses sent all at once get no more checks than the same guesses one after the other: a burst of 16 for
        // a fresh name, each posted while the others' passwords are still being checked, gets at most five answers
        // of 401 (checked and wrong); the rest wait (429).
        let forms = try (0..<16).map { _ -> (cookie: String, field: String) in
            let form = try api.server.request("GET", "/login")
            return (try #require(form.header("Set-Cookie")?.firstMatch(#"taskq_login_csrf=([^;]+)"#)),
                    try #require(form.text.firstMatch(#"name="csrf" value="([^"]+)""#)))
        }
        // One thread per guess, all released at once (a dispatch queue would run two at a time on two cores, and
        // guesses two at a time are nearly one after the other).
        let statuses = Locked<[Int]>([])
        let go = DispatchSemaphore(value: 0), done = DispatchGroup()
        for (i, form) in forms.enumerated() {
            done.enter()
            Thread {
                go.wait()
                let body = "username=watcher&password=burst+guess+\(i)&csrf=\(form.field)&next=%2F"
                let answer = try? api.server.request("POST", "/login", headers: ["Cookie": "taskq_login_csrf=\(form.cookie)",
                                                                                "Content-Type": "application/x-www-form-urlencoded"],
                                                     body: Data(body.utf8))
                statuses.withLock { $0.append(answer?.status ?? -1) }
                done.leave()
            }.start()
        }
        for _ in forms { go.signal() }
        done.wait()
        let answered = statuses.withLock { $0 }
        #expect(answered.filter { $0 == 401 }.count <= 5 && answered.filter { $0 == 429 }.count >= 11, "\(answered.sorted())")
        let checked = api.server.log.components(separatedBy: "failed login for user 'watcher'").count - 1
        #expect(checked <= 5, "\(checked) passwords checked for one name in one burst")
    }
}
