@testable import App
import Crypto
import Foundation
import Testing

@Suite("Data key")
struct DataKeyTests {
    @Test func keyFileIsCreatedPrivateAndReused() throws {
        // setup
        let dir = NSTemporaryDirectory() + "shegong-key-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // act
        let first = try DataKey.load(environmentValue: nil, directory: dir)
        let again = try DataKey.load(environmentValue: nil, directory: dir)
        // check
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/data.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let sealed = try first.seal("13912345678")
        #expect(!sealed.contains("13912345678"))
        #expect(try again.open(sealed) == "13912345678")
        #expect(first.lookupHash("370102199001011234") == again.lookupHash("370102199001011234"))
    }

    @Test func anotherKeyCannotOpen() throws {
        let a = DataKey(key: SymmetricKey(size: .bits256))
        let b = DataKey(key: SymmetricKey(size: .bits256))
        #expect(throws: (any Error).self) { try b.open(try a.seal("13912345678")) }
        #expect(a.lookupHash("x") != b.lookupHash("x"))
    }

    @Test func aKeyFileOutsideTheDataDirectoryIsCreatedThere() throws {
        // setup
        let root = NSTemporaryDirectory() + "shegong-keyfile-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = root + "/keys/shegong.key"
        // act: what SHEGONG_DATA_KEY_FILE passes
        let path = DataKey.keyFilePath(environmentValue: nil, fileValue: file, directory: root + "/data")
        let first = try DataKey.load(environmentValue: nil, fileValue: file, directory: root + "/data")
        let again = try DataKey.load(environmentValue: nil, fileValue: file, directory: root + "/data")
        // check: created there, private, reused, and nothing in the data directory
        #expect(path == file)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!FileManager.default.fileExists(atPath: root + "/data/data.key"))
        #expect(try again.open(try first.seal("13912345678")) == "13912345678")
        // without it the key file is data.key in the data directory; with SHEGONG_DATA_KEY there is none
        #expect(DataKey.keyFilePath(environmentValue: nil, fileValue: nil, directory: root + "/data") == root + "/data/data.key")
        #expect(DataKey.keyFilePath(environmentValue: "c2hvcnQ=", fileValue: file, directory: root + "/data") == nil)
    }

    @Test func keyInsideTheDataDirectoryIsWarnedAboutOutsideTheDemo() {
        #expect(DataKey.locationWarning(keyFile: "/srv/shegong/data/data.key", dataDirectory: "/srv/shegong/data", demo: false)?
            .hasPrefix("数据密钥文件 /srv/shegong/data/data.key 位于数据目录 /srv/shegong/data 内") == true)
        #expect(DataKey.locationWarning(keyFile: "/srv/shegong/data/keys/k", dataDirectory: "/srv/shegong/data/", demo: false) != nil)
        #expect(DataKey.locationWarning(keyFile: "./data/data.key", dataDirectory: "data", demo: false) != nil)
        #expect(DataKey.locationWarning(keyFile: "/srv/shegong/data/data.key", dataDirectory: "/srv/shegong/data", demo: true) == nil)
        #expect(DataKey.locationWarning(keyFile: "/etc/shegong/data.key", dataDirectory: "/srv/shegong/data", demo: false) == nil)
        #expect(DataKey.locationWarning(keyFile: "/srv/shegong/data-keys/data.key", dataDirectory: "/srv/shegong/data", demo: false) == nil)
        #expect(DataKey.locationWarning(keyFile: "/srv/shegong/data/../keys/data.key", dataDirectory: "/srv/shegong/data", demo: false) == nil)
        #expect(DataKey.locationWarning(keyFile: nil, dataDirectory: "/srv/shegong/data", demo: false) == nil, "key from SHEGONG_DATA_KEY")
    }

    @Test func theAuditKeyIsDerivedAndDiffersFromTheDataKey() {
        let data = SymmetricKey(size: .bits256)
        let a = DataKey(key: data), b = DataKey(key: data)
        #expect(a.auditKey == b.auditKey)
        #expect(a.auditKey != a.key)
        #expect(a.auditKey != DataKey(key: SymmetricKey(size: .bits256)).auditKey)
    }

    @Test func environmentKeyMustBe32Bytes() {
        #expect(throws: DataKey.Problem.self) { try DataKey.load(environmentValue: "c2hvcnQ=", directory: "/nonexistent") }
    }
}
