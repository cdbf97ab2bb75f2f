#if canImport(Glibc)
import Glibc
#endif
import Datasets
import Foundation

/// Runs independent cells (seeds, rules) in parallel child processes, each `reproduce cell FILE` (the same
/// command a Slurm array task runs), at most `processes` at a time, each with one BLAS thread: on 2 cores two
/// processes use the machine better than two BLAS threads in one. With a cache directory, a finished run's
/// record is kept there and reused by any later table or figure that asks for the same cell.
public enum JobPool {
  public static func cacheURL(_ cell: Cell, in dir: URL) -> URL { dir.appendingPathComponent("\(cell.id).json") }

  /// The cached record of a cell, if its run finished before. A file there that is not a run record of exactly
  /// this cell (another configuration, seed or name) is an error, never a result.
  public static func cachedRecord(_ cell: Cell, in dir: URL) throws -> RunRecord? {
    let url = cacheURL(cell, in: dir)
    guard let d = FileManager.default.contents(atPath: url.path) else { return nil }
    let r: RunRecord
    do { r = try suiteJSONDecoder().decode(RunRecord.self, from: d) }
    catch { throw CellError("\(url.path) is not a run record (\(error)); delete it to retrain that run") }
    guard r.key == cell.key, r.seed == cell.seed, r.experiment == cell.name else {
      throw CellError("\(url.path) holds the run \(r.experiment) seed \(r.seed) key \(r.key), not this cell's (\(cell.name) seed \(cell.seed) key \(cell.key)); delete it to retrain that run")
    }
    return r
  }

  /// How many worker processes run at once (`--jobs N`; default 2, one per core).
  nonisolated(unsafe) public static var defaultProcesses = 2

  public static func run(_ cells: [Cell], data: DataLocations, options: RunOptions, cache: URL? = nil,
                         processes: Int = defaultProcesses, paper: String? = nil, scale: Scale? = nil) throws -> [RunRecord] {
    func request(_ i: Int, output: URL? = nil) -> CellRequest {
      CellRequest(cell: cells[i], data: data, cache: cache, options: options, output: output, paper: paper, scale: scale)
    }
    var records = try cells.map { cell in try cache.flatMap { try cachedRecord(cell, in: $0) } }
    let todo = cells.indices.filter { records[$0] == nil }
    if !todo.isEmpty && cells.count - todo.count > 0 { Progress.note("reusing \(cells.count - todo.count) cached run(s); \(todo.count) to train") }
    // The whole job's progress, a line per finished run (each run prints its own per epoch).
    let start = Clock.wall
    var finished = 0
    func finish() {
      finished += 1
      guard todo.count > 1 else { return }
      let elapsed = Clock.wall - start, eta = elapsed * Double(todo.count - finished) / Double(finished)
      Progress.note("runs: \(finished) of \(todo.count) done  elapsed \(Progress.format(seconds: elapsed))  ETA \(Progress.format(seconds: eta)) (at the mean time per run so far)")
    }
    if todo.count == 1 || processes <= 1 || ProcessInfo.processInfo.activeProcessorCount < 2 {
      for i in todo { records[i] = try request(i).execute(); finish() }
      return records.map { $0! }
    }
    Progress.releasePreamble()
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
        throw Interrupted(checkpoints: running.flatMap { checkpoints(of: cells[$0.1], in: options.checkpointDirectory) })
      }
      while running.count < processes, let i = pending.first {
        pending.removeFirst()
        let file = dir.appendingPathComponent("cell\(i).json"), output = dir.appendingPathComponent("cell\(i).out.json")
        try writeAtomically(try canonicalJSON(request(i, output: output)), to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        p.arguments = ["cell", file.path, "--worker"]
        try p.run()
        running.append((p, i, output))
      }
      if let k = running.firstIndex(where: { !$0.0.isRunning }) {
        let (p, i, output) = running.remove(at: k)
        guard p.terminationStatus == 0, let data = FileManager.default.contents(atPath: output.path) else {
          if StopSignal.requested { running.append((p, i, output)); continue }   // stopped: reported at the loop's top
          for (q, _, _) in running { q.terminate() }
          throw CellError("\(cells[i].name) seed \(cells[i].seed) failed in its worker process (exit \(p.terminationStatus)); its error is printed above")
        }
        records[i] = try suiteJSONDecoder().decode(RunRecord.self, from: data)
        finish()
      } else {
        usleep(50_000)
      }
    }
    return records.map { $0! }
  }

  /// The checkpoint file of a cell, if there is one.
  public static func checkpoints(of cell: Cell, in dir: URL?) -> [URL] {
    let url = RunOptions(checkpointDirectory: dir).checkpointURL(cell.name, cell.key, seed: cell.seed)
    return url.map { FileManager.default.fileExists(atPath: $0.path) ? [$0] : [] } ?? []
  }
}
