/// Lower-case hex of bytes (digests, MACs), by table: `String(format: "%02x")` per byte cost more
/// than the HMAC itself in a 100,000-row import, and was the audit chain's costliest step in the
/// serialised write (bench/volunteers.sh).
extension Sequence where Element == UInt8 {
    var hexString: String {
        var hex = [UInt8]()
        hex.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)
