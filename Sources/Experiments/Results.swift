import Foundation

/// A paper's number with where it is printed. Never typed from memory: each comes from the spec.
public struct Reference: Sendable, Codable, Equatable {
  public var value: Double
  public var std: Double?
  public var source: String
  public init(value: Double, std: Double? = nil, source: String) { self.value = value; self.std = std; self.source = source }
}

/// A qualitative claim of the paper, checked on the reproduced numbers: holds, fails, or cannot be decided (nil).
public struct Check: Sendable, Codable, Equatable {
  public var name: String
  public var holds: Bool?
  public var detail: String
  public init(name: String, holds: Bool?, detail: String) { self.name = name; self.holds = holds; self.detail = detail }
}

/// One cell of a table: method × column, the reference beside the reproduced summary, and the verdict
/// computed by the table's stated rule.
public struct TableRow: Sendable, Codable, Equatable {
  public var method: String
  public var column: String
  public var reference: Reference?
  public var reproduced: Summary?          // nil: not run (the note says why)
  public var verdict: String
  public var note: String?
  /// The paper's own code run by the spec's authors (not the paper's printed number): shown in its own place,
  /// never as the paper's value.
  public var official: Reference? = nil

  /// The suite's default verdict rule, stated in every table file (`verdictRule`): with a reference std,
  /// "within band" if |mean − ref| ≤ 2·max(ref std, reproduced std), else "outside band"; without a std,
  /// "within band" if |mean − ref| ≤ `tolerance`; "no reference" if the paper's number is unknown; "not run".
  /// `diverged`: how many of the seeds stopped on a non-finite loss (their values are not in `values`).
  public init(method: String, column: String, reference: Reference?, values: [Double]?, tolerance: Double,
              diverged: Int = 0, note: String? = nil) {
    self.method = method; self.column = column; self.reference = reference
    self.note = diverged > 0 ? "\(diverged) of \(diverged + (values?.count ?? 0)) seeds diverged" + (note.map { "; \($0)" } ?? "") : note
    reproduced = values.flatMap { $0.isEmpty ? nil : Summary($0) }
    guard let r = reproduced, r.n > 0 else { verdict = diverged > 0 ? "diverged" : "not run"; return }
    guard let ref = reference else { verdict = "no reference"; return }
    let band = ref.std.map { 2 * max($0, r.std) } ?? tolerance
    verdict = abs(r.mean - ref.value) <= band ? "within band" : "outside band"
  }
  public static let verdictRule = "with a reference std: within band iff |mean − reference| ≤ 2·max(reference std, reproduced std); without: iff |mean − reference| ≤ the table's tolerance; 'no reference' where the paper's number is unknown"
}

/// A table's result file: provenance, rows, checks.
public struct TableResult: Sendable, Codable {
  public var paper: String
  public var target: String
  public var title: String
  public var scale: Scale
  public var commit: String
  public var dirty: Bool
  public var seeds: [UInt64]
  public var wallSeconds: Double
  public var machine: String
  public var date: String
  public var unit: String
  public var verdictRule: String
  public var tolerance: Double
  public var rows: [TableRow]
  public var checks: [Check]
  public var notes: [String]
  public var runs: [RunRecord]

  public init(paper: String, target: String, title: String, scale: Scale, provenance: Provenance, seeds: [UInt64],
              wallSeconds: Double, unit: String, tolerance: Double, rows: [TableRow], checks: [Check], notes: [String], runs: [RunRecord]) {
    self.paper = paper; self.target = target; self.title = title; self.scale = scale
    commit = provenance.commit; dirty = provenance.dirty; machine = provenance.machine; date = provenance.date
    self.seeds = seeds; self.wallSeconds = wallSeconds; self.unit = unit; verdictRule = TableRow.verdictRule
    self.tolerance = tolerance; self.rows = rows; self.checks = checks; self.notes = notes; self.runs = runs
  }

  /// The table as a person reads it: one row per method, one column per quantity, each cell the reproduced
  /// mean ± std (n) with the paper's value beside it where there is one; scale in the heading.
  /// A reproduced number for reading: integers as integers, otherwise 3–4 significant digits.
  public static func format(_ v: Double) -> String {
    if !v.isFinite { return "\(v)" }
    if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }   // counts and epochs
    if abs(v) >= 1000 || abs(v) < 0.01 { return String(format: "%.3g", v) }
    return abs(v) >= 1 ? String(format: "%.2f", v) : String(format: "%.4f", v)
  }
  /// A paper's number as the paper printed it (shortest exact decimal: 0.91, not 0.9100).
  public static func printed(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)" }

  /// Methods and columns in their order of first appearance.
  public var methodsAndColumns: (methods: [String], columns: [String]) {
    var methods: [String] = [], columns: [String] = []
    for r in rows {
      if !methods.contains(r.method) { methods.append(r.method) }
      if !columns.contains(r.column) { columns.append(r.column) }
    }
    return (methods, columns)
  }

  public var markdown: String {
    let fmt = TableResult.format, printed = TableResult.printed
    func cell(_ r: TableRow, first: Bool) -> String {
      var c = r.reproduced.map { $0.n > 1 ? "\(fmt($0.mean)) ± \(fmt($0.std))" : fmt($0.mean) } ?? r.verdict
      if let ref = r.reference { c += " (paper \(printed(ref.value))\(ref.std.map { " ± \(printed($0))" } ?? ""); \(r.verdict))" }
      if let o = r.official { c += " (official code: \(printed(o.value))\(r.reference == nil && r.verdict != "no reference" ? "; \(r.verdict)" : ""))" }
      if first, let n = r.note { c += " [\(n)]" }
      return c
    }
    var md = "# \(paper) \(target): \(title) — scale: \(scale.rawValue)\n\n"
    md += "Commit \(commit.prefix(12))\(dirty ? " (dirty)" : ""), "
    md += seeds.isEmpty ? "no seeds (no runs), " : "\(seeds.count == 1 ? "seed" : "seeds") \(seeds.map(String.init).joined(separator: ", ")), "
    md += "\(machine), \(date).\n"
    let runCommits = Set(runs.compactMap { $0.commit.map { String($0.prefix(12)) } })
    let training = runs.map(\.wallSeconds).reduce(0, +)
    if runs.isEmpty {
      md += "Wall time \(Progress.format(seconds: wallSeconds)).\n"
    } else {
      md += "Runs: \(runs.count), trained at commit \(runCommits.isEmpty ? "unknown" : runCommits.sorted().joined(separator: ", "))"
      md += runs.contains { $0.dirty ?? true } ? " (some from uncommitted code)" : ""
      md += "; \(runs.filter(\.resumed).count) resumed from a checkpoint. Training took \(Progress.format(seconds: training)) in all "
      md += "(each run's own wall clock); this table took \(Progress.format(seconds: wallSeconds))"
      md += wallSeconds < 0.5 * training ? ", reading runs from the run cache.\n" : ".\n"
    }
    md += "\n"
    let (methods, columns) = methodsAndColumns
    md += "| method | " + columns.joined(separator: " | ") + " |\n|---|" + columns.map { _ in "---" }.joined(separator: "|") + "|\n"
    for m in methods {
      // A row whose cells all share one note shows it once, in its first cell; otherwise every cell shows its own note,
      // so that a one-seed cell beside another one-seed cell still says so.
      let cells = columns.map { c in rows.first { $0.method == m && $0.column == c } }
      let shared = cells.allSatisfy { $0 != nil && $0?.note == cells.first??.note }
      md += "| \(m) | " + cells.enumerated().map { k, row in
        row.map { cell($0, first: k == 0 || !shared) } ?? ""
      }.joined(separator: " | ") + " |\n"
    }
    let references = Set(rows.compactMap { $0.reference?.source })
    let officials = Set(rows.compactMap { $0.official?.source })
    md += "\nPaper values: " + (references.isEmpty ? "none available to this suite (every verdict is \"no reference\")." : references.sorted().joined(separator: "; ") + ".")
    if !officials.isEmpty { md += " Official-code values: " + officials.sorted().joined(separator: "; ") + "." }
    let tolerant = rows.contains { $0.reference != nil && $0.reference?.std == nil }
    md += " Verdict rule: \(verdictRule)" + (tolerant ? " (tolerance \(tolerance) \(unit)).\n" : ".\n")
    if !checks.isEmpty {
      md += "\n## Checks (computed from the numbers above)\n\n| check | holds | detail |\n|---|---|---|\n"
      for c in checks { md += "| \(c.name) | \(c.holds.map { $0 ? "yes" : "no" } ?? "undecided") | \(c.detail) |\n" }
    }
    for n in notes { md += "\n\(n)\n" }
    return md
  }

  /// Writes the files and prints the table on stdout (one JSON object with --json).
  public func publish(_ context: ArtefactContext) throws -> [URL] {
    try context.checkFileName(target)
    let urls = try write(root: context.outputRoot)
    try show(context)
    return urls
  }

  /// Prints the table on stdout: its JSON under `--json`, else its markdown.
  public func show(_ context: ArtefactContext) throws { print(context.json ? try canonicalJSON(self) : markdown) }

  /// Writes `Results/<paper>/<target>.json` and `.md` under `root`, atomically.
  public func write(root: URL) throws -> [URL] {
    let dir = root.appendingPathComponent("Results").appendingPathComponent(paper)
    let json = dir.appendingPathComponent("\(target).json"), md = dir.appendingPathComponent("\(target).md")
    try writeAtomically(try canonicalJSON(self), to: json)
    try writeAtomically(markdown, to: md)
    return [json, md]
  }
}

/// Which run a figure drew on: enough to find its full record in `Results/<paper>/runs/` and to judge its provenance.
public struct RunSummary: Sendable, Codable {
  public var experiment: String, key: String, seed: UInt64, rule: String
  public var commit: String?, dirty: Bool?, resumed: Bool, diverged: Divergence?
  public var wallSeconds: Double, dataChecksum: String
  public init(_ r: RunRecord) {
    experiment = r.experiment; key = r.key; seed = r.seed; rule = r.rule; commit = r.commit; dirty = r.dirty
    resumed = r.resumed; diverged = r.diverged; wallSeconds = r.wallSeconds; dataChecksum = r.dataChecksum
  }
}

/// A figure's provenance file (`<name>.json` beside the CSV, script and PNG). The runs are summarised; their full
/// records are the run cache's (`Results/<paper>/runs/`), and the figure's numbers are in its CSV.
public struct FigureRecord: Sendable, Codable {
  public var paper: String
  public var figure: String
  public var title: String
  public var scale: Scale
  public var commit: String
  public var dirty: Bool
  public var seeds: [UInt64]
  public var wallSeconds: Double
  public var machine: String
  public var date: String
  public var checks: [Check]
  public var files: [String]
  public var runs: [RunSummary]
  public init(paper: String, figure: String, title: String, scale: Scale, provenance: Provenance, seeds: [UInt64],
              wallSeconds: Double, checks: [Check], files: [String], runs: [RunRecord]) {
    self.paper = paper; self.figure = figure; self.title = title; self.scale = scale
    commit = provenance.commit; dirty = provenance.dirty; machine = provenance.machine; date = provenance.date
    self.seeds = seeds; self.wallSeconds = wallSeconds; self.checks = checks; self.files = files; self.runs = runs.map(RunSummary.init)
  }
}
