import Foundation

/// `reproduce report`: one static HTML page, `Results/index.html`, of every table and figure result file under a
/// root (`Results/<paper>/*.json`, `Figures/<paper>/*.json`). Every table shows reference beside reproduced with
/// its verdict coloured, and every figure shows its image, checks and data files. Each item carries its scale,
/// seeds and provenance. A summary at the top counts cells and checks per paper and scale. No server, no network,
/// no framework. The page's one inline script marks each image as loaded or not and records script errors, so that
/// a headless browser's DOM says whether the page rendered (`checkInBrowser`).
/// A file that does not decode is named in a red box and on stderr, never skipped silently.
public enum Report {
  public struct Problem: Sendable, Equatable { public var file: String, message: String }
  public struct Written: Sendable {
    public var url: URL
    public var tables: Int, figures: Int
    public var problems: [Problem]
  }

  /// Result files of `scale`s only (smoke files are git-ignored, so the committed report leaves them out).
  public static func write(root: URL, scales: Set<Scale>) throws -> Written {
    let fm = FileManager.default
    var tables: [TableResult] = [], figures: [FigureRecord] = [], problems: [Problem] = []
    func jsonFiles(_ folder: String) -> [URL] {
      let base = root.appendingPathComponent(folder)
      // Results/train/ holds `reproduce train`'s summaries (git-ignored): not a paper's results.
      let papers = ((try? fm.contentsOfDirectory(atPath: base.path)) ?? []).filter { $0 != "train" }.sorted()
      return papers.flatMap { paper -> [URL] in
        let dir = base.appendingPathComponent(paper)
        let names = ((try? fm.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.map { dir.appendingPathComponent($0) }
      }
    }
    func relative(_ url: URL) -> String { String(url.path.dropFirst(root.path.count + 1)) }
    // Which scale a file is (by name: smoke files say so; the others are read first).
    func wanted(_ url: URL) -> Bool { scales.contains(.smoke) == url.lastPathComponent.contains("-smoke") }
    let decoder = suiteJSONDecoder()
    for url in jsonFiles("Results") where wanted(url) && url.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent == "Results" {
      do { tables.append(try decoder.decode(TableResult.self, from: Data(contentsOf: url))) }
      catch { problems.append(Problem(file: relative(url), message: "not a table result of this suite's format: \(error)")) }
    }
    for url in jsonFiles("Figures") where wanted(url) {
      do { figures.append(try decoder.decode(FigureRecord.self, from: Data(contentsOf: url))) }
      catch { problems.append(Problem(file: relative(url), message: "not a figure result of this suite's format: \(error)")) }
    }
    tables.removeAll { !scales.contains($0.scale) }
    figures.removeAll { !scales.contains($0.scale) }
    for p in problems { FileHandle.standardError.write(Data("report: skipped \(p.file): \(p.message)\n".utf8)) }
    let html = page(tables: tables, figures: figures, problems: problems)
    let url = root.appendingPathComponent("Results/index.html")
    try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try html.write(to: url, atomically: true, encoding: .utf8)
    return Written(url: url, tables: tables.count, figures: figures.count, problems: problems)
  }

  static func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }

  /// The CSS class of a verdict: each kind of cell visibly distinct.
  static func verdictClass(_ v: String) -> String {
    if v == "within seed range" { return "within" }        // --table official
    if v.hasPrefix("outside seed range") { return "outside" }
    switch v {
    case "within band": return "within"
    case "outside band": return "outside"
    case "not run": return "notrun"
    case "diverged": return "diverged"
    case "no reference": return "noref"
    default: return "other"
    }
  }
  static func checkClass(_ holds: Bool?) -> String { holds.map { $0 ? "holds" : "fails" } ?? "undecided" }

  static func provenance(scale: Scale, seeds: [UInt64], commit: String, dirty: Bool, date: String, machine: String, wallSeconds: Double, runs: Int) -> String {
    let seedText = seeds.isEmpty ? "no seeds" : (seeds.count == 1 ? "seed " : "seeds ") + seeds.map(String.init).joined(separator: ", ")
    return "<p class=\"prov\"><span class=\"scale \(scale.rawValue)\">\(scale.rawValue)</span> \(escape(seedText)) · commit "
      + "<code>\(commit.prefix(12))</code>\(dirty ? " (dirty)" : "") · \(escape(date)) · \(escape(machine)) · "
      + "\(runs) run\(runs == 1 ? "" : "s") · generated in \(escape(Progress.format(seconds: wallSeconds)))</p>\n"
  }

  static func checks(_ checks: [Check]) -> String {
    guard !checks.isEmpty else { return "" }
    var h = "<table class=\"checks\"><tr><th>check</th><th>holds</th><th>detail</th></tr>\n"
    for c in checks {
      h += "<tr class=\"\(checkClass(c.holds))\"><td>\(escape(c.name))</td><td>\(c.holds.map { $0 ? "yes" : "no" } ?? "undecided")</td><td>\(escape(c.detail))</td></tr>\n"
    }
    return h + "</table>\n"
  }

  static func table(_ t: TableResult) -> String {
    let (methods, columns) = t.methodsAndColumns
    var h = "<section class=\"table\" data-table=\"\(escape(t.paper))/\(escape(t.target))\">\n<h3>\(escape(t.paper)) \(escape(t.target)): \(escape(t.title))</h3>\n"
    h += provenance(scale: t.scale, seeds: t.seeds, commit: t.commit, dirty: t.dirty, date: t.date, machine: t.machine, wallSeconds: t.wallSeconds, runs: t.runs.count)
    h += "<table class=\"result\"><tr><th>method</th>" + columns.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
    for m in methods {
      h += "<tr><th>\(escape(m))</th>"
      for c in columns {
        guard let r = t.rows.first(where: { $0.method == m && $0.column == c }) else { h += "<td></td>"; continue }
        var cell = r.reproduced.map { s in s.n > 1 ? "\(TableResult.format(s.mean)) ± \(TableResult.format(s.std)) <small>(n = \(s.n))</small>" : TableResult.format(s.mean) }
          ?? "<span class=\"verdict\">\(escape(r.verdict))</span>"
        if let ref = r.reference { cell += "<br><span class=\"ref\">paper \(TableResult.printed(ref.value))\(ref.std.map { " ± \(TableResult.printed($0))" } ?? "")</span>" }
        if let o = r.official { cell += "<br><span class=\"ref\">official code \(TableResult.printed(o.value))</span>" }
        if r.reproduced != nil { cell += "<br><span class=\"verdict\">\(escape(r.verdict))</span>" }
        if let n = r.note { cell += "<br><small>\(escape(n))</small>" }
        h += "<td class=\"\(verdictClass(r.verdict))\">\(cell)</td>"
      }
      h += "</tr>\n"
    }
    h += "</table>\n"
    let sources = Set(t.rows.compactMap { $0.reference?.source }).sorted()
    h += "<p class=\"note\">Paper values: \(sources.isEmpty ? "none available to this suite" : escape(sources.joined(separator: "; "))). Verdict rule: \(escape(t.verdictRule)).</p>\n"
    h += checks(t.checks)
    for n in t.notes { h += "<p class=\"note\">\(escape(n))</p>\n" }
    return h + "</section>\n"
  }

  static func figure(_ f: FigureRecord) -> String {
    let dir = "../Figures/\(f.paper)/"
    let png = f.files.first { $0.hasSuffix(".png") }
    var h = "<section class=\"figure\" data-figure=\"\(escape(f.paper))/\(escape(f.figure))\">\n<h3>\(escape(f.paper)) figure \(escape(f.figure)): \(escape(f.title))</h3>\n"
    h += provenance(scale: f.scale, seeds: f.seeds, commit: f.commit, dirty: f.dirty, date: f.date, machine: f.machine, wallSeconds: f.wallSeconds, runs: f.runs.count)
    if let png { h += "<figure><img src=\"\(escape(dir + png))\" alt=\"\(escape(f.title))\"><figcaption>\(escape(f.title))</figcaption></figure>\n" }
    else { h += "<p class=\"problem\">no PNG listed in this figure's result file</p>\n" }
    h += "<p class=\"files\">Files: " + f.files.filter { !$0.hasSuffix(".png") }.map { "<a href=\"\(escape(dir + $0))\">\(escape($0))</a>" }.joined(separator: " · ") + "</p>\n"
    return h + checks(f.checks) + "</section>\n"
  }

  static func summary(_ tables: [TableResult], _ figures: [FigureRecord]) -> String {
    struct Key: Hashable, Comparable {
      var paper: String, scale: Scale
      static func < (a: Key, b: Key) -> Bool { (a.paper, a.scale) < (b.paper, b.scale) }
    }
    var keys = Set(tables.map { Key(paper: $0.paper, scale: $0.scale) })
    keys.formUnion(figures.map { Key(paper: $0.paper, scale: $0.scale) })
    var h = "<table class=\"summary\"><tr><th>paper</th><th>scale</th><th>tables</th><th>cells reproduced</th><th>within band (or seed range)</th><th>outside</th><th>no reference</th><th>figures</th><th>checks holding</th><th>failing</th><th>undecided</th></tr>\n"
    for k in keys.sorted() {
      let ts = tables.filter { $0.paper == k.paper && $0.scale == k.scale }, fs = figures.filter { $0.paper == k.paper && $0.scale == k.scale }
      let cells = ts.flatMap(\.rows), all = ts.flatMap(\.checks) + fs.flatMap(\.checks)
      func count(_ v: String) -> Int { cells.filter { verdictClass($0.verdict) == verdictClass(v) }.count }   // seed-range verdicts count as within/outside
      h += "<tr><td><a href=\"#\(escape(k.paper))\">\(escape(k.paper))</a></td><td><span class=\"scale \(k.scale.rawValue)\">\(k.scale.rawValue)</span></td><td>\(ts.count)</td>"
      func td(_ n: Int, _ cls: String) -> String { n > 0 ? "<td class=\"\(cls)\">\(n)</td>" : "<td>0</td>" }
      h += "<td>\(cells.filter { $0.reproduced != nil }.count) of \(cells.count)</td>" + td(count("within band"), "within") + td(count("outside band"), "outside")
      h += td(count("no reference"), "noref") + "<td>\(fs.count)</td>" + td(all.filter { $0.holds == true }.count, "holds")
      h += td(all.filter { $0.holds == false }.count, "fails") + td(all.filter { $0.holds == nil }.count, "undecided") + "</tr>\n"
    }
    return h + "</table>\n"
  }

  static let style = """
    body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1400px; padding: 0 1em; color: #222; }
    table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
    th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; vertical-align: top; text-align: left; }
    td.within { background: #e3f5e1; } td.outside { background: #fbe0de; } td.noref { background: #eef2f8; }
    td.notrun { background: repeating-linear-gradient(45deg, #f4f4f4, #f4f4f4 6px, #e9e9e9 6px, #e9e9e9 12px); color: #666; }
    td.diverged { background: #fdebd0; }
    tr.holds td:nth-child(2), td.holds { color: #176b12; font-weight: bold; }
    tr.fails td:nth-child(2), td.fails { color: #b3160b; font-weight: bold; }
    tr.undecided td:nth-child(2), td.undecided { color: #777; }
    .ref { color: #555; } .verdict { font-style: italic; font-size: 0.85em; }
    .prov { color: #555; font-size: 0.85em; } .note { font-size: 0.85em; color: #444; }
    .scale { border-radius: 3px; padding: 0 0.4em; color: white; font-size: 0.85em; }
    .scale.smoke { background: #999; } .scale.quick { background: #d98b00; } .scale.full { background: #1f6fb2; }
    .problem { border: 2px solid #b3160b; background: #fbe0de; padding: 0.5em; }
    img { max-width: 100%; border: 1px solid #ddd; } section { margin-bottom: 2em; }
    """

  /// The page's one script: marks every image loaded or not, and records uncaught errors, on the body.
  static let script = """
    window.reportErrors = 0;
    window.addEventListener('error', function (e) { if (e instanceof ErrorEvent) window.reportErrors += 1; }, true);   // script errors (a missing image counts in data-images-loaded)
    window.addEventListener('load', function () {
      var images = document.querySelectorAll('img'), loaded = 0;
      images.forEach(function (i) { var ok = i.complete && i.naturalWidth > 0; i.setAttribute('data-loaded', ok ? 'yes' : 'no'); if (ok) loaded += 1; });
      document.body.setAttribute('data-images', String(images.length));
      document.body.setAttribute('data-images-loaded', String(loaded));
      document.body.setAttribute('data-errors', String(window.reportErrors));
    });
    """

  static func page(tables: [TableResult], figures: [FigureRecord], problems: [Problem]) -> String {
    var h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Biologically plausible credit assignment, reproduced</title>\n"
    h += "<style>\(style)</style>\n<script>\(script)</script></head>\n<body>\n"
    h += "<h1>Biologically plausible credit assignment, reproduced</h1>\n"
    h += "<p>Every table and figure result file of this suite, with the paper's reference beside the reproduced value. "
    h += "Cells: <span class=\"legend within\">within band</span>, <span class=\"legend outside\">outside band</span>, "
    h += "no reference (the paper's number is unknown), not run (hatched). Scales: smoke (CI), quick (minutes, not comparable), full (the paper's protocol).</p>\n"
    for p in problems { h += "<div class=\"problem\"><b>Skipped \(escape(p.file))</b>: \(escape(p.message))</div>\n" }
    h += "<h2>Summary</h2>\n" + summary(tables, figures)
    let papers = Set(tables.map(\.paper) + figures.map(\.paper)).sorted()
    for paper in papers {
      h += "<h2 id=\"\(escape(paper))\">\(escape(paper))</h2>\n"
      for t in tables.filter({ $0.paper == paper }).sorted(by: { ($0.target, $0.scale) < ($1.target, $1.scale) }) { h += table(t) }
      for f in figures.filter({ $0.paper == paper }).sorted(by: { ($0.figure, $0.scale) < ($1.figure, $1.scale) }) { h += figure(f) }
    }
    return h + "</body></html>\n"
  }

  // MARK: the browser check

  public struct BrowserCheck: Sendable {
    public var images: Int, imagesLoaded: Int, errors: Int
    public var tableSections: Int, figureSections: Int
    public var screenshot: URL
  }

  /// Renders `page` in headless Chromium: the DOM after load (images marked by the page's script) and a
  /// screenshot. Throws when no Chromium is installed (Debian: `chromium`) or it fails.
  public static func checkInBrowser(_ page: URL, screenshot: URL) throws -> BrowserCheck {
    guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw ReportError("no headless browser: install Debian's chromium (apt-get install chromium)")
    }
    let common = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--virtual-time-budget=5000"]
    func run(_ arguments: [String]) throws -> String {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: chromium)
      p.arguments = common + arguments
      let out = Pipe()
      p.standardOutput = out
      p.standardError = FileHandle.nullDevice
      try p.run()
      let data = out.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      guard p.terminationStatus == 0 else { throw ReportError("\(chromium) exited with \(p.terminationStatus)") }
      return String(decoding: data, as: UTF8.self)
    }
    let dom = try run(["--dump-dom", page.absoluteString])
    _ = try run(["--screenshot=\(screenshot.path)", "--window-size=1400,3000", page.absoluteString])
    func attribute(_ name: String) -> Int? {
      guard let r = dom.range(of: "\(name)=\"") else { return nil }
      return Int(dom[r.upperBound...].prefix { $0 != "\"" })
    }
    guard let images = attribute("data-images"), let loaded = attribute("data-images-loaded"), let errors = attribute("data-errors") else {
      throw ReportError("the page's load script did not run in \(chromium)")
    }
    func count(_ s: String) -> Int { dom.components(separatedBy: s).count - 1 }
    return BrowserCheck(images: images, imagesLoaded: loaded, errors: errors, tableSections: count("data-table=\""),
                        figureSections: count("data-figure=\""), screenshot: screenshot)
  }
}

public struct ReportError: Error, CustomStringConvertible {
  public let description: String
  public init(_ d: String) { description = d }
}
