import Domain
import Foundation
import Testing

/// Every shipped profile cites only documents that bind its city, as officials cite them, and those
/// documents are the project's seed documents (`../shared/seeds/`, listed in its README).
@Suite("Profile sources")
struct ProfileSourceTests {
    /// The seed folder beside the repository (`SHEGONG_SEEDS_DIR` overrides it).
    static let seeds = ProcessInfo.processInfo.environment["SHEGONG_SEEDS_DIR"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/seeds")

    @Test(arguments: PolicyProfile.shippedIDs)
    func everyRuleCitesADocumentThatBindsItsCity(_ id: String) throws {
        let profile = try PolicyProfile.shipped(id)
        for rule in profile.rules {
            #expect(!rule.sources.isEmpty, "\(id) \(rule.id) has no source")
            for source in rule.sources {
                let document = PolicyDocument.cited(source.document)
                #expect(document != nil, "\(id) \(rule.id) cites “\(source.document)”, not a seed document as officials cite it")
                #expect(document?.binds.contains(id) == true, "\(id) \(rule.id) cites “\(source.document)”, which does not bind that city")
                // a file number (000 … 004) is ours, never the reader's
                #expect(source.article.range(of: #"\b00\d\b"#, options: .regularExpression) == nil, "\(id) \(rule.id): “\(source.article)”")
            }
        }
    }

    @Test func theDocumentsAreTheSeedList() throws {
        // setup: the seed README's table lists the files
        let readme = try String(contentsOf: Self.seeds.appendingPathComponent("README.md"), encoding: .utf8)
        let listed = Set(readme.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| "), let name = line.dropFirst(2).split(separator: " ").first, name.hasSuffix(".txt") else { return nil }
            return String(name)
        })
        // check: the same files, and each file is the document it is cited as
        #expect(listed == Set(PolicyDocument.all.map(\.seedFile)))
        for document in PolicyDocument.all {
            let text = try String(contentsOf: Self.seeds.appendingPathComponent(document.seedFile), encoding: .utf8)
            #expect(text.contains(document.marker), "\(document.seedFile) does not contain “\(document.marker)”")
        }
    }

    @Test func wuhanAndGuangzhouNoLongerCiteJinansDocuments() throws {
        let wuhan = try PolicyProfile.shipped("wuhan")
        #expect(!wuhan.rules.contains { $0.citation.contains("济民发") || $0.citation.contains("DB3701") })
        // rules only Jinan's documents state are not in Wuhan's profile
        #expect(wuhan.rule("T-5") == nil)
        #expect(wuhan.rule("V-4") == nil)
        #expect(wuhan.rule("A-1")?.citation == "武汉市民政局《关于加快推进全市街道（乡镇）社工站建设的通知》（武民政〔2021〕26号） 二(五)")
        let guangzhou = try PolicyProfile.shipped("guangzhou")
        #expect(guangzhou.rules.map(\.id).sorted() == ["H-1", "H-2", "R-5", "S-6", "S-8", "S-9", "V-11"])
    }
}
