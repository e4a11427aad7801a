import Crypto
import Foundation
import Vapor

/// The key that protects personal data at rest (PIPL): resident ID and phone numbers are sealed
/// with AES-GCM, and an HMAC of the normalised value sits beside them for exact-match search and
/// duplicate detection without decrypting. From `SHEGONG_DATA_KEY` (base64 of 32 bytes), or a key
/// file `data.key` in the data directory, created with mode 0600 on first start.
struct DataKey: Sendable {
    let key: SymmetricKey
    /// Seals the audit chain (HMAC-SHA256). Derived from the data key with HKDF under a label of its
    /// own rather than kept in a second file: whoever can write the database but does not hold the
    /// data key cannot recompute the chain, there is no second secret to back up (a lost audit key
    /// would leave the whole trail unverifiable), and the label keeps audit hashes apart from the
    /// lookup hashes made with the data key itself.
    let auditKey: SymmetricKey

    init(key: SymmetricKey) {
        self.key = key
        self.auditKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("shegong audit chain v1".utf8), outputByteCount: 32)
    }

    enum Problem: Error, CustomStringConvertible {
        case badEnvironmentKey
        case badKeyFile(String)
        var description: String {
            switch self {
            case .badEnvironmentKey: "SHEGONG_DATA_KEY 应为 32 字节密钥的 base64 编码"
            case .badKeyFile(let path): "密钥文件 \(path) 损坏：应为 32 字节密钥的 base64 编码"
            }
        }
    }

    static func load(environmentValue: String?, directory: String) throws -> DataKey {
        if let raw = environmentValue, !raw.isEmpty {
            guard let data = Data(base64Encoded: raw), data.count == 32 else { throw Problem.badEnvironmentKey }
            return DataKey(key: SymmetricKey(data: data))
        }
        let path = directory + "/data.key"
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
                throw Problem.badKeyFile(path)
            }
            return DataKey(key: SymmetricKey(data: data))
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0) }.base64EncodedString()
        guard FileManager.default.createFile(atPath: path, contents: Data(encoded.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Problem.badKeyFile(path)
        }
        return DataKey(key: key)
    }

    /// AES-GCM: nonce, ciphertext and tag in one base64 string.
    func seal(_ plaintext: String) throws -> String {
        try AES.GCM.seal(Data(plaintext.utf8), using: key).combined!.base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw Abort(.internalServerError, reason: "加密字段已损坏") }
        return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
    }

    /// Keyed hash for exact-match lookups; equal inputs give equal hashes, nothing else is revealed.
    func lookupHash(_ value: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }
}
