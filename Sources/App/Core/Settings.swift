import Vapor

/// Configuration from the environment (documented in the README).
struct Settings: Sendable {
    /// `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise SQLite under `dataDirectory`.
    var databaseURL: String?
    /// `DATABASE_READ_URL`: hot standbys of that PostgreSQL primary, comma-separated (`ReadReplicas`).
    var readURLs: [String] = []
    /// `SHEGONG_READ_MAX_LAG_SECONDS` (default 30): a standby further behind is not read.
    var readMaxLag: TimeInterval = 30
    /// `SHEGONG_DATA_DIR`, default `./data`.
    var dataDirectory: String
    /// Load the demo city on first start with an empty database (`serve --demo`).
    var demo: Bool
    /// `SHEGONG_DEMO_PASSWORD`: the demo accounts' password; random and printed when unset.
    var demoPassword: String?
    /// `SHEGONG_SECURE_COOKIES=1` when served over TLS (directly or behind a TLS proxy).
    var secureCookies: Bool
    /// bcrypt cost; tests lower it to stay fast.
    var bcryptCost: Int
    /// `SHEGONG_DATA_KEY`, or the key file: `SHEGONG_DATA_KEY_FILE`, default `data.key` in the data directory.
    var dataKey: DataKey
    /// The key file in use; nil when the key comes from `SHEGONG_DATA_KEY`.
    var dataKeyFile: String? = nil
    /// `SHEGONG_SESSION_IDLE_MINUTES` (default 30) and `SHEGONG_SESSION_MAX_HOURS` (default 12).
    var sessionPolicy = SessionPolicy()
    /// `PORT`: the listening port; `serve --port` still wins. Vapor's own default (8080) when unset.
    var port: Int?
    /// `SHEGONG_CHROMIUM`: the headless Chromium that prints a volunteer's record of service as PDF.
    var chromiumPath = "/usr/bin/chromium"

    static func fromEnvironment(demo: Bool) throws -> Settings {
        let directory = Environment.get("SHEGONG_DATA_DIR") ?? "./data"
        let key = Environment.get("SHEGONG_DATA_KEY"), keyFile = Environment.get("SHEGONG_DATA_KEY_FILE")
        var sessions = SessionPolicy()
        if let minutes = try positiveNumber("SHEGONG_SESSION_IDLE_MINUTES") { sessions.idle = minutes * 60 }
        if let hours = try positiveNumber("SHEGONG_SESSION_MAX_HOURS") { sessions.lifetime = hours * 3600 }
        var port: Int?
        if let raw = Environment.get("PORT"), !raw.isEmpty {
            guard let value = Int(raw), (1...65_535).contains(value) else { throw BadVariable(name: "PORT", value: raw, rule: "1–65535 之间的整数") }
            port = value
        }
        var settings = Settings(databaseURL: Environment.get("DATABASE_URL").flatMap { $0.isEmpty ? nil : $0 },
                 dataDirectory: directory,
                 demo: demo,
                 demoPassword: Environment.get("SHEGONG_DEMO_PASSWORD"),
                 secureCookies: Environment.get("SHEGONG_SECURE_COOKIES") == "1",
                 bcryptCost: 12,
                 dataKey: try DataKey.load(environmentValue: key, fileValue: keyFile, directory: directory),
                 dataKeyFile: DataKey.keyFilePath(environmentValue: key, fileValue: keyFile, directory: directory),
                 sessionPolicy: sessions, port: port)
        if let chromium = Environment.get("SHEGONG_CHROMIUM"), !chromium.isEmpty { settings.chromiumPath = chromium }
        if let raw = Environment.get("DATABASE_READ_URL"), !raw.isEmpty {
            settings.readURLs = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard settings.databaseURL != nil, settings.readURLs.allSatisfy({ $0.hasPrefix("postgres") }) else {
                // The value is not repeated: it may hold a password.
                throw BadVariable(name: "DATABASE_READ_URL", value: "…", rule: "逗号分隔的 PostgreSQL 备库地址（postgres://…），且须同时设置 DATABASE_URL")
            }
        }
        if let lag = try positiveNumber("SHEGONG_READ_MAX_LAG_SECONDS") { settings.readMaxLag = lag }
        return settings
    }

    struct BadVariable: Error, CustomStringConvertible {
        let name: String, value: String
        var rule = "正数"
        var description: String { "环境变量 \(name) 应为\(rule)，当前为“\(value)”" }
    }

    private static func positiveNumber(_ name: String) throws -> Double? {
        guard let raw = Environment.get(name), !raw.isEmpty else { return nil }
        guard let value = Double(raw), value.isFinite, value > 0 else { throw BadVariable(name: name, value: raw) }
        return value
    }
}

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = Settings }

    var settings: Settings {
        get { storage[SettingsKey.self]! }
        set { storage[SettingsKey.self] = newValue }
    }
}
