import Datasets
import Foundation

/// The configuration of one training run, its seed excluded. Each family of networks and rules is one
/// conformance: the layered networks (`Experiment`), GAIT-prop's invertible networks (`InvertibleExperiment`)
/// and DFC's controlled networks (`DFCExperiment`). A new family is a new conformance and one line in
/// `RunFamilies.all`; the cell, its record, checkpoint, cache, worker and Slurm paths are shared.
public protocol RunConfiguration: Sendable, Codable {
  /// The family's name in a cell file (read only to decode the file; nothing else dispatches on it).
  static var family: String { get }
  var name: String { get }
  /// A hash of the configuration, seeds excluded: two runs with the same name, key and seed are the same run.
  var key: String { get }
  /// Trains the run (resuming from `options.checkpointDirectory` when a checkpoint is there).
  func run(seed: UInt64, data: DataLocations, options: RunOptions) throws -> RunRecord
}

/// Every family a cell file can hold.
public enum RunFamilies {
  public static let all: [any RunConfiguration.Type] = [Experiment.self, InvertibleExperiment.self, DFCExperiment.self, AddTaskExperiment.self, ConvExperiment.self, LeNetExperiment.self]
}

extension Experiment: RunConfiguration {
  public static let family = "layered"
  public func run(seed: UInt64, data: DataLocations, options: RunOptions) throws -> RunRecord {
    try Runner.run(self, seed: seed, data: data, options: options)
  }
}

extension InvertibleExperiment: RunConfiguration {
  public static let family = "invertible"
  public func run(seed: UInt64, data: DataLocations, options: RunOptions) throws -> RunRecord {
    try InvertibleRunner.run(self, seed: seed, data: data, options: options)
  }
}

extension DFCExperiment: RunConfiguration {
  public static let family = "controlled"
  public func run(seed: UInt64, data: DataLocations, options: RunOptions) throws -> RunRecord {
    try DFCRunner.run(self, seed: seed, data: data, options: options)
  }
}

/// One training run, named completely: its configuration (family, name, key) and seed; `CellRequest` adds the
/// paper and scale that asked for it and where it runs. `id` names its run-cache record and its
/// checkpoint; tables and figures are assembled from the records of their cells.
public struct Cell: Sendable, Codable {
  public var configuration: any RunConfiguration
  public var seed: UInt64

  public init(_ configuration: any RunConfiguration, seed: UInt64) { self.configuration = configuration; self.seed = seed }

  public var name: String { configuration.name }
  public var key: String { configuration.key }
  public var family: String { type(of: configuration).family }
  /// `<name>-seed<seed>-<key>`: the run-cache file's name without `.json`.
  public var id: String { "\(name)-seed\(seed)-\(key)" }

  public func run(data: DataLocations, options: RunOptions) throws -> RunRecord {
    try configuration.run(seed: seed, data: data, options: options)
  }

  enum CodingKeys: String, CodingKey { case family, seed, configuration }
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(family, forKey: .family)
    try c.encode(seed, forKey: .seed)
    try c.encode(configuration, forKey: .configuration)
  }
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let family = try c.decode(String.self, forKey: .family)
    guard let type = RunFamilies.all.first(where: { $0.family == family }) else {
      throw DecodingError.dataCorruptedError(forKey: .family, in: c, debugDescription:
        "unknown run family '\(family)'; this build knows \(RunFamilies.all.map { $0.family }.joined(separator: ", "))")
    }
    func decode<C: RunConfiguration>(_: C.Type) throws -> any RunConfiguration { try c.decode(C.self, forKey: .configuration) }
    configuration = try decode(type)
    seed = try c.decode(UInt64.self, forKey: .seed)
  }
}

/// A cell with where it runs: the file `reproduce cell FILE` executes, locally (the worker processes of `--jobs`)
/// or as one task of a Slurm array. The record goes into `cache` (the paper's run cache) and, for a parent
/// process waiting on it, to `output`.
public struct CellRequest: Sendable, Codable {
  public var cell: Cell
  /// Which paper's table or figure asked for it, at which scale (nil for `reproduce train`).
  public var paper: String?
  public var scale: Scale?
  public var data: DataLocations
  public var cache: String?
  public var checkpoints: String?
  public var provenance: Provenance?
  public var output: String?
  public var progress: Bool

  public init(cell: Cell, data: DataLocations, cache: URL?, options: RunOptions, output: URL? = nil,
              paper: String? = nil, scale: Scale? = nil) {
    self.cell = cell; self.paper = paper; self.scale = scale; self.data = data; self.cache = cache?.path; checkpoints = options.checkpointDirectory?.path
    provenance = options.provenance; self.output = output?.path; progress = options.progress
  }

  public static func read(_ url: URL) throws -> CellRequest {
    guard let bytes = FileManager.default.contents(atPath: url.path) else { throw CellError("no cell file \(url.path)") }
    do { return try suiteJSONDecoder().decode(CellRequest.self, from: bytes) }
    catch { throw CellError("\(url.path) is not a cell file: \(error)") }
  }

  /// The run cache's record of this cell, if it has finished before.
  public func cached() throws -> RunRecord? {
    guard let cache else { return nil }
    return try JobPool.cachedRecord(cell, in: URL(fileURLWithPath: cache))
  }

  /// Runs the cell (resuming from its checkpoint), stamps the host, and stores the record.
  public func execute() throws -> RunRecord {
    var options = RunOptions(checkpointDirectory: checkpoints.map { URL(fileURLWithPath: $0) }, progress: progress)
    options.provenance = provenance
    var record = try cell.run(data: data, options: options)
    record.host = ProcessInfo.processInfo.hostName
    if let cache { try writeAtomically(try canonicalJSON(record), to: JobPool.cacheURL(cell, in: URL(fileURLWithPath: cache))) }
    if let output { try writeAtomically(try canonicalJSON(record), to: URL(fileURLWithPath: output)) }
    return record
  }
}

public struct CellError: Error, CustomStringConvertible {
  public let description: String
  public init(_ message: String) { description = message }
}
