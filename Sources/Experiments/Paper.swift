import Datasets
import Foundation

/// What a table or figure run is given.
public struct ArtefactContext: Sendable {
  public var scale: Scale
  public var seedCount: Int?          // --seeds K (nil: the target's default)
  public var outputRoot: URL          // Figures/ and Results/ are written under it
  public var packageRoot: URL
  public var data: DataLocations
  public var json: Bool
  /// Paper-specific flags (e.g. `--depth` of LRA-E's Figure 1).
  public var options: [String: String]
  public init(scale: Scale, seedCount: Int?, outputRoot: URL, packageRoot: URL, data: DataLocations, json: Bool,
              options: [String: String] = [:]) {
    self.scale = scale; self.seedCount = seedCount; self.outputRoot = outputRoot; self.packageRoot = packageRoot
    self.data = data; self.json = json; self.options = options
  }
}

extension ArtefactContext {
  /// A result file's name: `base` at the artefact's default scale, `base-<scale>` otherwise, so that the quick- and
  /// full-scale files of one table or figure sit side by side (GAIT-prop, DFC).
  public func fileName(_ base: String, defaultScale: Scale = .quick) -> String {
    scale == defaultScale ? base : "\(base)-\(scale.rawValue)"
  }
}

/// A table or figure of a paper: its id on the command line, what it shows, what it costs at each scale,
/// and the function that produces it (nil: not yet implemented).
public struct Artefact: Sendable {
  public enum Kind: String, Sendable { case table, figure }
  public var kind: Kind
  public var id: String
  public var aliases: [String]
  public var title: String
  public var cost: [Scale: String]
  public var defaultScale: Scale
  public var run: (@Sendable (ArtefactContext) throws -> [URL])?

  public init(_ kind: Kind, _ id: String, aliases: [String] = [], title: String, cost: [Scale: String] = [:],
              defaultScale: Scale = .quick, run: (@Sendable (ArtefactContext) throws -> [URL])? = nil) {
    self.kind = kind; self.id = id; self.aliases = aliases; self.title = title; self.cost = cost
    self.defaultScale = defaultScale; self.run = run
  }

  public var isImplemented: Bool { run != nil }
  public func matches(_ s: String) -> Bool {
    let k = s.lowercased()
    return id.lowercased() == k || aliases.contains { $0.lowercased() == k }
  }
}

/// A paper: one folder under Reproductions/, one value here.
public struct Paper: Sendable {
  public var id: String
  public var aliases: [String]
  public var title: String
  public var spec: String              // the specification it follows
  public var artefacts: [Artefact]
  public init(id: String, aliases: [String] = [], title: String, spec: String, artefacts: [Artefact]) {
    self.id = id; self.aliases = aliases; self.title = title; self.spec = spec; self.artefacts = artefacts
  }
  public var tables: [Artefact] { artefacts.filter { $0.kind == .table } }
  public var figures: [Artefact] { artefacts.filter { $0.kind == .figure } }
}

/// Said when a listed artefact has no implementation yet.
public struct NotYetImplemented: Error, CustomStringConvertible {
  public let paper: String, artefact: String
  public init(paper: String, artefact: String) { self.paper = paper; self.artefact = artefact }
  public var description: String {
    "\(paper) \(artefact): not yet implemented. `reproduce list` shows what exists; its spec is in shared/papers/."
  }
}
