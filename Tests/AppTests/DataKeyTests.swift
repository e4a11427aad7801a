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
