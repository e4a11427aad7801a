import Domain
import Plot
import Vapor

/// `/platform/cities`: the provinces and cities of the deployment with their profiles, a form for a
/// province, and a form for a city with its profile and first city admin.
enum OnboardingPage {
    /// The profile select's value for "copy of an existing city": this prefix and the city's id.
    static let copyPrefix = "copy:"

    struct Model {
        var provinces: [Province] = []
        var cities: [CityDTO] = []
        /// Shipped profiles: (id, name).
        var profiles: [(String, String)] = []
        var provinceValues: [String: String] = [:]
        var provinceErrors = Validator()
        var cityValues: [String: String] = [:]
        var cityErrors = Validator()
        /// The city just created, with its one-time password shown this once.
        var created: CityCreated?
        /// A confirmation after a successful save (`Saved`).
        var notice: String?
    }

    static func view(_ m: Model, caller: Caller, csrf: String) -> HTML {
        let cv = m.cityValues
        let ce = m.cityErrors
        var profileOptions: [(value: String, label: String)] = [("", "请选择")]
        for (id, name) in m.profiles { profileOptions.append((id, "出厂配置：\(name)（\(id)）")) }
        for city in m.cities where city.profile != nil { profileOptions.append((copyPrefix + city.id.uuidString, "复制\(city.name)的现行配置")) }
        return Layout.page(title: "城市开通", path: SiteURL.platformCities.relativeURL(), caller: caller, csrf: csrf,
            .h1("城市开通"),
            Saved.node(m.notice),
            .p(.class("lead"), .plain("平台管理员登记省级行政区和市，为市选定政策配置并创建首位市民政局管理员；区县、街道和社工站由该管理员建立。平台管理员不能查看各市的社工站和人员。")),
            .unwrap(m.created) { created in
                .section(.class("card notice"), .id("created"),
                    .h2(.plain("已开通\(created.city.name)")),
                    .p(.plain("政策配置：\(created.city.profileName ?? "")" + (created.city.copiedFrom.map { "（\($0)）" } ?? ""))),
                    .p(.plain("首位管理员：\(created.admin.displayName)，用户名 "), .code(.id("created-username"), .plain(created.admin.username))),
                    .unwrap(created.oneTimePassword) { password in
                        .p(.plain("一次性密码（只显示这一次，请交给该管理员，并请其登录后立即修改）："), .code(.id("one-time-password"), .plain(password)))
                    })
            },
            .h2("省级行政区与市"),
            .if(m.provinces.isEmpty && m.cities.isEmpty, .p(.class("empty"), .plain("尚未登记任何省级行政区。"))),
            .table(.class("list"), .id("cities"),
                .thead(.tr(.th("省级行政区"), .th("市"), .th("行政区划代码"), .th("政策配置"))),
                .tbody(
                    .forEach(m.provinces) { province in
                        let cities = m.cities.filter { $0.provinceId == province.id }
                        return .group(
                            .tr(.class("province"), .td(.strong(.plain("\(province.name)（\(province.divisionCode)）"))), .td(.plain(cities.isEmpty ? "尚无" : "")), .td(), .td()),
                            .forEach(cities) { city in row(city, province: "") })
                    },
                    .forEach(m.cities.filter { $0.provinceId == nil }) { city in row(city, province: "未登记省份") })),
            .section(.class("card"),
                .h2("新增省级行政区"),
                FormField.summary(m.provinceErrors.errors),
                .form(.method(.post), .action(SiteURL.platformProvinces.relativeURL()), .class("edit"), .id("province-form"),
                    FormField.csrf(csrf),
                    FormField.text("name", label: "名称", value: m.provinceValues["name"], error: m.provinceErrors.message(for: "name"), required: true),
                    FormField.text("division_code", label: "行政区划代码", value: m.provinceValues["division_code"],
                                   error: m.provinceErrors.message(for: "division_code"), required: true, hint: "GB/T 2260：6 位，后四位为 0000，如 370000"),
                    .button(.type(.submit), .plain("新增省级行政区")))),
            .section(.class("card"),
                .h2("开通新的市"),
                FormField.summary(ce.errors),
                .form(.method(.post), .action(SiteURL.platformCities.relativeURL()), .class("edit"), .id("city-form"),
                    FormField.csrf(csrf),
                    FormField.select("province_id", label: "所属省级行政区", options: [("", "请选择")] + m.provinces.map { ($0.id!.uuidString, $0.name) },
                                     selected: cv["province_id"], error: ce.message(for: "province_id")),
                    FormField.text("name", label: "市名称", value: cv["name"], error: ce.message(for: "name"), required: true),
                    FormField.text("division_code", label: "行政区划代码", value: cv["division_code"], error: ce.message(for: "division_code"),
                                   required: true, hint: "6 位，以省级代码的前两位开头，如 370100"),
                    FormField.select("profile_choice", label: "政策配置", options: profileOptions, selected: cv["profile_choice"],
                                     error: ce.message(for: "profile") ?? ce.message(for: "copy_of_city_id")),
                    FormField.text("admin_username", label: "首位管理员用户名", value: cv["admin_username"], error: ce.message(for: "admin_username"), required: true),
                    FormField.text("admin_display_name", label: "首位管理员姓名", value: cv["admin_display_name"], error: ce.message(for: "admin_display_name")),
                    FormField.text("admin_password", label: "初始密码", value: nil, error: ce.message(for: "admin_password"), type: .password,
                                   hint: "留空则生成一次性密码，只显示一次"),
                    .button(.type(.submit), .plain("开通"))))
        )
    }

    static func row(_ city: CityDTO, province: String) -> Node<HTML.TableContext> {
        .tr(.class("city"),
            .td(.plain(province)),
            .td(.plain(city.name)),
            .td(.plain(city.divisionCode ?? "—")),
            .td(.plain((city.profileName.map { "\($0)（\(city.profile ?? "")）" } ?? "未指定") + (city.copiedFrom.map { "；\($0)" } ?? ""))))
    }
}
