import Datasets
import Foundation

/// Runs independent seeds of one experiment in parallel child processes (`reproduce _worker`), at most
/// `processes` at a time, each with one BLAS thread: on 2 cores two processes use the machine better than
/// two BLAS threads in one. A single seed, or `processes` = 1, runs in this process.
public enum SeedPool {
  struct Request: Codable { var experiment: Experiment; var seed: UInt64; var checkpointDirectory: String?; var output: String }

  public static func run(_ e: Experiment, data: DataLocations, options: RunOptions, processes: Int = 2) throws -> [RunRecord] {
    if e.seeds.count == 1 || processes <= 1 {
      return try e.seeds.map { try Runner.run(e, seed: $0, data: data, options: options) }
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reproduce-\(ProcessInfo.processInfo.processIdentifier)-\(e.key)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var pending = e.seeds, running: [(Process, UInt64, URL)] = [], records: [UInt64: RunRecord] = [:]
    while !pending.isEmpty || !running.isEmpty {
      while running.count < processes, let seed = pending.first {
        pending.removeFirst()
        let request = dir.appendingPathComponent("seed\(seed).json"), output = dir.appendingPathComponent("seed\(seed).out.json")
        try writeAtomically(try canonicalJSON(Request(experiment: e, seed: seed, checkpointDirectory: options.checkpointDirectory?.path,
                                                      output: output.path)), to: request)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        p.arguments = ["_worker", request.path]
        try p.run()
        running.append((p, seed, output))
      }
      if let i = running.firstIndex(where: { !$0.0.isRunning }) {
        let (p, seed, output) = running.remove(at: i)
        guard p.terminationStatus == 0, let data = FileManager.default.contents(atPath: output.path) else {
          for (q, _, _) in running { q.terminate() }
          throw RunError.badCheckpoint("seed \(seed) failed in its worker process (exit \(p.terminationStatus)); its error is printed above")
        }
        records[seed] = try JSONDecoder().decode(RunRecord.self, from: data)
      } else {
        usleep(50_000)
      }
    }
    return e.seeds.map { records[$0]! }
  }

  /// The child's side: run one seed, write its record.
  public static func work(requestPath: String, data: DataLocations) throws {
    guard let bytes = FileManager.default.contents(atPath: requestPath) else { throw RunError.badCheckpoint("no request \(requestPath)") }
    let r = try JSONDecoder().decode(Request.self, from: bytes)
    var options = RunOptions(checkpointDirectory: r.checkpointDirectory.map { URL(fileURLWithPath: $0) })
    options.progress = true
    let record = try Runner.run(r.experiment, seed: r.seed, data: data, options: options)
    try writeAtomically(try canonicalJSON(record), to: URL(fileURLWithPath: r.output))
  }
}
