import Foundation

/// Time-ordered keys for rows written in bulk (RFC 9562 UUID version 7: milliseconds since 1970,
/// then a sequence number, then random bits). Random version-4 keys land anywhere in a
/// primary-key index, and in every index that holds them as foreign keys, so a 100,000-row import
/// touched pages all over those indexes; keys that follow the rows' order are appended
/// (bench/recipients.sh, issue 9 §6). Unique as UUIDs are: 42 random bits behind the time and sequence.
struct OrderedIDs: Sendable {
    let milliseconds: UInt64

    init(at date: Date) {
        milliseconds = UInt64(max(0, date.timeIntervalSince1970 * 1000)) & 0xFFFF_FFFF_FFFF
    }

    /// The key of the `sequence`-th row (0 ..< 2³²); keys grow with the sequence.
    func id(_ sequence: Int) -> UUID {
        precondition(sequence >= 0 && sequence < 1 << 32)
        let n = UInt64(sequence)
        let high = milliseconds << 16 | 0x7000 | n >> 20                               // time, version 7, sequence's top 12 bits
        let low = 0x8000_0000_0000_0000 | (n & 0xF_FFFF) << 42 | UInt64.random(in: 0..<1 << 42)   // variant, sequence's low 20 bits, random
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
