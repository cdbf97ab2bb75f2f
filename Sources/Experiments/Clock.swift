#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Wall and process-CPU clocks. CPU time is what benchmarks compare: a busy machine does not move it.
public enum Clock {
  public static var wall: Double {
    var t = timespec(); clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
  }
  public static var processCPU: Double {
    var t = timespec(); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
  }
}

/// Progress with ETA on stderr: one rewritten line on a terminal, plain lines otherwise (logs, CI).
public struct Progress: Sendable {
  public var enabled: Bool
  public let label: String
  let interactive: Bool
  let start: Double
  var lastLine: Double
  // The ETA extrapolates from this process's rate, measured from its first update (a resumed run has done work
  // before this process started, and a first update may come a fraction of a unit in).
  var anchor: (done: Double, time: Double)? = nil, firstEpoch: Int? = nil

  public init(label: String, enabled: Bool = true) {
    self.label = label; self.enabled = enabled
    interactive = isatty(2) != 0
    start = Clock.wall; lastLine = Clock.wall
  }

  public static func format(seconds s: Double) -> String {
    if !s.isFinite || s < 0 { return "?" }
    if s < 60 { return String(format: "%.0fs", s) }
    if s < 3600 { return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60) }
    return String(format: "%dh%02dm", Int(s) / 3600, (Int(s) % 3600) / 60)
  }

  /// `done` of `total` units of work; `detail` is appended (e.g. the last epoch's accuracy). Called every training
  /// step: it reads the clock and returns unless a line is due (a terminal's line is rewritten at most 5 times a
  /// second, a file's or a pipe's every 30 s), so the line and its detail are only built when printed.
  public mutating func update(done: Double, total: Double, detail: @autoclosure () -> String = "") {
    guard enabled else { return }
    let now = Clock.wall, elapsed = now - start
    if anchor == nil { anchor = (done, now) }
    guard now - lastLine >= (interactive ? 0.2 : 30) else { return }
    lastLine = now
    let progressed = done - anchor!.done, seconds = now - anchor!.time
    let eta = progressed > 0 && seconds > 0 ? seconds * (total - done) / progressed : .nan
    let line = String(format: "%@ %5.1f%%  elapsed %@  ETA %@  %@", label, 100 * done / max(total, 1e-12),
                      Progress.format(seconds: elapsed), Progress.format(seconds: eta), detail())
    Progress.write(((interactive ? "\r\u{1B}[K" : "") + line + (interactive ? "" : "\n")))
  }

  /// The line of a finished epoch: printed always, on a terminal, to a file or a pipe.
  public mutating func epoch(_ done: Int, of total: Int, detail: String) {
    guard enabled else { return }
    let now = Clock.wall, elapsed = now - start
    if firstEpoch == nil { firstEpoch = done - 1 }
    // The rate is measured from the first `update` where there was one (the start of this process's first epoch), not
    // from `start`: what came before (a trained-feedback rule's pre-training, minutes) is not a training epoch.
    let trained = now - (anchor?.time ?? start)
    let eta = done > firstEpoch! ? trained * Double(total - done) / Double(done - firstEpoch!) : .nan
    let line = "\(label): epoch \(done)/\(total)  elapsed \(Progress.format(seconds: elapsed))  ETA \(Progress.format(seconds: eta))  \(detail)"
    lastLine = now
    Progress.write((interactive ? "\r\u{1B}[K" : "") + line + "\n")
  }

  public static func note(_ s: String) { write(s + "\n") }

  /// A line held back until this process prints its first note or progress line (an artefact's cost estimate), so
  /// that a run refused for its options prints its error alone.
  nonisolated(unsafe) public static var preamble: String?

  static func write(_ s: String) {
    if let p = preamble { preamble = nil; FileHandle.standardError.write(Data((p + "\n").utf8)) }
    if !s.isEmpty { FileHandle.standardError.write(Data(s.utf8)) }
  }

  /// Prints the held line now (before worker processes, whose lines would otherwise come first).
  public static func releasePreamble() { write("") }
}

/// "1 epoch", "2 epochs": a count with its noun.
public func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

/// A number as a protocol text prints it: the shortest `%g` form ("0.001", "0.05", "1e-08").
public func g(_ v: Double) -> String { String(format: "%g", v) }
