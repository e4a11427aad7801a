import Vapor

/// The one stylesheet, written here; no CDN, no copied framework. On a phone the menu opens with
/// a checkbox toggle, so navigation needs no script.
enum Stylesheet {
    static func response() -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.add(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: css))
    }

    static let css = """
    :root { --ink: #1d2733; --muted: #5b6775; --line: #d7dde4; --accent: #b0282d; --bg: #f6f7f9; --ok: #1f7a3a; --bad: #b0282d; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 16px/1.6 "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: var(--bg); }
    a { color: #17548f; }
    header.site { background: #fff; border-bottom: 3px solid var(--accent); padding: .5rem 1rem; display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; }
    .brand { font-weight: 700; color: var(--accent); text-decoration: none; font-size: 1.1rem; }
    .menu { flex: 1; display: flex; flex-wrap: wrap; justify-content: space-between; align-items: center; gap: .5rem 1rem; }
    .menu-toggle { position: absolute; opacity: 0; width: 1px; height: 1px; }
    .menu-button { cursor: pointer; display: none; padding: .4rem .8rem; border: 1px solid var(--line); border-radius: 4px; width: max-content; margin-left: auto; }
    
    .menu nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
    .menu nav a { text-decoration: none; padding: .25rem 0; display: inline-block; }
    .menu nav a.current { font-weight: 700; border-bottom: 2px solid var(--accent); }
    .who { display: flex; align-items: center; gap: .5rem; color: var(--muted); }
    .who form { margin: 0; }
    main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
    h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
    h1 .tag { margin-left: .5rem; }
    h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
    .tag { font-size: .8rem; font-weight: 400; background: #e8edf2; color: var(--muted); padding: .1rem .4rem; border-radius: 3px; }
    .title-row { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem; }
    .button, button { display: inline-block; background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .45rem 1rem; font: inherit; cursor: pointer; text-decoration: none; }
    .who button { background: none; color: #17548f; padding: 0; text-decoration: underline; }
    table.list { width: 100%; border-collapse: collapse; background: #fff; }
    table.list th, table.list td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    table.list th { background: #eef1f4; font-weight: 600; }
    td.num { text-align: right; font-variant-numeric: tabular-nums; }
    table.audit code { font-size: .8rem; word-break: break-all; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; background: #fff; padding: 1rem; border: 1px solid var(--line); }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; }
    ul.checklist { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; }
    ul.checklist .yes { color: var(--ok); }
    ul.checklist .no { color: var(--bad); }
    form.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .5rem 1rem; margin-bottom: 1rem; }
    form.edit, form.inline, section.login form { background: #fff; padding: 1rem; border: 1px solid var(--line); max-width: 44rem; }
    fieldset { border: 1px solid var(--line); margin: 1rem 0; padding: .5rem 1rem; }
    legend { font-weight: 600; padding: 0 .3rem; }
    /* a long list of people to tick (group members), and one line per member at a session */
    .picklist { max-height: 18rem; overflow-y: auto; }
    .attendance { display: flex; flex-wrap: wrap; align-items: center; gap: .3rem .8rem; margin: .3rem 0; }
    .attendance label.check { min-width: 8rem; }
    .attendance input[type=number] { width: 5rem; font: inherit; padding: .3rem; }
    /* a dashboard's chart with its numbers beside it (below it on a phone) */
    .chart-pair-body { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
    .chart-figure { flex: 1 1 24rem; max-width: 40rem; }
    .chart-pair-body table.list { flex: 1 1 16rem; width: auto; }
    svg.chart { width: 100%; height: auto; }
    svg.chart text { fill: #1d2733; }
    @media print { section.chart-pair { break-inside: avoid; } }
    tr.coverage-covered td.status { background: #e3f1e3; color: #1d5e20; }
    tr.coverage-partial td.status { background: #fdf1d8; color: #7a5200; }
    tr.coverage-uncovered td.status { background: #f9e0de; color: #9b1c13; }
    @media print { tr.coverage-covered td.status, tr.coverage-partial td.status, tr.coverage-uncovered td.status { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
    .field { display: flex; flex-direction: column; margin: .5rem 0; }
    .field label { font-weight: 600; font-size: .95rem; }
    .field input, .field select { font: inherit; padding: .4rem .5rem; border: 1px solid #aab4bf; border-radius: 4px; max-width: 100%; }
    .field.invalid input, .field.invalid select { border-color: var(--bad); background: #fff5f5; }
    .field .error, fieldset > .error, .alert { color: var(--bad); }
    .alert { background: #fff5f5; border: 1px solid var(--bad); padding: .5rem 1rem; margin: 0 0 1rem; }
    .notice { background: #eefaf1; border: 1px solid var(--ok); padding: .5rem 1rem; }
    li.backdated { color: var(--bad); }
    /* the import preview: a row with problems, and the problems beside it */
    tr.bad td { background: #fff5f5; }
    ul.problems { margin: 0; padding-left: 1rem; color: var(--bad); }
    progress { width: 100%; max-width: 32rem; height: 1.2rem; }
    .hint { color: var(--muted); }
    .data-age { color: var(--muted); font-size: .85rem; margin: 0 0 .5rem; }
    label.check { display: inline-flex; align-items: center; gap: .3rem; margin: .3rem 1rem .3rem 0; }
    .room { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0 1rem; }
    .actions { display: flex; gap: 1rem; align-items: center; margin-top: 1rem; }
    .crumbs { color: var(--muted); font-size: .9rem; }
    nav.tabs ul { list-style: none; display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; padding: 0; margin: 0 0 1rem; }
    .paging { display: flex; gap: 1rem; justify-content: center; margin: 1rem 0; }
    .empty, .lead { color: var(--muted); }
    .card { background: #fff; border: 1px solid var(--line); padding: .5rem 1rem; margin-bottom: 1rem; }
    section.login { max-width: 26rem; margin: 2rem auto; }
    .badge { display: inline-block; padding: 0 .45rem; margin: 0 .2rem .1rem 0; border-radius: 3px; font-size: .85rem; white-space: nowrap; background: #e9ecef; }
    .badge.pass { background: #dcefe2; color: var(--ok); }
    .badge.warning { background: #fdf0cf; color: #7a5200; }
    .badge.failure { background: #f8dcdc; color: var(--bad); font-weight: 700; }
    .badge.missing_data { background: #e3e8f4; color: #2d4a86; }
    .badge.progress { background: #e6f0fa; color: #1d5a8c; }
    .findings table { table-layout: fixed; width: 100%; }
    .findings th:nth-child(1) { width: 22%; } .findings th:nth-child(2) { width: 7rem; } .findings th:nth-child(6) { width: 18%; }
    .findings td.rule small { display: block; color: var(--muted); font-size: .85rem; }
    .findings td.source { color: var(--muted); font-size: .85rem; }
    .findings tr.state-failure td:first-child { border-left: 4px solid var(--bad); }
    .findings tr.state-warning td:first-child { border-left: 4px solid #d9a400; }
    .findings tr.state-missing_data td:first-child { border-left: 4px solid #2d4a86; }
    .findings tr.state-progress td:first-child { border-left: 4px solid #1d5a8c; }
    #deadlines .counting, #working-days .result { color: var(--muted); }
    #deadlines .counting { margin-left: .3rem; }
    table.matrix tr.total td { font-weight: 700; }
    table.matrix .group-label { display: none; }
    table.matrix tr.failing td.station a { color: var(--bad); }
    #todo ul.todo { padding-left: 1.2rem; } #todo li { margin: .35rem 0; } #todo li.overdue a { color: var(--bad); }
    #todo.calm p.empty { font-size: 1.1rem; }
    ul.changes { margin: 0; padding-left: 1rem; } ul.changes li { word-break: break-all; }
    #deadlines li { margin: .35rem 0; }
    #deadlines li.overdue { color: var(--bad); }
    #deadlines form.file { display: inline-flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin: 0 0 0 .5rem; }
    #deadlines form.file button { padding: .15rem .7rem; font-size: .9rem; }
    @media (max-width: 640px) {
      header.site { padding: .5rem .75rem; }
      .menu-button { display: block; margin-left: auto; }
      .menu { display: none; flex-basis: 100%; flex-direction: column; align-items: flex-start; }
      .menu-toggle:checked ~ .menu { display: flex; }
      .menu nav ul { flex-direction: column; }
      .menu nav a { padding: .5rem 0; font-size: 1.05rem; }
      /* A list keeps its header row and scrolls sideways, so every column stays labelled. The
         findings and the matrix, whose cells carry their own labels, stack instead. */
      table.list { display: block; overflow-x: auto; }
      table.list th, table.list td { white-space: nowrap; }
      .findings table.list, table.matrix { display: table; }
      .findings table.list thead, table.matrix thead { display: none; }
      .findings table.list tr, table.matrix tr { display: block; border-bottom: 1px solid var(--line); padding: .3rem 0; }
      .findings table.list td, table.matrix td { display: block; border: 0; padding: .1rem .6rem; white-space: normal; }
      table.matrix td.num { text-align: left; }
      .findings table { table-layout: auto; }
      .findings td:nth-child(3)::before { content: "实际："; color: var(--muted); }
      .findings td:nth-child(4)::before { content: "要求："; color: var(--muted); }
      .findings td:nth-child(5):not(:empty)::before { content: "整改："; color: var(--muted); }
      dl.facts { grid-template-columns: 1fr; }
      table.matrix td.station { font-weight: 600; }
      table.matrix .group-label { display: inline-block; min-width: 6em; color: var(--muted); font-weight: 600; }
    }
    @media print { header.site, form.filters, .actions { display: none; } }
    .service-record .disclaimer { border: 1px solid var(--line); padding: .5rem .8rem; }
    .service-record .signature { margin-top: 2rem; text-align: right; }
    @media print { .service-record .no-print { display: none; } .service-record table { break-inside: auto; } .service-record tr { break-inside: avoid; } }
    """
}
