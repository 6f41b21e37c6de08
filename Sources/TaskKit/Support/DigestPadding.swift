/// The message padding SHA-1 and SHA-256 share (FIPS 180-4, 5.1.1): a 1 bit, zeros, then the message's length in
/// bits as a big-endian 64-bit number, to a multiple of 64 bytes.
enum DigestPadding {
    static func padded(_ message: [UInt8]) -> [UInt8] {
        var data = message
        data.reserveCapacity(message.count + 72)
        let bitLength = UInt64(message.count) &* 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        return data
    }

    /// The big-endian 32-bit word at `offset`.
    static func word(_ data: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(data[offset]) << 24 | UInt32(data[offset + 1]) << 16 | UInt32(data[offset + 2]) << 8 | UInt32(data[offset + 3])
    }

    /// The words of a digest as big-endian bytes.
    static func bytes(_ words: [UInt32]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(words.count * 4)
        for word in words { for shift in [24, 16, 8, 0] { out.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) } }
        return out
    }
}
