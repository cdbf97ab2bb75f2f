import Foundation

/// A table's or figure's training runs as a Slurm job array (`reproduce <paper> --table N --slurm DIR`):
///
///     DIR/cells/<cell>.json   one cell file per run not yet in the run cache (`reproduce cell FILE` runs it)
///     DIR/cells.tsv           one line per array task: index, cell id, the exact command
///     DIR/array.sbatch        the job array: one CPU per task, OPENBLAS_NUM_THREADS=1, SIGUSR1 two minutes
///                             before the time limit (the cell checkpoints and exits; the task requeues itself)
///     DIR/logs/%A_%a.out      each task's output;  DIR/state/<cell>   running / requeued / failed, by the task
///
/// `sbatch DIR/array.sbatch` submits it, `reproduce status DIR` follows it, and running the table command again
/// (without --slurm) assembles the table from the run cache.
public struct SlurmSweep {
  public var directory: URL
  public var label: String                 // "bioflax table 1, full scale"
  public var requests: [CellRequest]
  public var executable: URL               // the reproduce binary the tasks run
  public var packageRoot: URL
  public var partition: String?
  public var time: String                  // each task's limit (the command line's default: `Flags.paper`)
  public var memory: String

  public init(directory: URL, label: String, requests: [CellRequest], executable: URL, packageRoot: URL,
              partition: String?, time: String, memory: String) {
    self.directory = directory; self.label = label; self.requests = requests; self.executable = executable; self.packageRoot = packageRoot
    self.partition = partition; self.time = time; self.memory = memory
  }

  var cellsDirectory: URL { directory.appendingPathComponent("cells") }
  var table: URL { directory.appendingPathComponent("cells.tsv") }
  var script: URL { directory.appendingPathComponent("array.sbatch") }

  /// `sbatch` on `PATH`, or nil.
  public static func sbatch(path: String = ProcessInfo.processInfo.environment["PATH"] ?? "") -> String? {
    path.split(separator: ":").map { "\($0)/sbatch" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Checks the values that go into the script, before anything is written.
  public func validate() throws {
    let clock = #"^([0-9]+-)?[0-9]{1,3}(:[0-9]{2}){0,2}$"#
    guard time.range(of: clock, options: .regularExpression) != nil else {
      throw CellError("--time '\(time)' is not a Slurm time limit (HH:MM:SS, MM:SS or D-HH:MM:SS)")
    }
    guard memory.range(of: #"^[0-9]+[KMGT]?$"#, options: .regularExpression) != nil else {
      throw CellError("--mem '\(memory)' is not a Slurm memory size (e.g. 4G, 500M)")
    }
    if let p = partition, p.isEmpty || p.contains(where: { $0.isWhitespace }) { throw CellError("--partition '\(p)' is not a partition name") }
  }

  /// The lines of cells.tsv: task index (1-based), cell id, command.
  var lines: [String] {
    requests.enumerated().map { k, r in
      "\(k + 1)\t\(r.cell.id)\t\(executable.path) cell \(cellsDirectory.appendingPathComponent("\(r.cell.id).json").path)"
    }
  }

  /// Writes the sweep. Refuses a directory that holds a different sweep (its cells.tsv lists other cells);
  /// writing the same sweep again is allowed and changes nothing but the script's limits.
  public func write() throws {
    try validate()
    let fm = FileManager.default
    if let existing = try? String(contentsOf: table, encoding: .utf8) {
      let ids = Set(existing.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { $0.split(separator: "\t").dropFirst().first.map(String.init) })
      guard ids == Set(requests.map(\.cell.id)) else {
        throw CellError("\(directory.path) holds another sweep (\(ids.count) cells in its cells.tsv, \(ids.subtracting(requests.map(\.cell.id)).count) of them not in this one); give an empty or new directory")
      }
    } else if fm.fileExists(atPath: directory.path), let items = try? fm.contentsOfDirectory(atPath: directory.path), !items.isEmpty {
      throw CellError("\(directory.path) is not empty and holds no sweep; give an empty or new directory")
    }
    for sub in ["cells", "logs", "state"] { try fm.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true) }
    for r in requests { try writeAtomically(try canonicalJSON(r), to: cellsDirectory.appendingPathComponent("\(r.cell.id).json")) }
    try writeAtomically("# \(label): \(requests.count) cells; index, cell, command (run from \(packageRoot.path))\n" + lines.joined(separator: "\n") + "\n", to: table)
    try writeAtomically(sbatchScript, to: script)
  }

  var sbatchScript: String {
    let d = directory.path
    var s = """
      #!/bin/bash
      # \(label): \(requests.count) training runs, one per array task (written by reproduce --slurm).
      # Submit: sbatch \(script.path)    Follow: \(executable.path) status \(d)
      #SBATCH --job-name=reproduce
      #SBATCH --array=1-\(requests.count)
      #SBATCH --ntasks=1
      #SBATCH --cpus-per-task=1
      #SBATCH --mem=\(memory)
      #SBATCH --time=\(time)
      #SBATCH --output=\(d)/logs/%A_%a.out
      #SBATCH --open-mode=append
      #SBATCH --requeue
      #SBATCH --signal=B:USR1@120

      """
    if let partition { s += "#SBATCH --partition=\(partition)\n" }
    s += """
      set -u
      export OPENBLAS_NUM_THREADS=1
      cd \(packageRoot.path)
      line=$(grep -v '^#' \(table.path) | sed -n "${SLURM_ARRAY_TASK_ID}p")
      cell=$(printf '%s' "$line" | cut -f2)
      command=$(printf '%s' "$line" | cut -f3)
      state=\(d)/state/$cell
      echo "running $(hostname) $(date -u +%Y-%m-%dT%H:%M:%SZ) job ${SLURM_JOB_ID}" > "$state"
      echo "task ${SLURM_ARRAY_TASK_ID}: $cell on $(hostname)"
      # SIGUSR1 before the time limit (or SIGTERM from scontrol requeue / scancel): the cell writes its checkpoint
      # and exits with 130; this task then requeues itself and resumes from the checkpoint.
      child=""
      trap '[ -n "$child" ] && kill -USR1 "$child" 2>/dev/null' USR1
      trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null' TERM
      $command &
      child=$!
      status=0
      while true; do
        wait "$child"; status=$?
        kill -0 "$child" 2>/dev/null || break   # else a trapped signal interrupted wait: the cell is still stopping
      done
      wait "$child" 2>/dev/null; last=$?; [ "$last" -ne 127 ] && status=$last
      if [ "$status" -eq 0 ]; then echo "done $(hostname) $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$state"
      elif [ "$status" -eq 130 ]; then
        echo "requeued $(hostname) $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$state"
        scontrol requeue "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}" || true
      else echo "failed $status $(hostname) $(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$state"; fi
      exit "$status"

      """
    return s
  }

  /// One line per cell: done (its record is in the run cache), running, requeued, failed, or pending.
  public static func status(_ directory: URL) throws -> [(cell: String, state: String)] {
    let table = directory.appendingPathComponent("cells.tsv")
    guard let text = try? String(contentsOf: table, encoding: .utf8) else {
      throw CellError("\(directory.path) holds no sweep (no cells.tsv); write one with --slurm DIR")
    }
    return try text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
      let id = String(line.split(separator: "\t")[1])
      let request = try CellRequest.read(directory.appendingPathComponent("cells/\(id).json"))
      if let r = try request.cached() {
        return (id, "done" + (r.host.map { " on \($0)" } ?? "") + ", \(Progress.format(seconds: r.wallSeconds))" + (r.diverged != nil ? " (diverged)" : ""))
      }
      let state = (try? String(contentsOf: directory.appendingPathComponent("state/\(id)"), encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines)
      return (id, state.map { $0.hasPrefix("done") ? "failed: the task ended but no record is in the run cache" : $0 } ?? "pending")
    }
  }
}
