import Datasets
import Foundation
import Learning
import Numerics

/// The forward-weight rules trained on the DFC network (DFC README).
public enum DFCVariant: String, Sendable, Codable, CaseIterable {
  case dfc = "dfc"                    // continuous update over the simulated trajectory
  case steadyState = "dfc-ss"         // the simulated steady state
  case analytic = "dfc-ssa"           // the analytic steady state, no simulation
  case directFeedbackAlignment = "dfa"
  case backprop = "bp"
  public var label: String {
    switch self {
    case .dfc: return "DFC"
    case .steadyState: return "DFC-SS"
    case .analytic: return "DFC-SSA"
    case .directFeedbackAlignment: return "DFA"
    case .backprop: return "BP"
    }
  }
  public var simulated: Bool { self == .dfc || self == .steadyState }
  public var usesController: Bool { self == .dfc || self == .steadyState || self == .analytic }
}

/// The data of a DFC experiment.
public enum DFCData: Sendable, Codable, Equatable {
  /// The student–teacher regression of §8.4 (seed 42 by default).
  case teacher(inputs: Int, outputs: Int, seed: UInt64)
  /// The same task with the official code's own teacher and inputs (numpy's and torch's streams replayed, seed 42).
  case officialTeacher(inputs: Int, outputs: Int)
  case images(DatasetName)
  /// The autoencoder of Table 1: the standardised image is input and target (§8.1).
  case autoencoder(DatasetName)
}

/// A DFC experiment (DFC README): network, rule, controller, feedback learning and protocol, as a value.
public struct DFCExperiment: Sendable, Codable, Equatable {
  public var name: String
  public var data: DFCData
  public var sizes: [Int]
  public var hidden: Activation
  public var variant: DFCVariant
  public var feedbackInit: FeedbackInitialisation = .xavier
  public var trainFeedback = true
  public var loss: DFCLoss
  public var lambda: Double                          // target step λ
  /// The forward optimiser with the raw learning rate; `normalizeLearningRate` divides it by λ (§2.12).
  public var optimizer: Optimizer
  public var normalizeLearningRate = true
  public var clipping: Clipping = .dfcPerTensor      // BP: none
  public var controller: ControllerSettings
  public var includeNonConverged = false
  public var epsilon = 0.5
  public var feedback: FeedbackLearningSettings
  public var feedbackOptimizer: Optimizer            // lr_fb
  public var feedbackInitOptimizer: Optimizer        // lr_fb_init (pre-training)
  public var feedbackWeightDecay = 0.0
  public var pretrainingEpochs = 0                   // epochs_fb
  public var extraFeedbackEpochs = 2                 // X − 1
  public var batchSize = 128
  public var epochs: Int
  public var trainLimit: Int? = nil                  // smoke: the first N training samples
  public var logInterval = 100                       // log at minibatch indices ≡ 0 (mod); 0: never
  public var referenceDamping = 0.1                  // γ of the MN and GN references
  public var precision: Precision = .double
  public var initSeed: UInt64? = nil                 // Fig. 3 seeds every run with 42
  /// Image columns: the pixel scaling (nil: §3.1's, MNIST standardised and Fashion-MNIST ÷ 255; the league: [0, 1]).
  /// Optional, so that the keys of runs without it are unchanged.
  public var pixelScaling: PixelScaling? = nil
  /// Log the feedback measures every N minibatches of every feedback pass, pre-training included (Figs. S2–S4),
  /// with the angle to Jᵀ(JJᵀ + γI)⁻¹ for each γ of `feedbackLogDampings`.
  public var feedbackLogInterval: Int? = nil
  public var feedbackLogDampings: [Double]? = nil
  /// φ_1 … φ_{L−1} when they differ per layer (the autoencoder's tanh, identity, tanh); nil: `hidden` everywhere.
  /// The optional fields below are absent from the JSON when nil, so they leave older run keys unchanged.
  public var hiddenActivations: [Activation]? = nil
  /// Stop each epoch's forward phase after this many minibatches (quick Table 1 Part B: 8 updates).
  public var minibatchLimit: Int? = nil
  /// Smoke: evaluate on the first N validation / test samples only.
  public var validationLimit: Int? = nil
  public var testLimit: Int? = nil
  /// false: the logs leave out λ_max of the stability matrices (one eigenproblem of size N + n_L per sample, which
  /// on Table 1's nets costs more than the training itself); nil: logged (Figs. 3, S1).
  public var logEigenvalues: Bool? = nil
  /// DFC-SSA's solver for (J Kᵀ + αI)u = δ: nil or `.lu` the paper's (J formed, LU); `.krylov` matrix-free GMRES (§7.4).
  public var ssaSolver: SSASolver? = nil

  public init(name: String, data: DFCData, sizes: [Int], hidden: Activation, variant: DFCVariant, loss: DFCLoss, lambda: Double,
              optimizer: Optimizer, controller: ControllerSettings, feedback: FeedbackLearningSettings,
              feedbackOptimizer: Optimizer, feedbackInitOptimizer: Optimizer, epochs: Int) {
    self.name = name; self.data = data; self.sizes = sizes; self.hidden = hidden; self.variant = variant; self.loss = loss
    self.lambda = lambda; self.optimizer = optimizer; self.controller = controller; self.feedback = feedback
    self.feedbackOptimizer = feedbackOptimizer; self.feedbackInitOptimizer = feedbackInitOptimizer; self.epochs = epochs
  }

  public var key: String { fnvKey((try? canonicalJSON(self)) ?? name) }
  /// The forward optimiser with lr_eff = lr/λ when normalised.
  public var effectiveOptimizer: Optimizer {
    guard normalizeLearningRate else { return optimizer }
    switch optimizer {
    case .sgd(let lr, let m): return .sgd(learningRate: lr / lambda, momentum: m)
    case .adam(let lr, let b1, let b2, let eps, let bc): return .adam(learningRate: lr / lambda, beta1: b1, beta2: b2, epsilon: eps, biasCorrection: bc)
    }
  }
  public var learnsFeedback: Bool { trainFeedback && variant.usesController }
}

/// One logged minibatch (§5.1): measures at its feedforward state and of its update before the optimiser step.
/// What a DFC run logs: the logged minibatches of the forward phase, and Condition 2 from the feedback phase.
public struct ControlledLog: RunLog, Equatable {
  public static let family = "controlled"
  public var forward: [DFCLogPoint]
  public var feedback: [DFCLogPoint]
  public init(forward: [DFCLogPoint], feedback: [DFCLogPoint]) { self.forward = forward; self.feedback = feedback }
  enum Legacy: String, CodingKey { case dfcLog, dfcFeedbackLog }
  public init?(legacyRecord decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: Legacy.self)
    guard let forward = try c.decodeIfPresent([DFCLogPoint].self, forKey: .dfcLog) else { return nil }
    self.init(forward: forward, feedback: try c.decodeIfPresent([DFCLogPoint].self, forKey: .dfcFeedbackLog) ?? [])
  }
}

extension RunRecord {
  /// The log of a DFC run (nil for other families).
  public var controlled: ControlledLog? { log as? ControlledLog }
}

public struct DFCLogPoint: Sendable, Codable, Equatable {
  public var epoch: Int, minibatch: Int
  public var batchLoss: Double?           // the forward phase's minibatch loss (nil in the feedback log)
  public var conditionOne: Double?
  public var conditionTwo: Double?
  public var jacobianTransposeAngle: Double?, dampedInverseAngle: Double?
  public var lambdaMax: [Double]?           // batch means of Ã_I, A_I, A_I^inst, A_PI
  public var lambdaMaxPIStd: Double?
  public var mnAngle: Double?, gnAngle: Double?, ssaAngle: Double?, bpAngle: Double?
  public var layerAngles: [[Double]]?       // per layer: W angles to MN, GN, SSA (nan if none), BP
  public var convergedFraction: Double?
  /// Batch means of ‖r_0‖ … ‖r_{L−1}‖ (Fig. S1's layer-norm deviations).
  public var layerNorms: [Double]?
  /// θ(Kᵀ, Jᵀ(JJᵀ + γI)⁻¹) for each γ of the experiment's `feedbackLogDampings`.
  public var dampedInverseAngles: [Double]?
}

public enum DFCRunner {
  public static func run(_ e: DFCExperiment, seed: UInt64, data: DataLocations, options: RunOptions = RunOptions()) throws -> RunRecord {
    switch e.precision {
    case .double: return try train(e, seed: seed, problem: try problem(e, data), options: options, as: Double.self).record
    case .float: return try train(e, seed: seed, problem: try problem(e, data), options: options, as: Float.self).record
    }
  }

  /// The network after `e`'s training (with `epochs` 0: after feedback pre-training only), and its record.
  public static func pretrainedNetwork(_ e: DFCExperiment, seed: UInt64, problem: Problem<Double>) throws -> (net: DFCNetwork<Double>, record: RunRecord) {
    let (record, net) = try train(e, seed: seed, problem: problem, options: RunOptions(progress: false), as: Double.self)
    return (net, record)
  }

  static func problem<T: BLASScalar>(_ e: DFCExperiment, _ data: DataLocations) throws -> Problem<T> {
    var p: Problem<T>
    switch e.data {
    case .teacher(let i, let o, let s): p = SyntheticRegression.dfcTeacher(inputs: i, outputs: o, seed: s)
    case .officialTeacher(let i, let o): p = SyntheticRegression.dfcTeacherOfficial(inputs: i, outputs: o)
    case .images(let d), .autoencoder(let d):
      // MNIST standardised, Fashion-MNIST ÷ 255 (§3.1); a fixed split (seed 0) of 5 000 validation images.
      let scaling: PixelScaling = e.pixelScaling ?? (d == .mnist ? .standardize(mean: 0.1307, std: 0.3081) : .unit)
      p = try ProblemLoader.load(DataSpec(dataset: d, scaling: scaling, validationCount: 5000, splitSeed: 0), data)
    }
    if let n = e.trainLimit, n < p.train.count { p.train = p.train.subset(Array(0..<n)) }
    if let n = e.validationLimit, n < p.validation.count { p.validation = p.validation.subset(Array(0..<n)) }
    if let n = e.testLimit, n < p.test.count { p.test = p.test.subset(Array(0..<n)) }
    if case .autoencoder = e.data {
      // The target is the input itself; no labels, so no accuracy.
      for k in [\Problem<T>.train, \.validation, \.test] { p[keyPath: k].targets = p[keyPath: k].features; p[keyPath: k].labels = [] }
    }
    return p
  }

  /// Targets as a matrix: the regression targets, or one-hot rows of the labels.
  static func targets<T: BLASScalar>(_ set: Examples<T>, width: Int) -> Matrix<T> {
    if let t = set.targets { return t }
    var y = Matrix<T>(rows: set.count, cols: width)
    for (r, c) in set.labels.enumerated() { y[r, Int(c)] = 1 }
    return y
  }

  struct State<T: BLASScalar>: Codable {
    var net: DFCNetwork<T>
    var forward: OptimizerState<T>, feedback: OptimizerState<T>, feedbackInit: OptimizerState<T>
    var order: Random, noise: GaussianNoise
    var epoch = 0                       // completed epochs (0 after pre-training)
    var pretrained = false
    var epochs: [EpochRecord] = []
    var log: [DFCLogPoint] = []
    var feedbackLog: [DFCLogPoint] = []  // Condition 2 during pre-training and feedback passes
    var initial: EpochRecord? = nil
    var wallSeconds = 0.0, cpuSeconds = 0.0
    var commits: [String]? = nil      // the commits that trained the run so far (`SegmentCommits`)
    var diverged: Divergence? = nil

    var arrayCounts: [Int]? = nil       // the lengths of the raw arrays after the header

    /// The suite's one checkpoint format (`CheckpointFile`): the small state in the JSON header, the weights and the
    /// optimiser moments as raw arrays (as JSON text they took about 10 s per epoch on Table 1's networks).
    static var magic: String { "RPCK-DFC2" }
    func save(to url: URL) throws {
      var header = self
      let arrays = [net.parameters, net.feedback, forward.first, forward.second, feedback.first, feedback.second, feedbackInit.first, feedbackInit.second]
      header.net.parameters = []; header.net.feedback = []
      header.forward.first = []; header.forward.second = []; header.feedback.first = []; header.feedback.second = []
      header.feedbackInit.first = []; header.feedbackInit.second = []
      header.arrayCounts = arrays.map(\.count)
      try CheckpointFile.write(magic: Self.magic, header: header, arrays: arrays, to: url)
    }
    static func read(from url: URL) throws -> State {
      var (s, a) = try CheckpointFile.read(magic: magic, from: url, as: State.self, counts: { $0.arrayCounts ?? [] }, element: T.self)
      guard a.count == 8 else { throw CellError("\(url.path): not a complete DFC checkpoint; delete it to start the run again") }
      s.net.parameters = a[0]; s.net.feedback = a[1]
      s.forward.first = a[2]; s.forward.second = a[3]; s.feedback.first = a[4]; s.feedback.second = a[5]
      s.feedbackInit.first = a[6]; s.feedbackInit.second = a[7]
      return s
    }
  }

  static func train<T: BLASScalar>(_ e: DFCExperiment, seed: UInt64, problem p: Problem<T>, options: RunOptions, as: T.Type) throws -> (record: RunRecord, net: DFCNetwork<T>) {
    var initRNG = Random(seed: e.initSeed ?? seed, stream: "dfc-init")
    let net0 = DFCNetwork<T>.initial(sizes: e.sizes, hidden: e.hidden, hiddenPerLayer: e.hiddenActivations,
                                     feedbackInit: e.variant == .directFeedbackAlignment ? .xavier : e.feedbackInit, rng: &initRNG)
    var s = State(net: net0, forward: OptimizerState<T>(e.effectiveOptimizer, count: net0.parameters.count),
                  feedback: OptimizerState<T>(e.feedbackOptimizer, count: net0.feedback.count),
                  feedbackInit: OptimizerState<T>(e.feedbackInitOptimizer, count: net0.feedback.count),
                  order: Random(seed: seed, stream: "data-order"), noise: GaussianNoise(seed: seed))
    let checkpointURL = options.checkpointURL(e.name, e.key, seed: seed)
    var resumed = false
    if let url = checkpointURL, FileManager.default.fileExists(atPath: url.path) {
      s = try State<T>.read(from: url)
      resumed = true
      Progress.note("\(e.name) seed \(seed): resuming from \(url.lastPathComponent) after epoch \(s.epoch)")
    }
    let wallStart = Clock.wall, cpuStart = Clock.processCPU, carriedWall = s.wallSeconds, carriedCPU = s.cpuSeconds
    s.commits = SegmentCommits.after(s.commits, resumed: resumed, current: options.provenance?.commit)
    // The evolving parts live in their own variables (the nested functions below capture them), and go back
    // into the state when it is saved.
    var net = s.net, forwardOpt = s.forward, feedbackOpt = s.feedback, feedbackInitOpt = s.feedbackInit, order = s.order, noise = s.noise
    func stamp() {
      s.wallSeconds = carriedWall + Clock.wall - wallStart; s.cpuSeconds = carriedCPU + Clock.processCPU - cpuStart
      s.net = net; s.forward = forwardOpt; s.feedback = feedbackOpt; s.feedbackInit = feedbackInitOpt; s.order = order; s.noise = noise
    }

    let d = e.sizes.last!, n0 = e.sizes[0], B = e.batchSize
    let train = p.train, yTrain = targets(train, width: d)
    let ws = DFCWorkspace(net, capacity: B)
    var bx = [T](repeating: 0, count: B * n0), by = [T](repeating: 0, count: B * d)
    var g = [T](repeating: 0, count: net.parameters.count), gk = [T](repeating: 0, count: net.feedback.count)
    var reference = g
    let batches = (train.count + B - 1) / B
    let tensors = net.tensors
    var progress = Progress(label: "\(e.name) seed \(seed)", enabled: options.progress)
    let freezeOutput = e.feedback.freezeOutput
    let outputFeedback = net.feedbackOffset[net.layerCount - 1]

    func gather(_ permutation: [Int], _ k: Int) -> Int {
      let rows = min(B, train.count - k * B)
      for r in 0..<rows {
        let i = permutation[k * B + r]
        for j in 0..<n0 { bx[r * n0 + j] = train.features.storage[i * n0 + j] }
        for j in 0..<d { by[r * d + j] = yTrain.storage[i * d + j] }
      }
      return rows
    }
    /// The stop request (SIGINT/SIGTERM), honoured at every minibatch, feedback passes included: the checkpoint is
    /// the last epoch boundary's (or the end of pre-training), so the interrupted epoch or pre-training starts over.
    func stopIfRequested() throws {
      if StopSignal.requested {
        throw Interrupted(checkpoints: checkpointURL.flatMap { FileManager.default.fileExists(atPath: $0.path) ? [$0] : nil } ?? [],
                          earlierBoundary: s.epoch > 0 ? "after epoch \(s.epoch)" : "after pre-training")
      }
    }
    // Progress counts the minibatches of both phases of an epoch (the feedback passes of a trained-feedback rule
    // take most of its time), so that the ETA does not extrapolate from the forward phase alone.
    let updates = min(batches, e.minibatchLimit ?? batches)
    let feedbackPasses = e.learnsFeedback ? 1 + e.extraFeedbackEpochs : 0
    let unitsPerEpoch = feedbackPasses * batches + updates
    func tick(_ unitInEpoch: Int) {
      progress.update(done: Double(s.epoch * unitsPerEpoch + unitInEpoch), total: Double(e.epochs * unitsPerEpoch),
                      detail: "epoch \(s.epoch + 1)/\(e.epochs)")
    }
    /// One pass of feedback learning over a fresh permutation; logs Condition 2 after minibatch 0's step.
    /// `unitsBefore`: the epoch's minibatches done before this pass, for the progress line (nil in pre-training,
    /// which has its own).
    func feedbackPass(pretraining: Bool, logFirst: Bool, unitsBefore: Int? = nil) throws {
      let permutation = order.permutation(train.count)
      for k in 0..<batches {
        if let unitsBefore { tick(unitsBefore + k) }
        try stopIfRequested()
        let rows = gather(permutation, k)
        bx.withUnsafeBufferPointer { px in
          gk.withUnsafeMutableBufferPointer { gkp in
            _ = ws.feedbackGradient(net, px.baseAddress!, rows: rows, e.feedback, into: gkp.baseAddress!) { _, _, out, count in noise.fill(out, count) }
          }
        }
        let kL = freezeOutput ? Array(net.feedback[outputFeedback...]) : []
        if pretraining { feedbackInitOpt.apply(to: &net.feedback, gradient: gk, decay: .coupled(e.feedbackWeightDecay)) }
        else { feedbackOpt.apply(to: &net.feedback, gradient: gk, decay: .coupled(e.feedbackWeightDecay)) }
        if freezeOutput { net.feedback.replaceSubrange(outputFeedback..., with: kL) }
        if (logFirst && k == 0 && e.logInterval > 0) || e.feedbackLogInterval.map({ k % $0 == 0 }) == true {
          ws.computeJacobian(net, at: ws.feedforwardV)
          let m = ws.feedbackMeasures(net, gamma: e.referenceDamping)
          var point = DFCLogPoint(epoch: s.epoch + (pretraining ? 0 : 1), minibatch: k, batchLoss: nil, conditionTwo: m.conditionTwo,
                                  jacobianTransposeAngle: m.jacobianTransposeAngle, dampedInverseAngle: m.dampedInverseAngle)
          if let gammas = e.feedbackLogDampings { point.dampedInverseAngles = gammas.map { ws.feedbackMeasures(net, gamma: $0).dampedInverseAngle } }
          s.feedbackLog.append(point)
        }
      }
    }
    /// Evaluation on a set in unshuffled minibatches of 128: the mean of minibatch losses (Q15) and accuracy.
    func evaluate(_ set: Examples<T>) -> (loss: Double, accuracy: Double?) {
      let y = targets(set, width: d)
      var lossSum = 0.0, accSum = 0.0, count = 0
      for start in stride(from: 0, to: set.count, by: B) {
        let rows = min(B, set.count - start)
        set.features.storage.withUnsafeBufferPointer { px in
          ws.forward(net, px.baseAddress! + start * n0, rows: rows)
        }
        lossSum += y.storage.withUnsafeBufferPointer { ws.setOutputTarget(net, y: $0.baseAddress! + start * d, loss: e.loss, lambda: 0) }
        if !set.labels.isEmpty {
          let out = ws.feedforwardOutput
          var correct = 0
          for r in 0..<rows {
            var best = 0
            for j in 1..<d where out[r * d + j] > out[r * d + best] { best = j }
            if best == Int(set.labels[start + r]) { correct += 1 }
          }
          accSum += Double(correct) / Double(rows)
        }
        count += 1
      }
      return (lossSum / Double(count), set.labels.isEmpty ? nil : accSum / Double(count))
    }

    if s.initial == nil {
      let v = evaluate(p.validation), t = evaluate(p.test)
      s.initial = EpochRecord(epoch: 0, trainLoss: .nan, validationLoss: v.loss, validationAccuracy: v.accuracy, testLoss: t.loss, testAccuracy: t.accuracy, seconds: 0)
    }
    if !s.pretrained {
      if e.learnsFeedback {
        var pre = Progress(label: "\(e.name) seed \(seed): feedback pre-training", enabled: options.progress)
        for k in 0..<e.pretrainingEpochs {
          try feedbackPass(pretraining: true, logFirst: k == e.pretrainingEpochs - 1)
          pre.update(done: Double(k + 1), total: Double(e.pretrainingEpochs), detail: "epoch \(k + 1) of \(e.pretrainingEpochs)")
        }
      }
      s.pretrained = true
      if let url = checkpointURL, e.learnsFeedback && e.pretrainingEpochs > 0 { stamp(); try s.save(to: url) }
    }
    training: while s.epoch < e.epochs {
      let epochStart = Clock.wall
      if e.learnsFeedback { try feedbackPass(pretraining: false, logFirst: true, unitsBefore: 0) }
      let permutation = order.permutation(train.count)
      var lossSum = 0.0, correct = 0, seen = 0
      for k in 0..<updates {
        try stopIfRequested()
        let rows = gather(permutation, k)
        let log = e.logInterval > 0 && k % e.logInterval == 0
        var point = DFCLogPoint(epoch: s.epoch + 1, minibatch: k, batchLoss: 0)
        var batchLoss = 0.0
        var refs: (mn: [T], gn: [T], bp: [T]) = ([], [], [])
        var failure: String? = nil
        bx.withUnsafeBufferPointer { pxb in
          let px = pxb.baseAddress!
          ws.forward(net, px, rows: rows)
          let loss = by.withUnsafeBufferPointer { ws.setOutputTarget(net, y: $0.baseAddress!, loss: e.loss, lambda: e.lambda) }
          point.batchLoss = loss; lossSum += loss; seen += rows
          batchLoss = loss
          if case .images = e.data {  // accuracy (the autoencoder has none)
            let out = ws.feedforwardOutput
            for r in 0..<rows {
              var best = 0, label = 0
              for j in 0..<d { if out[r * d + j] > out[r * d + best] { best = j }; if by[r * d + j] == 1 { label = j } }
              if best == label { correct += 1 }
            }
          }
          if log {
            // References and conditions at the feedforward state, before the update overwrites the buffers.
            point.conditionOne = ws.conditionOne(net, px).reduce(0, +) / Double(rows)
            let norms = (0..<rows).map { ws.layerNorms(net, px, sample: $0) }
            point.layerNorms = (0..<net.layerCount).map { i in norms.map { $0[i] }.reduce(0, +) / Double(rows) }
            ws.computeJacobian(net, at: ws.feedforwardV)
            if e.variant.usesController && !e.learnsFeedback {
              let m = ws.feedbackMeasures(net, gamma: e.referenceDamping)
              point.conditionTwo = m.conditionTwo; point.jacobianTransposeAngle = m.jacobianTransposeAngle; point.dampedInverseAngle = m.dampedInverseAngle
            }
            let gamma = e.variant == .directFeedbackAlignment ? 0 : e.referenceDamping
            refs.mn = [T](repeating: 0, count: g.count); refs.gn = refs.mn; refs.bp = refs.mn
            ws.minimumNormReference(net, px, gamma: gamma, into: &refs.mn)
            ws.gaussNewtonReference(net, px, gamma: gamma, into: &refs.gn)
            ws.backpropGradient(net, px, into: &refs.bp)
          }
          var lambdaMax: [LambdaMax] = []
          let before = {
            if log && e.logEigenvalues != false { lambdaMax = ws.lambdaMax(net, at: ws.v, alpha: e.controller.alpha, kp: e.controller.kp, tau: e.controller.resolvedTau) }
          }
          g.withUnsafeMutableBufferPointer { gp in
            switch e.variant {
            case .dfc, .steadyState:
              let classes = e.variant == .dfc
                ? ws.continuousUpdate(net, px, e.controller, includeNonConverged: e.includeNonConverged, epsilon: e.epsilon, into: gp.baseAddress!, beforeMask: before)
                : ws.steadyStateUpdate(net, px, e.controller, includeNonConverged: e.includeNonConverged, epsilon: e.epsilon, into: gp.baseAddress!, beforeMask: before)
              if log { point.convergedFraction = Double(classes.filter { $0 == .converged }.count) / Double(rows) }
            case .analytic:
              do { try ws.analyticUpdate(net, px, alpha: e.controller.alpha, solver: e.ssaSolver ?? .lu, into: gp.baseAddress!) } catch { failure = "\(error)" }
              before()
            case .directFeedbackAlignment:
              ws.directFeedbackAlignmentUpdate(net, px, lambda: e.lambda, into: gp.baseAddress!)
            case .backprop:
              ws.backpropGradient(net, px, into: gp.baseAddress!)
            }
          }
          if log && e.variant.simulated {
            do { try reference.withUnsafeMutableBufferPointer { try ws.steadyStateReference(net, px, alpha: e.controller.alpha, into: $0.baseAddress!) } }
            catch { failure = "\(error)" }
          }
          if log && !lambdaMax.isEmpty {
            let fields: [KeyPath<LambdaMax, Double>] = [\.tildeI, \.integral, \.instantaneous, \.proportionalIntegral]
            point.lambdaMax = fields.map { f in lambdaMax.map { $0[keyPath: f] }.reduce(0, +) / Double(lambdaMax.count) }
            let pi = lambdaMax.map(\.proportionalIntegral), m = point.lambdaMax![3]
            point.lambdaMaxPIStd = (pi.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(pi.count)).squareRoot()
          }
        }
        guard failure == nil, batchLoss.isFinite, allFinite(g) else {
          s.diverged = Divergence(epoch: s.epoch + 1, step: k + 1, loss: batchLoss)
          Progress.note("\(e.name) seed \(seed): diverged at epoch \(s.epoch + 1), minibatch \(k + 1)\(failure.map { " (\($0))" } ?? "")")
          break training
        }
        e.clipping.apply(&g, tensors: tensors)
        if log {
          point.mnAngle = DFCMetrics.networkAngle(g, refs.mn); point.gnAngle = DFCMetrics.networkAngle(g, refs.gn)
          point.bpAngle = DFCMetrics.networkAngle(g, refs.bp)
          if e.variant.simulated { point.ssaAngle = DFCMetrics.networkAngle(g, reference) }
          point.layerAngles = (1...net.layerCount).map { i in
            [DFCMetrics.weightAngle(net, i, g, refs.mn), DFCMetrics.weightAngle(net, i, g, refs.gn),
             e.variant.simulated ? DFCMetrics.weightAngle(net, i, g, reference) : .nan, DFCMetrics.weightAngle(net, i, g, refs.bp)]
          }
          s.log.append(point)
        }
        forwardOpt.apply(to: &net.parameters, gradient: g)
        tick(feedbackPasses > 0 ? batches + k + 1 : k + 1)
      }
      if e.learnsFeedback { for j in 0..<e.extraFeedbackEpochs { try feedbackPass(pretraining: false, logFirst: false, unitsBefore: batches + updates + j * batches) } }
      let v = evaluate(p.validation), t = evaluate(p.test)
      s.epochs.append(EpochRecord(epoch: s.epoch + 1, trainLoss: lossSum / Double(updates),
                                  trainAccuracy: seen > 0 && correct > 0 ? Double(correct) / Double(seen) : nil,
                                  validationLoss: v.loss, validationAccuracy: v.accuracy, testLoss: t.loss, testAccuracy: t.accuracy,
                                  seconds: Clock.wall - epochStart))
      s.epoch += 1
      progress.epoch(s.epoch, of: e.epochs, detail: Runner.summary(s.epochs.last!))
      if let url = checkpointURL, s.epoch < e.epochs {
        stamp(); try s.save(to: url)
      }
      if let stop = options.stopAfterSteps, s.epoch >= stop, s.epoch < e.epochs {
        stamp(); if let url = checkpointURL { try s.save(to: url) }
        throw Interrupted(checkpoints: checkpointURL.map { [$0] } ?? [])
      }
    }
    if let url = checkpointURL { try? FileManager.default.removeItem(at: url) }
    stamp()
    var record = RunRecord(experiment: e.name, key: e.key, seed: seed, precision: e.precision, rule: e.variant.rawValue, epochs: s.epochs,
                           dataChecksum: p.checksum, wallSeconds: s.wallSeconds, cpuSeconds: s.cpuSeconds, resumed: resumed,
                           diverged: s.diverged, initial: s.initial, trainedBy: options.provenance, segmentCommits: s.commits)
    record.log = ControlledLog(forward: s.log, feedback: s.feedbackLog)
    return (record, net)
  }
}

/// Whether every entry is finite, as a plain loop (`allSatisfy(\.isFinite)` went through a key path per element
/// and cost more than BP's whole minibatch on Table 1's network).
func allFinite<T: BLASScalar>(_ x: [T]) -> Bool {
  x.withUnsafeBufferPointer { p in
    var sum: T = 0
    for v in p { sum += v * 0 }       // 0·v is 0 for finite v and NaN for ±inf or NaN
    return sum == 0
  }
}
