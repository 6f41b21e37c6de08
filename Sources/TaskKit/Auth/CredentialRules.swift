/// What a user name, an email address and a password must look like (docs/contracts.md#users-and-tokens). Each
/// check throws `TaskqError.usage` (exit 64) with one line that never contains the password.
public enum CredentialRules {
    /// User names: 1–150 characters, ASCII letters, digits and `@ . + - _` (Django's rule, ASCII only so a name is
    /// safe in Redis keys, logs and terminals). Case-sensitive.
    public static let maxNameLength = 150
    public static let minPasswordLength = 10
    /// bcrypt reads only the first 72 bytes; longer passwords are refused rather than silently cut.
    public static let maxPasswordBytes = 72
    public static let maxEmailLength = 254

    public static func checkName(_ name: String) throws {
        guard !name.isEmpty else { throw TaskqError.usage("the user name must not be empty") }
        guard name.utf8.count <= maxNameLength else {
            throw TaskqError.usage("the user name is longer than \(maxNameLength) characters")
        }
        guard name.utf8.allSatisfy(isNameByte) else {
            throw TaskqError.usage("invalid user name '\(name)': use letters, digits and @ . + - _ only")
        }
    }

    /// An email address is optional (nil or empty: none). When given: at most 254 characters, one `@` with text
    /// before it and a domain with a dot after it, no spaces or control characters.
    public static func checkEmail(_ email: String?) throws {
        guard let email, !email.isEmpty else { return }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let domain = parts.count == 2 ? parts[1] : ""
        guard email.utf8.count <= maxEmailLength, parts.count == 2, !parts[0].isEmpty,
              domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."),
              !email.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f })
        else { throw TaskqError.usage("invalid email address '\(email)'") }
    }

    /// Refuses passwords shorter than 10 characters, longer than 72 bytes, entirely digits, equal to the user name
    /// (ignoring case), on the list of very common passwords, or holding control characters.
    public static func checkPassword(_ password: String, userName: String) throws {
        guard !password.isEmpty else { throw TaskqError.usage("the password must not be empty") }
        guard password.count >= minPasswordLength else {
            throw TaskqError.usage("this password is too short: it must be at least \(minPasswordLength) characters")
        }
        guard password.utf8.count <= maxPasswordBytes else {
            throw TaskqError.usage("this password is too long: at most \(maxPasswordBytes) bytes (bcrypt's limit)")
        }
        guard !password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw TaskqError.usage("the password must not contain control characters")
        }
        guard !password.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw TaskqError.usage("this password is entirely numeric")
        }
        guard password.lowercased() != userName.lowercased() else {
            throw TaskqError.usage("the password is the same as the user name")
        }
        guard !commonPasswords.contains(password.lowercased()) else {
            throw TaskqError.usage("this password is too common")
        }
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a)
            || b == UInt8(ascii: "@") || b == UInt8(ascii: ".") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }

    /// Very common passwords of 10 or more characters (shorter ones are refused anyway), lower case; from the
    /// top of the public breach lists Django's CommonPasswordValidator also draws on.
    static let commonPasswords: Set<String> = [
        "1234567890", "0123456789", "1234512345", "1q2w3e4r5t", "1qaz2wsx3edc", "abcdefghij", "abc1234567",
        "aa12345678", "iloveyou12", "password12", "password123", "password1234", "password01", "password!1",
        "passw0rd123", "p@ssw0rd12", "p@ssword123", "qwertyuiop", "qwerty1234", "qwerty12345", "qwerty123456",
        "qwertyuiop123", "asdfghjkl1", "asdfghjkl;", "zxcvbnm123", "1234qwer!@", "q1w2e3r4t5", "q1w2e3r4t5y6",
        "1q2w3e4r5t6y", "qazwsxedcrfv", "letmein123", "welcome123", "welcome1234", "administrator", "admin12345",
        "admin123456", "changeme123", "football123", "baseball123", "superman123", "princess123", "sunshine123",
        "trustno1234", "monkey12345", "dragon12345", "master12345", "starwars123", "whatever123", "basketball",
        "michael123", "charlie123", "jennifer123", "computer123", "internet123", "iloveyou123", "lovelove12",
        "11111111111", "0000000000", "1111111111", "1122334455", "9876543210", "1029384756", "zaq12wsxcde",
        "taskqtaskq", "taskq12345", "secret1234", "secretpassword", "mypassword", "mypassword1", "passwordpassword",
    ]
}
