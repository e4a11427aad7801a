/// The policy documents the shipped profiles cite, as officials cite them, and the cities each
/// binds. They are the source documents in the project's seed folder (`../shared/seeds/`, file
/// named here): a profile cites only documents that bind its city, and a rule no such document
/// states is not in that city's profile (policy-catalogue.md).
public struct PolicyDocument: Sendable, Equatable {
    /// The seed file holding the text.
    public let seedFile: String
    public let citation: String
    /// Ids of the profiles of the cities it binds.
    public let binds: Set<String>
    /// Words that identify the document in its seed file (its number, or its title where the text carries no number).
    public let marker: String

    public static let all: [PolicyDocument] = [
        .init(seedFile: "000_84af11f2a3b4df8c.txt",
              citation: "济南市民政局《济南市街道（镇）社会工作服务站示范点建设实施方案》（济民发〔2022〕7号）",
              binds: ["jinan"], marker: "济民发〔2022〕7号"),
        .init(seedFile: "001_7a9db59830a96b4e.txt",
              citation: "武汉市民政局《关于加快推进全市街道（乡镇）社工站建设的通知》（武民政〔2021〕26号）",
              binds: ["wuhan"], marker: "武民政〔2021〕26号"),
        // The measures' own text carries no number; 济民发〔2022〕7号 cites them as 济民发〔2021〕14号.
        .init(seedFile: "002_09ded8ff974b5e3f.txt",
              citation: "济南市民政局、济南市财政局《济南市社会工作服务站管理办法（试行）》（济民发〔2021〕14号）",
              binds: ["jinan"], marker: "济南市社会工作服务站管理办法（试行）"),
        .init(seedFile: "003_ee01eb1a15a02a58.txt",
              citation: "济南市地方标准 DB3701/T 36—2023《街道（镇）社工站服务指南》",
              binds: ["jinan"], marker: "DB3701/T 36—2023"),
        // A press digest: only its report of Guangzhou's measures binds anyone (Guangzhou); Guizhou,
        // Shanghai Qingpu and Handan are references.
        .init(seedFile: "004_aee6fa09ccb4f356.txt",
              citation: "广州市人民政府办公厅《广州市社工服务站管理办法》（据新闻报道摘编）",
              binds: ["guangzhou"], marker: "广州市社工服务站管理办法"),
    ]

    public static func cited(_ citation: String) -> PolicyDocument? { all.first { $0.citation == citation } }
}
