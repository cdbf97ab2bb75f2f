import Foundation

/// Where a result came from: the code (commit, dirty), the machine, and when.
public struct Provenance: Sendable, Codable, Equatable {
  public var commit: String
  public var dirty: Bool
  public var machine: String
  public var date: String

  public static func current(packageRoot: URL) -> Provenance {
    let commit = git(["rev-parse", "HEAD"], in: packageRoot) ?? "unknown"
    // Dirty = uncommitted changes to the code; the generated outputs themselves do not count.
    let status = git(["status", "--porcelain", "--untracked-files=no", "--", ".", ":!Results", ":!Figures", ":!Checkpoints"],
                     in: packageRoot)
    let date = ISO8601DateFormatter().string(from: Date())
    return Provenance(commit: commit, dirty: status.map { !$0.isEmpty } ?? true, machine: machineDescription(), date: date)
  }

  static func git(_ args: [String], in dir: URL) -> String? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["git", "-C", dir.path] + args
    let out = Pipe(); p.standardOutput = out; p.standardError = Pipe()
    guard (try? p.run()) != nil else { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
  }

  static func machineDescription() -> String {
    let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
      .split(separator: "\n").first { $0.hasPrefix("model name") }?
      .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
    return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
  }
}

/// The commits that trained a run, oldest first, one per stretch between resumes with repeats merged. Each runner keeps
/// the list in its checkpoint, so that a run resumed under other code says so in its record (`RunRecord.commits`).
public enum SegmentCommits {
  /// Stands for the stretches before a resume from a checkpoint that did not keep its commits.
  public static let unknown = "unknown (a checkpoint written before commits were kept)"

  /// The list once this process's code (`current`, nil when not known) has trained: the checkpoint's list (`earlier`;
  /// `unknown` when `resumed` from a checkpoint without one), then `current`.
  public static func after(_ earlier: [String]?, resumed: Bool, current: String?) -> [String] {
    var list = resumed ? (earlier ?? [unknown]) : []
    if let current, list.last != current { list.append(current) }
    return list
  }

  /// What a record keeps beside its `commit`: the whole list when more than one commit trained the run, else nil.
  public static func forRecord(_ list: [String]?) -> [String]? { (list?.count ?? 0) > 1 ? list : nil }
}

/// Mean and sample standard deviation (n − 1; 0 for one value).
public struct Summary: Sendable, Codable, Equatable {
  public var mean: Double
  public var std: Double
  public var n: Int
  public init(_ values: [Double]) {
    n = values.count
    mean = values.isEmpty ? .nan : values.reduce(0, +) / Double(n)
    let m = mean
    std = n > 1 ? (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(n - 1)).squareRoot() : 0
  }
}
