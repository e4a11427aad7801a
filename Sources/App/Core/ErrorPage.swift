import Plot

/// The page shown for an error outside the API.
enum ErrorPage {
    struct Model {
        let status: UInt
        let title: String
        let detail: String
    }

    struct View {
        let path: String
        let model: Model
        let caller: Caller?

        func render() -> HTML {
            Layout.page(title: model.title, path: path, caller: caller,
                .section(.class("card"),
                    .h1(.plain(model.title)),
                    .p(.plain(model.detail)),
                    .p(.class("lead"), .plain("状态码 \(model.status)")),
                    .p(.a(.href(caller == nil ? "/login" : "/"), .plain(caller == nil ? "前往登录" : "返回首页")))))
        }
    }
}
