#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A request to stop training: SIGINT (Ctrl-C), SIGTERM, or SIGUSR1 (what a Slurm job is sent before its time
/// limit). The handler only sets a flag; every runner checks it once per minibatch, writes its checkpoint, and
/// throws `Interrupted`, so that running the same command again resumes where it stopped.
public enum StopSignal {
  // One word that the signal handler writes and the training loops read; a pointer, so no read is hoisted.
  nonisolated(unsafe) static let flag: UnsafeMutablePointer<sig_atomic_t> = {
    let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1); p.pointee = 0; return p
  }()
  public static let signals: [Int32] = [SIGINT, SIGTERM, SIGUSR1]

  /// Installs the handlers (idempotent). A second Ctrl-C while stopping ends the process at once; other repeats
  /// (a parent forwarding SIGTERM to workers that the terminal's SIGINT reached already) change nothing.
  public static func install() {
    _ = flag
    for s in signals {
      signal(s) { received in
        let first = StopSignal.flag.pointee
        if first == 0 { StopSignal.flag.pointee = received }
        else if first == SIGINT && received == SIGINT { signal(received, SIG_DFL); raise(received) }
      }
    }
  }

  /// True once a stop was asked for.
  public static var requested: Bool { flag.pointee != 0 }
  /// The signal that asked (0: none).
  public static var signalNumber: Int32 { flag.pointee }
  /// Asks to stop, as a signal would (tests).
  public static func request(_ s: Int32 = SIGTERM) { flag.pointee = s }
  public static func reset() { flag.pointee = 0 }
}

/// Thrown when a run stops before its end: a stop signal, or `RunOptions.stopAfterSteps` (tests). Its checkpoint
/// (when there is a checkpoint directory) is written first; the same command resumes from it.
public struct Interrupted: Error, CustomStringConvertible {
  public var checkpoints: [URL]
  /// Set where the checkpoint is an earlier boundary's, not the moment of the stop (DFC saves at epoch ends): the
  /// boundary it holds, e.g. "after epoch 3"; the interrupted epoch starts over.
  public var earlierBoundary: String?
  public init(checkpoints: [URL] = [], earlierBoundary: String? = nil) { self.checkpoints = checkpoints; self.earlierBoundary = earlierBoundary }
  public var description: String {
    if checkpoints.isEmpty { return "interrupted (no checkpoint: the run was started without one; it starts over when run again)" }
    let s = checkpoints.count > 1 ? "s" : ""
    return (earlierBoundary.map { "interrupted; the checkpoint\(s) kept (\($0); the interrupted epoch starts over):\n" }
              ?? "interrupted; checkpoint\(s) written:\n")
      + checkpoints.map { "  \($0.path)" }.joined(separator: "\n")
      + "\nRun the same command again to resume from \(checkpoints.count > 1 ? "them" : "it")."
  }
}
