import Experiments

/// A command-line error: one sentence, with the valid choices where there are some. Exit status 2.
public struct UsageError: Error, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message + "\nRun `reproduce --help` for usage." }
}

/// Parsed `--flag value` pairs and bare words, checked against the flags a command declares (`Flags`).
public struct Options: Sendable {
  public var values: [String: String] = [:]      // the flags given, as given
  public var switches: Set<String> = []
  public var words: [String] = []
  let declared: [String: Flag]

  init(_ args: [String], flags: [Flag]) throws {
    declared = Dictionary(flags.map { ($0.name, $0) }) { a, _ in a }
    let valued = Set(flags.filter { $0.value != nil }.map(\.name)), allowed = Set(flags.filter { $0.value == nil }.map(\.name))
    var i = 0
    while i < args.count {
      let a = args[i]
      if a.hasPrefix("--") {
        var name = String(a.dropFirst(2)), inline: String? = nil
        if let eq = name.firstIndex(of: "=") { inline = String(name[name.index(after: eq)...]); name = String(name[..<eq]) }
        if valued.contains(name) {
          if let inline { values[name] = inline }
          else {
            guard i + 1 < args.count else { throw UsageError("--\(name) needs a value") }
            values[name] = args[i + 1]; i += 1
          }
        } else if allowed.contains(name) {
          switches.insert(name)
        } else {
          let all = (valued.union(allowed)).sorted().map { "--\($0)" }
          let hint = Options.closest(name, in: valued.union(allowed)).map { " Did you mean --\($0)?" } ?? ""
          throw UsageError("unknown flag --\(name).\(hint) Valid flags here: \(all.joined(separator: " "))")
        }
      } else {
        words.append(a)
      }
      i += 1
    }
  }

  /// The flag's value, or its declared default.
  public func string(_ name: String) -> String? { values[name] ?? declared[name]?.defaultValue }

  public func int(_ name: String) throws -> Int? {
    guard let v = string(name) else { return nil }
    guard let n = Int(v), n >= 0 else { throw UsageError("--\(name) expects a non-negative integer, got '\(v)'") }
    return n
  }
  /// `--seeds K`: seeds 1…K; K = 0 is an error, not a silent single seed or an empty table.
  public func seedCount() throws -> Int? {
    guard let k = try int("seeds") else { return nil }
    guard k > 0 else { throw UsageError("--seeds 0: give the number of seeds, 1 or more (seeds 1…K are run)") }
    return k
  }
  /// `--seeds K` as the seeds run, 1…K (nil without the flag).
  public func seeds() throws -> [UInt64]? { try seedCount().map { Array(1...UInt64($0)) } }
  /// The flag's value (or default) as one of an enum's cases, named by their raw values.
  public func choice<E: RawRepresentable & CaseIterable>(_ name: String, _: E.Type) throws -> E? where E.RawValue == String {
    guard let v = string(name) else { return nil }
    guard let e = E(rawValue: v) else {
      throw UsageError("unknown --\(name) '\(v)'; valid: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return e
  }
  public func double(_ name: String) throws -> Double? {
    guard let v = string(name) else { return nil }
    guard let x = Double(v), x.isFinite else { throw UsageError("--\(name) expects a number, got '\(v)'") }
    return x
  }

  /// The nearest name by edit distance, if close enough to be a typo.
  public static func closest(_ s: String, in names: Set<String>) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
      var row = Array(0...b.count)
      for i in 1...max(a.count, 1) where !a.isEmpty {
        var prev = row[0]; row[0] = i
        for j in 1...max(b.count, 1) where !b.isEmpty {
          let cur = row[j]
          row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
          prev = cur
        }
      }
      return row[b.count]
    }
    let best = names.map { ($0, distance(Array(s), Array($0))) }.min { $0.1 < $1.1 }
    return best.flatMap { $0.1 <= 2 ? $0.0 : nil }
  }
}

public enum ArtefactSelection: Equatable, Sendable { case table(String), figure(String), all }

/// What the user asked for.
public enum Invocation {
  case help(String?)
  case list
  case paper(Paper, ArtefactSelection, Options)
  case train(Options)
  case bench(Options)
  case data(String, Options)
  case smoke(Options)
  case report(Options)
  case cell(String, Options)
  case status(String)
}

public enum CommandLineSpec {
  public static let papers: [Paper] = [PaperRegistry.lra, PaperRegistry.bioflax, PaperRegistry.gait,
                                       PaperRegistry.align, PaperRegistry.dfc, PaperRegistry.league]

  public static func parse(_ args: [String]) throws -> Invocation {
    guard let first = args.first else { return .help(nil) }
    let rest = Array(args.dropFirst())
    if ["-h", "--help", "help"].contains(first) { return .help(rest.first) }
    if rest.contains("--help") || rest.contains("-h") { return .help(first) }
    switch first {
    case "list": _ = try Options(rest, flags: []); return .list
    case "status":
      let o = try Options(rest, flags: [])
      guard o.words.count == 1 else { throw UsageError("`reproduce status DIR` follows the sweep that --slurm DIR wrote") }
      return .status(o.words[0])
    case "train": return .train(try Options(rest, flags: Flags.train))
    case "smoke": return .smoke(try Options(rest, flags: Flags.smoke))
    case "report": return .report(try Options(rest, flags: Flags.report))
    case "bench": return .bench(try Options(rest, flags: Flags.bench))
    case "data":
      let o = try Options(rest, flags: Flags.data)
      guard let verb = o.words.first, ["fetch", "verify"].contains(verb) else {
        throw UsageError("`reproduce data` needs fetch or verify, e.g. `reproduce data fetch`")
      }
      return .data(verb, o)
    case "cell":
      let o = try Options(rest, flags: Flags.cell)
      guard o.words.count == 1 else { throw UsageError("`reproduce cell` runs one cell file: reproduce cell DIR/cells/<cell>.json (written by --slurm DIR)") }
      return .cell(o.words[0], o)
    default:
      guard let paper = papers.first(where: { $0.id == first.lowercased() || $0.aliases.contains(first.lowercased()) }) else {
        let names = papers.map(\.id) + ["list", "train", "bench", "data", "smoke", "report", "cell", "status"]
        let hint = Options.closest(first.lowercased(), in: Set(names)).map { " Did you mean \($0)?" } ?? ""
        throw UsageError("unknown paper or command '\(first)'.\(hint) Valid: \(names.joined(separator: ", "))")
      }
      let o = try Options(rest, flags: Flags.paper)
      if let w = o.words.first { throw UsageError("unexpected argument '\(w)'; use --table N, --figure ID or --all") }
      let selection: ArtefactSelection
      switch (o.values["table"], o.values["figure"], o.switches.contains("all")) {
      case (let t?, nil, false):
        guard paper.tables.contains(where: { $0.matches(t) }) else {
          throw UsageError("\(paper.id) has no table '\(t)'; valid tables: \(paper.tables.map(\.id).joined(separator: ", "))")
        }
        selection = .table(t)
      case (nil, let f?, false):
        guard paper.figures.contains(where: { $0.matches(f) }) else {
          throw UsageError("\(paper.id) has no figure '\(f)'; valid figures: \(paper.figures.map(\.id).joined(separator: ", "))")
        }
        selection = .figure(f)
      case (nil, nil, true): selection = .all
      case (nil, nil, false) where paper.allByDefault: selection = .all   // `reproduce league`
      default: throw UsageError("give exactly one of --table N, --figure ID or --all for \(paper.id)")
      }
      if let s = o.values["scale"], Scale(rawValue: s) == nil {
        throw UsageError("unknown scale '\(s)'; valid scales: smoke, quick, full")
      }
      return .paper(paper, selection, o)
    }
  }
}
