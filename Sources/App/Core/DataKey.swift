import Crypto
import Foundation
import Vapor

/// The key that protects personal data at rest (PIPL): resident ID and phone numbers are sealed
/// with AES-GCM, and an HMAC of the normalised value sits beside them for exact-match search and
/// duplicate detection without decrypting. From `SHEGONG_DATA_KEY` (base64 of 32 bytes), or a key
/// file (`SHEGONG_DATA_KEY_FILE`, default `data.key` in the data directory), created with mode 0600
/// on first start.
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

    /// The key file used when the key does not come from the environment itself.
    static func keyFilePath(environmentValue: String?, fileValue: String?, directory: String) -> String? {
        if let raw = environmentValue, !raw.isEmpty { return nil }
        if let file = fileValue, !file.isEmpty { return file }
        return directory + "/data.key"
    }

    static func load(environmentValue: String?, fileValue: String? = nil, directory: String) throws -> DataKey {
        guard let path = keyFilePath(environmentValue: environmentValue, fileValue: fileValue, directory: directory) else {
            guard let data = environmentValue.flatMap({ Data(base64Encoded: $0) }), data.count == 32 else { throw Problem.badEnvironmentKey }
            return DataKey(key: SymmetricKey(data: data))
        }
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), data.count == 32 else {
                throw Problem.badKeyFile(path)
            }
            return DataKey(key: SymmetricKey(data: data))
        }
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0) }.base64EncodedString()
        guard FileManager.default.createFile(atPath: path, contents: Data(encoded.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Problem.badKeyFile(path)
        }
        return DataKey(key: key)
    }

    /// The warning logged at `serve` when the key file lies inside the data directory of a real
    /// deployment: one copy of the data directory (a backup, a stolen disk) then carries both the
    /// sealed personal data and the key that opens it. Nil when there is nothing to warn about.
    static func locationWarning(keyFile: String?, dataDirectory: String, demo: Bool) -> String? {
        guard !demo, let keyFile else { return nil }
        let file = URL(fileURLWithPath: keyFile).standardizedFileURL.path
        var dir = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        if !dir.hasSuffix("/") { dir += "/" }
        guard file.hasPrefix(dir) else { return nil }
        return "数据密钥文件 \(keyFile) 位于数据目录 \(dataDirectory) 内：数据目录的任何一份副本都同时带有密文和密钥。"
            + "请用 SHEGONG_DATA_KEY_FILE 把密钥放到数据目录之外（并单独备份），或用 SHEGONG_DATA_KEY 提供密钥。"
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
        HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key).hexString
    }
}
