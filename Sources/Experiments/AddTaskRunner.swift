import Datasets
import Foundation
import Learning
import Numerics

/// Which random stream a run replays: numpy's legacy global generator as the official code seeds it (so that the
/// initial weights, data and batch order are the official ones; Align, GAIT-prop), JAX's threefry keys as bioflax
/// draws its synthetic tasks (`SyntheticRegression.bioflaxFromJaxKeys`), or the suite's split streams.
public enum StreamChoice: String, Sendable, Codable, CaseIterable {
  case numpyLegacy = "numpy-legacy"
  case jax
  case suite
}

/// One Add-task run (`train_add.py`; WideAlign README, "The Add task"): width, rule and protocol, as a value.
public struct AddTaskExperiment: Sendable, Codable, Equatable {
  public var name: String
  public var width: Int
  public var rule: RecurrentRule
  public var learningRate: Double = 0.001
  public var epochs: Int = 200
  public var steps: Int = 100              // T
  public var batchSize: Int = 50           // also the rows of S
  public var stream: StreamChoice = .numpyLegacy
  /// Q10's fix: no shifted term in the first 2 (5) time steps instead of in the first 2 (5) sequences.
  public var shiftFix = false
  /// Q11's fix: Align-ada delivers the same-step readout term to the hidden weights.
  public var adaReadoutTerm = false
  /// Q13: stop once a loss or a parameter is non-finite (the reported minima are unchanged by it).
  public var stopOnNonFinite = true

  public init(name: String, width: Int, rule: RecurrentRule, epochs: Int = 200) {
    self.name = name; self.width = width; self.rule = rule; self.epochs = epochs
  }
  public var key: String { fnvKey((try? canonicalJSON(self)) ?? name) }
}

extension AddTaskExperiment: RunConfiguration {
  public static let family = "recurrent"
  public func run(seed: UInt64, data: DataLocations, options: RunOptions) throws -> RunRecord {
    try AddTaskRunner.run(self, seed: seed, options: options)
  }
}

extension RunRecord {
  /// The Add task's reported numbers: the minimum over the epochs of the training and test losses (a non-finite
  /// epoch never becomes the minimum, Q13), with the epochs where they occurred.
  public var bestTrainLoss: (loss: Double, epoch: Int)? {
    epochs.filter { $0.trainLoss.isFinite }.min { $0.trainLoss < $1.trainLoss }.map { ($0.trainLoss, $0.epoch) }
  }
  public var bestTestLoss: (loss: Double, epoch: Int)? {
    epochs.filter { $0.testLoss.isFinite }.min { $0.testLoss < $1.testLoss }.map { ($0.testLoss, $0.epoch) }
  }
}

public enum AddTaskRunner {
  /// The streams of a run: data, initial weights and batch order. Under `numpy-legacy` each is numpy's generator
  /// reseeded with the run's seed, in the official order (data, then weights, then the training loop).
  struct Streams: Codable {
    var order: NumpyRandom?
    var suiteOrder: Random?
    mutating func permutation(_ n: Int) -> [Int] {
      if order != nil { return order!.permutation(n) }
      return suiteOrder!.permutation(n)
    }
  }

  struct State: Codable {
    var epoch = 0
    var epochs: [EpochRecord] = []
    var streams: Streams
    var diverged: Divergence? = nil
    var wallSeconds = 0.0, cpuSeconds = 0.0
    var commits: [String]? = nil      // the commits that trained the run so far (`SegmentCommits`)
    static let magic = "RPCK-ADD1"
  }

  public static func data(_ e: AddTaskExperiment, seed: UInt64) -> AddTask {
    e.stream == .numpyLegacy ? AddTask.official(seed: UInt32(truncatingIfNeeded: seed), steps: e.steps, shiftFix: e.shiftFix)
      : AddTask.suite(seed: seed, steps: e.steps, shiftFix: e.shiftFix)
  }

  public static func initialNetwork(_ e: AddTaskExperiment, seed: UInt64) -> RecurrentNetwork<Float> {
    if e.stream == .numpyLegacy {
      var rng = NumpyRandom(seed: UInt32(truncatingIfNeeded: seed))
      return .initial(width: e.width, slots: e.batchSize, normals: &rng)
    }
    var rng = Random(seed: seed, stream: "add-task-init")
    return .initial(width: e.width, slots: e.batchSize, normals: &rng)
  }

  public static func run(_ e: AddTaskExperiment, seed: UInt64, options: RunOptions = RunOptions()) throws -> RunRecord {
    guard e.width > 0, e.batchSize > 0, e.steps > 0 else { throw CellError("Add task: width, batch size and steps must be positive") }
    let task = data(e, seed: seed)
    guard task.trainCount % e.batchSize == 0, task.testCount % e.batchSize == 0 else {
      throw CellError("Add task: batch size \(e.batchSize) must divide \(task.trainCount) and \(task.testCount) (S has one row per batch slot)")
    }
    let net0 = initialNetwork(e, seed: seed)
    var net = net0
    let streams = e.stream == .numpyLegacy ? Streams(order: NumpyRandom(seed: UInt32(truncatingIfNeeded: seed)))
      : Streams(suiteOrder: Random(seed: seed, stream: "add-task-order"))
    var s = State(streams: streams)
    let checkpointURL = options.checkpointURL(e.name, e.key, seed: seed)
    var resumed = false
    if let url = checkpointURL, FileManager.default.fileExists(atPath: url.path) {
      let (header, arrays) = try CheckpointFile.read(magic: State.magic, from: url, as: State.self, counts: { _ in [net.parameters.count] },
                                                     element: Float.self)
      s = header; net.parameters = arrays[0]; resumed = true
      Progress.note("\(e.name) seed \(seed): resuming from \(url.lastPathComponent) after epoch \(s.epoch)")
    }
    let wallStart = Clock.wall, cpuStart = Clock.processCPU, carriedWall = s.wallSeconds, carriedCPU = s.cpuSeconds
    s.commits = SegmentCommits.after(s.commits, resumed: resumed, current: options.provenance?.commit)
    func stamp() { s.wallSeconds = carriedWall + Clock.wall - wallStart; s.cpuSeconds = carriedCPU + Clock.processCPU - cpuStart }

    let T = e.steps, B = e.batchSize, lr = Float(e.learningRate)
    let ws = RecurrentWorkspace<Float>(steps: T, batch: B, width: e.width)
    var u = [Float](repeating: 0, count: T * B), y = u
    /// Batch k of a permutation, time-major: u_t[r] = inputs[sequence r of the batch][t].
    func gather(_ inputs: [Float], _ targets: [Float], _ order: [Int], _ k: Int) {
      for r in 0..<B {
        let i = order[k * B + r]
        for t in 0..<T { u[t * B + r] = inputs[i * T + t]; y[t * B + r] = targets[i * T + t] }
      }
    }
    /// The mean over batches (in a fresh permutation) of the batch loss ℒ, as the script's evaluation.
    func evaluate(_ inputs: [Float], _ targets: [Float], count: Int) -> Double {
      let order = s.streams.permutation(count)
      var total = 0.0
      for k in 0..<count / B {
        gather(inputs, targets, order, k)
        total += ws.evaluate(net, inputs: u, targets: y)
      }
      return total / Double(count / B)
    }
    var progress = Progress(label: "\(e.name) seed \(seed)", enabled: options.progress)
    while s.epoch < e.epochs && s.diverged == nil {
      if StopSignal.requested {
        throw Interrupted(checkpoints: checkpointURL.flatMap { FileManager.default.fileExists(atPath: $0.path) ? [$0] : nil } ?? [])
      }
      let epochStart = Clock.wall
      let order = s.streams.permutation(task.trainCount)
      var stepLoss = 0.0
      for k in 0..<task.trainCount / B {
        gather(task.trainInputs, task.trainTargets, order, k)
        stepLoss += ws.gradient(e.rule, net, initial: net0, inputs: u, targets: y, adaReadoutTerm: e.adaReadoutTerm)
        // θ ← θ − η ∇̃, every pseudo-gradient computed from the pre-step parameters (Q20).
        ws.descend(&net, learningRate: lr)
      }
      let test = evaluate(task.testInputs, task.testTargets, count: task.testCount)
      let train = evaluate(task.trainInputs, task.trainTargets, count: task.trainCount)
      s.epoch += 1
      s.epochs.append(EpochRecord(epoch: s.epoch, trainLoss: train, testLoss: test, seconds: Clock.wall - epochStart))
      if e.stopOnNonFinite && (!train.isFinite || !test.isFinite || !allFinite(net.parameters)) {
        s.diverged = Divergence(epoch: s.epoch, step: task.trainCount / B, loss: train.isFinite ? test : train)
        Progress.note("\(e.name) seed \(seed): non-finite after epoch \(s.epoch); stopped (its best losses stand, Q13)")
      }
      progress.epoch(s.epoch, of: e.epochs, detail: "train loss \(g(train)), test loss \(g(test)), minibatch loss \(g(stepLoss / Double(task.trainCount / B)))")
      if let url = checkpointURL, s.epoch < e.epochs, s.diverged == nil {
        stamp(); try CheckpointFile.write(magic: State.magic, header: s, arrays: [net.parameters], to: url)
      }
      if let stop = options.stopAfterSteps, s.epoch >= stop, s.epoch < e.epochs, s.diverged == nil {
        throw Interrupted(checkpoints: checkpointURL.map { [$0] } ?? [])
      }
    }
    if let url = checkpointURL { try? FileManager.default.removeItem(at: url) }
    stamp()
    let checksum = SHA256.hex((task.trainInputs + task.testInputs).map { UInt8($0) })
    return RunRecord(experiment: e.name, key: e.key, seed: seed, precision: .float, rule: e.rule.rawValue, epochs: s.epochs,
                     dataChecksum: checksum, wallSeconds: s.wallSeconds, cpuSeconds: s.cpuSeconds, resumed: resumed,
                     diverged: s.diverged, trainedBy: options.provenance, segmentCommits: s.commits)
  }
}
