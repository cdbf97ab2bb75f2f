import Datasets
import Foundation

/// A training run the pool can execute in a worker process: a configuration at one seed.
public protocol PoolJob: Sendable, Codable {
  var name: String { get }
  var seed: UInt64 { get }
  var key: String { get }          // the configuration, seeds excluded
  func run(data: DataLocations, options: RunOptions) throws -> RunRecord
}

/// One training run: an experiment at one seed.
public struct Job: PoolJob {
  public var experiment: Experiment
  public var seed: UInt64
  public init(_ experiment: Experiment, seed: UInt64) { self.experiment = experiment; self.seed = seed }
  public var name: String { experiment.name }
  public var key: String { experiment.key }
  public func run(data: DataLocations, options: RunOptions) throws -> RunRecord {
    try Runner.run(experiment, seed: seed, data: data, options: options)
  }
}

/// Runs independent jobs (seeds, rules) in parallel child processes (`reproduce _worker`), at most
/// `processes` at a time, each with one BLAS thread: on 2 cores two processes use the machine better than two
/// BLAS threads in one. With a cache directory, a finished run's record is kept there and reused by any
/// later table or figure that asks for the same experiment and seed (its key names the configuration).
public enum JobPool {
  struct Request<J: PoolJob>: Codable { var kind: String; var job: J; var data: DataLocations; var checkpointDirectory: String?; var provenance: Provenance?; var output: String }
  struct Kind: Codable { var kind: String }
  /// The job types a worker can decode.
  static func kind<J: PoolJob>(_: J.Type) -> String { J.self == InvertibleJob.self ? "invertible" : J.self == DFCJob.self ? "dfc" : "network" }

  public static func cacheURL<J: PoolJob>(_ job: J, in dir: URL) -> URL {
    dir.appendingPathComponent("\(job.name)-seed\(job.seed)-\(job.key).json")
  }

  /// How many worker processes run at once (`--jobs N`; default 2, one per core).
  nonisolated(unsafe) public static var defaultProcesses = 2

  public static func run<J: PoolJob>(_ jobs: [J], data: DataLocations, options: RunOptions, cache: URL? = nil,
                         processes: Int = defaultProcesses) throws -> [RunRecord] {
    var records = [RunRecord?](repeating: nil, count: jobs.count)
    if let cache {
      for (i, job) in jobs.enumerated() {
        if let d = FileManager.default.contents(atPath: cacheURL(job, in: cache).path),
           let r = try? suiteJSONDecoder().decode(RunRecord.self, from: d) { records[i] = r }
      }
    }
    let todo = jobs.indices.filter { records[$0] == nil }
    if !todo.isEmpty && jobs.count - todo.count > 0 { Progress.note("reusing \(jobs.count - todo.count) cached run(s); \(todo.count) to train") }
    if todo.count == 1 || processes <= 1 || ProcessInfo.processInfo.activeProcessorCount < 2 {
      for i in todo {
        records[i] = try jobs[i].run(data: data, options: options)
        try store(records[i]!, jobs[i], cache)
      }
      return records.map { $0! }
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reproduce-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var pending = todo, running: [(Process, Int, URL)] = []
    while !pending.isEmpty || !running.isEmpty {
      if StopSignal.requested {
        // Stop: every running worker checkpoints and exits (the terminal's Ctrl-C reached them too; SIGTERM for
        // a signal that was sent to this process only), then say where their checkpoints are.
        for (p, _, _) in running where p.isRunning { kill(p.processIdentifier, SIGTERM) }
        for (p, _, _) in running { p.waitUntilExit() }
        throw Interrupted(checkpoints: running.flatMap { checkpoints(of: jobs[$0.1], in: options.checkpointDirectory) })
      }
      while running.count < processes, let i = pending.first {
        pending.removeFirst()
        let request = dir.appendingPathComponent("job\(i).json"), output = dir.appendingPathComponent("job\(i).out.json")
        try writeAtomically(try canonicalJSON(Request(kind: kind(J.self), job: jobs[i], data: data, checkpointDirectory: options.checkpointDirectory?.path,
                                                      provenance: options.provenance, output: output.path)), to: request)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        p.arguments = ["_worker", request.path]
        try p.run()
        running.append((p, i, output))
      }
      if let k = running.firstIndex(where: { !$0.0.isRunning }) {
        let (p, i, output) = running.remove(at: k)
        guard p.terminationStatus == 0, let data = FileManager.default.contents(atPath: output.path) else {
          if StopSignal.requested { running.append((p, i, output)); continue }   // stopped: reported at the loop's top
          for (q, _, _) in running { q.terminate() }
          throw RunError.badCheckpoint("\(jobs[i].name) seed \(jobs[i].seed) failed in its worker process (exit \(p.terminationStatus)); its error is printed above")
        }
        records[i] = try suiteJSONDecoder().decode(RunRecord.self, from: data)
        try store(records[i]!, jobs[i], cache)
      } else {
        usleep(50_000)
      }
    }
    return records.map { $0! }
  }

  /// The checkpoint files of a job: every runner names them `<name>-<key>-seed<seed>.…`.
  static func checkpoints<J: PoolJob>(of job: J, in dir: URL?) -> [URL] {
    guard let dir, let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
    return files.filter { $0.hasPrefix("\(job.name)-\(job.key)-seed\(job.seed).") }.sorted().map { dir.appendingPathComponent($0) }
  }

  static func store<J: PoolJob>(_ r: RunRecord, _ job: J, _ cache: URL?) throws {
    guard let cache else { return }
    try writeAtomically(try canonicalJSON(r), to: cacheURL(job, in: cache))
  }

  /// The child's side: run one job, write its record.
  public static func work(requestPath: String) throws {
    guard let bytes = FileManager.default.contents(atPath: requestPath) else { throw RunError.badCheckpoint("no request \(requestPath)") }
    func work<J: PoolJob>(_: J.Type) throws {
      let r = try suiteJSONDecoder().decode(Request<J>.self, from: bytes)
      var options = RunOptions(checkpointDirectory: r.checkpointDirectory.map { URL(fileURLWithPath: $0) })
      options.provenance = r.provenance
      let record = try r.job.run(data: r.data, options: options)
      try writeAtomically(try canonicalJSON(record), to: URL(fileURLWithPath: r.output))
    }
    switch try suiteJSONDecoder().decode(Kind.self, from: bytes).kind {
    case "invertible": try work(InvertibleJob.self)
    case "dfc": try work(DFCJob.self)
    default: try work(Job.self)
    }
  }
}
