import Experiments
import Foundation

/// The runs behind the tables and figures of one task: every (rule, seed), trained once per scale and cached
/// in Results/bioflax/runs/, so that a figure never retrains what a table already ran.
struct TaskRuns {
  let task: BioflaxTask
  let scale: Scale
  let seeds: [UInt64]
  var byRule: [String: [RunRecord]]          // "BP", "FA", …, and "FA (lr 0.005)" variants on sinreg
  let epochs: Int                            // the protocol's (a diverged run records fewer)
  var wallSeconds: Double

  /// Every run, in display order (a dictionary's order changes from process to process).
  var all: [RunRecord] { labels.flatMap { byRule[$0] ?? [] } }

  static func load(_ task: BioflaxTask, _ context: ArtefactContext) throws -> TaskRuns {
    let seeds = task.seeds(context.scale, override: context.seedCount)
    var labelled: [(String, Experiment)] = BioflaxTask.rules.map { ($0.label, task.experiment($0, scale: context.scale)) }
    if task == .sinreg {
      let lr = BioflaxTask.sinregVariantLearningRate
      labelled += [RuleSpec.feedbackAlignment, .directFeedbackAlignment].map {
        ("\($0.label) (lr \(lr))", task.experiment($0, scale: context.scale, learningRate: lr))
      }
    }
    let jobs = labelled.flatMap { (_, e) in seeds.map { Cell(e, seed: $0) } }
    let (records, wall) = try context.runs(jobs, paper: "bioflax")
    var byRule: [String: [RunRecord]] = [:]
    for (k, (label, _)) in labelled.enumerated() {
      byRule[label] = Array(records[(k * seeds.count)..<((k + 1) * seeds.count)])
    }
    return TaskRuns(task: task, scale: context.scale, seeds: seeds, byRule: byRule, epochs: labelled.map(\.1.epochs).max()!,
                    wallSeconds: wall)
  }

  /// The labels in display order.
  var labels: [String] {
    BioflaxTask.rules.map(\.label) + byRule.keys.filter { $0.contains("(lr") }.sorted()
  }

  /// A metric per epoch for one rule: values[epoch][seed] (NaN where a run diverged before that epoch).
  func metric(_ label: String, _ key: String) -> [[Double]] {
    let runs = byRule[label] ?? []
    let epochs = runs.map(\.epochs.count).max() ?? 0
    return (0..<epochs).map { e in runs.map { e < $0.epochs.count ? ($0.epochs[e].metrics?[key] ?? .nan) : .nan } }
  }

  func epochValue(_ label: String, _ value: (EpochRecord) -> Double?) -> [[Double]] {
    let runs = byRule[label] ?? []
    let epochs = runs.map(\.epochs.count).max() ?? 0
    return (0..<epochs).map { e in runs.map { e < $0.epochs.count ? (value($0.epochs[e]) ?? .nan) : .nan } }
  }
}
