import Vapor

/// Configuration from the environment (documented in the README).
struct Settings: Sendable {
    /// `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise SQLite under `dataDirectory`.
    var databaseURL: String?
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

    static func fromEnvironment(demo: Bool) throws -> Settings {
        let directory = Environment.get("SHEGONG_DATA_DIR") ?? "./data"
        let key = Environment.get("SHEGONG_DATA_KEY"), keyFile = Environment.get("SHEGONG_DATA_KEY_FILE")
        return Settings(databaseURL: Environment.get("DATABASE_URL").flatMap { $0.isEmpty ? nil : $0 },
                 dataDirectory: directory,
                 demo: demo,
                 demoPassword: Environment.get("SHEGONG_DEMO_PASSWORD"),
                 secureCookies: Environment.get("SHEGONG_SECURE_COOKIES") == "1",
                 bcryptCost: 12,
                 dataKey: try DataKey.load(environmentValue: key, fileValue: keyFile, directory: directory),
                 dataKeyFile: DataKey.keyFilePath(environmentValue: key, fileValue: keyFile, directory: directory))
    }
}

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = Settings }

    var settings: Settings {
        get { storage[SettingsKey.self]! }
        set { storage[SettingsKey.self] = newValue }
    }
}
