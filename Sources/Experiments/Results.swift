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

  /// The suite's default verdict rule, stated in every table file (`verdictRule`): with a reference std,
  /// "within band" if |mean − ref| ≤ 2·max(ref std, reproduced std), else "outside band"; without a std,
  /// "within band" if |mean − ref| ≤ `tolerance`; "no reference" if the paper's number is unknown; "not run".
  public init(method: String, column: String, reference: Reference?, values: [Double]?, tolerance: Double, note: String? = nil) {
    self.method = method; self.column = column; self.reference = reference; self.note = note
    reproduced = values.map(Summary.init)
    guard let r = reproduced, r.n > 0 else { verdict = "not run"; return }
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

  /// The table as a person reads it: reference beside reproduced, scale in the heading.
  public var markdown: String {
    func fmt(_ v: Double?, _ s: Double?) -> String {
      guard let v else { return "—" }
      return s.map { String(format: "%.2f ± %.2f", v, $0) } ?? String(format: "%.2f", v)
    }
    var md = "# \(paper) \(target): \(title) — scale: \(scale.rawValue)\n\n"
    md += "Commit \(commit.prefix(12))\(dirty ? " (dirty)" : ""), seeds \(seeds.map(String.init).joined(separator: ", ")), "
    md += "wall time \(Progress.format(seconds: wallSeconds)), \(machine), \(date). Values in \(unit).\n\n"
    md += "| method | column | paper | source | reproduced (mean ± std, n) | verdict |\n|---|---|---|---|---|---|\n"
    for r in rows {
      let repro = r.reproduced.map { "\(fmt($0.mean, $0.std)) (n=\($0.n))" } ?? "not run"
      md += "| \(r.method) | \(r.column) | \(r.reference.map { fmt($0.value, $0.std) } ?? "unknown") | \(r.reference?.source ?? "—") | \(repro)\(r.note.map { " — \($0)" } ?? "") | \(r.verdict) |\n"
    }
    md += "\nVerdict rule: \(verdictRule) (tolerance \(tolerance) \(unit)).\n"
    if !checks.isEmpty {
      md += "\n## Checks (computed from the numbers above)\n\n| check | holds | detail |\n|---|---|---|\n"
      for c in checks { md += "| \(c.name) | \(c.holds.map { $0 ? "yes" : "no" } ?? "undecided") | \(c.detail) |\n" }
    }
    for n in notes { md += "\n\(n)\n" }
    return md
  }

  /// Writes `Results/<paper>/<target>.json` and `.md` under `root`, atomically.
  public func write(root: URL) throws -> [URL] {
    let dir = root.appendingPathComponent("Results").appendingPathComponent(paper)
    let json = dir.appendingPathComponent("\(target).json"), md = dir.appendingPathComponent("\(target).md")
    try writeAtomically(try canonicalJSON(self), to: json)
    try writeAtomically(markdown, to: md)
    return [json, md]
  }
}

/// A figure's provenance file (`<name>.json` beside the CSV, script and PNG).
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
  public var runs: [RunRecord]
  public init(paper: String, figure: String, title: String, scale: Scale, provenance: Provenance, seeds: [UInt64],
              wallSeconds: Double, checks: [Check], files: [String], runs: [RunRecord]) {
    self.paper = paper; self.figure = figure; self.title = title; self.scale = scale
    commit = provenance.commit; dirty = provenance.dirty; machine = provenance.machine; date = provenance.date
    self.seeds = seeds; self.wallSeconds = wallSeconds; self.checks = checks; self.files = files; self.runs = runs
  }
}
