import Datasets
import Experiments
import Learning

/// Table 1 of DFC (README "Table 1"): eight rows × four columns, the released configs
/// (`configs/configs_{mnist,fmnist,mnist_auto,mnist_train}/*.py`) as values. Learning rates are the raw config
/// values; the forward optimiser divides them by λ (`normalize_lr`). Adam has β = (0.99, 0.99) everywhere.
public enum DFCTable1 {
  /// The columns: MNIST and Fashion-MNIST test error, the MNIST autoencoder's test loss, MNIST train loss.
  public enum Column: String, CaseIterable, Sendable {
    case mnist, fmnist, ae, train
    public var label: String {
      switch self {
      case .mnist: return "MNIST test error (%)"
      case .fmnist: return "F-MNIST test error (%)"
      case .ae: return "MNIST autoencoder test loss (×10⁻²)"
      case .train: return "MNIST train loss"
      }
    }
    public var dataset: DatasetName { self == .fmnist ? .fashionMNIST : .mnist }
    /// 100 epochs; the autoencoder 25 (§3.1).
    public var epochs: Int { self == .ae ? 25 : 100 }
  }

  public enum Row: String, CaseIterable, Sendable {
    case bp, dfc, dfcSSA = "dfc-ssa", dfcSS = "dfc-ss", dfcFixed = "dfc-fixed", dfcSSAFixed = "dfc-ssa-fixed", dfcSSFixed = "dfc-ss-fixed", dfa
    public var label: String {
      switch self {
      case .bp: return "BP"
      case .dfc: return "DFC"
      case .dfcSSA: return "DFC-SSA"
      case .dfcSS: return "DFC-SS"
      case .dfcFixed: return "DFC (fixed)"
      case .dfcSSAFixed: return "DFC-SSA (fixed)"
      case .dfcSSFixed: return "DFC-SS (fixed)"
      case .dfa: return "DFA"
      }
    }
    public var variant: DFCVariant {
      switch self {
      case .bp: return .backprop
      case .dfc, .dfcFixed: return .dfc
      case .dfcSS, .dfcSSFixed: return .steadyState
      case .dfcSSA, .dfcSSAFixed: return .analytic
      case .dfa: return .directFeedbackAlignment
      }
    }
    public var fixed: Bool { [.dfcFixed, .dfcSSAFixed, .dfcSSFixed].contains(self) }
    public var trainedFeedback: Bool { [.dfc, .dfcSS, .dfcSSA].contains(self) }
    /// Rows whose forward phase is a simulation of T steps per minibatch (Part B at quick scale).
    public var simulated: Bool { variant.simulated }
  }

  /// The paper's Table 1 (NeurIPS submission text; README "Reference numbers"): mean and std over 5 seeds, in the
  /// units of `Column.label` (the autoencoder in 10⁻², the train loss as it is).
  public static let source = "Meulemans et al. 2021, Table 1 (NeurIPS submission text; mean ± std over 5 seeds)"
  public static func reference(_ r: Row, _ c: Column) -> Reference {
    let table: [Row: [(Double, Double)]] = [
      .bp: [(2.08, 0.15), (10.60, 0.34), (9.42, 0.09), (1.53e-7, 0.19e-7)],
      .dfc: [(2.25, 0.094), (11.17, 0.27), (11.28, 0.18), (7.61e-8, 0.65e-8)],
      .dfcSSA: [(2.18, 0.16), (11.28, 0.27), (11.27, 0.09), (4.89e-8, 1.26e-8)],
      .dfcSS: [(2.29, 0.097), (11.15, 0.32), (11.21, 0.04), (4.80e-8, 0.70e-8)],
      .dfcFixed: [(2.47, 0.12), (11.62, 0.30), (33.37, 0.60), (1.30e-6, 0.15e-6)],
      .dfcSSAFixed: [(2.46, 0.11), (11.44, 0.14), (31.90, 0.77), (1.73e-6, 0.39e-6)],
      .dfcSSFixed: [(2.39, 0.22), (11.55, 0.42), (32.31, 0.37), (1.67e-6, 0.70e-6)],
      .dfa: [(2.69, 0.11), (11.38, 0.25), (29.95, 0.36), (7.09e-7, 1.11e-7)],
    ]
    let (v, s) = table[r]![Column.allCases.firstIndex(of: c)!]
    return Reference(value: v, std: s, source: source)
  }

  static func adam(_ lr: Double, _ epsilon: Double) -> Optimizer { .adam(learningRate: lr, beta1: 0.99, beta2: 0.99, epsilon: epsilon, biasCorrection: true) }

  /// BP and DFA (§3.2): λ = 0.001, so lr_eff = 1000·lr; (lr, ε) per column.
  static func baseline(_ r: Row, _ c: Column) -> Optimizer {
    switch (r, c) {
    case (.bp, .mnist): return adam(2.97764587844326e-07, 5.770311627459478e-08)
    case (.bp, .fmnist): return adam(5.442490245182536e-07, 2.7090253686612157e-08)
    case (.bp, .ae): return adam(1.3674117423775684e-06, 9.190510113850847e-07)
    case (.bp, .train): return adam(1.0185913134203108e-07, 1.406584294335969e-07)
    case (_, .mnist): return adam(2.6298517958226435e-07, 2.483437226361463e-08)
    case (_, .fmnist): return adam(7.67552163131779e-06, 3.251744567222374e-07)
    case (_, .ae): return adam(3.150803077207525e-07, 5.150023297495683e-08)
    case (_, .train): return adam(2.6548173042920796e-05, 6.313719401969023e-08)
    }
  }

  /// DFC, DFC-SS and DFC-SSA with trained feedback (§3.3), per column.
  struct Trained {
    var lr: Double, lambda: Double, epsilon: Double, alpha: Double, dt: Double, steps: Int, proactive: Bool, includeNonConverged: Bool
    var freezeOutput: Bool, pretrainingEpochs: Int
    var lrFeedback: Double, lrFeedbackInit: Double, epsilonFeedback: Double, feedbackWeightDecay: Double
    var alphaFeedback: Double, kpFeedback: Double, dtFeedback: Double, stepsFeedback: Int, tauFeedback: Double, tauApicalFeedback: Double
    var sigmaFeedback: Double, sigmaOutputFeedback: Double
  }
  static func trained(_ c: Column) -> Trained {
    switch c {
    case .mnist:
      return Trained(lr: 9.265965477237583e-05, lambda: 0.07794471150634391, epsilon: 9.446010081075931e-08, alpha: 0.0013890445062125412,
                     dt: 0.02, steps: 1000, proactive: true, includeNonConverged: false, freezeOutput: false, pretrainingEpochs: 10,
                     lrFeedback: 0.0005265408146208675, lrFeedbackInit: 0.0003170276937521561, epsilonFeedback: 1.5611352228965008e-06,
                     feedbackWeightDecay: 0.001, alphaFeedback: 0.6133635688698066, kpFeedback: 0.1565387776131571,
                     dtFeedback: 0.0020299480251123815, stepsFeedback: 48, tauFeedback: 0.00630250312119787, tauApicalFeedback: 0.32469417320648936,
                     sigmaFeedback: 0.001524181852173024, sigmaOutputFeedback: 0.001524181852173024)
    case .fmnist:
      return Trained(lr: 4.406433064602529e-05, lambda: 0.056066652694809475, epsilon: 3.661367432183572e-08, alpha: 0.00020607985040655872,
                     dt: 0.02, steps: 300, proactive: false, includeNonConverged: false, freezeOutput: true, pretrainingEpochs: 10,
                     lrFeedback: 0.00023725294281298016, lrFeedbackInit: 0.00045372617633919964, epsilonFeedback: 3.561070445920531e-08,
                     feedbackWeightDecay: 0.1, alphaFeedback: 0.23370420882566645, kpFeedback: 0.006426940850583915,
                     dtFeedback: 0.003097349374603956, stepsFeedback: 34, tauFeedback: 0.00547324603685296, tauApicalFeedback: 0.13465111151646356,
                     sigmaFeedback: 0.002451309464861252, sigmaOutputFeedback: 0.002451309464861252)
    case .ae:
      return Trained(lr: 0.0001867134052079835, lambda: 0.02027700334158571, epsilon: 2.7788915666203028e-08, alpha: 0.036883035536535616,
                     dt: 0.02, steps: 1000, proactive: true, includeNonConverged: false, freezeOutput: true, pretrainingEpochs: 15,
                     lrFeedback: 1.2260433974696165e-05, lrFeedbackInit: 0.00016397270803247601, epsilonFeedback: 5.849519739358543e-07,
                     feedbackWeightDecay: 0.1, alphaFeedback: 0.7332531549909285, kpFeedback: 0.006322358048692642,
                     dtFeedback: 0.0032644966090448454, stepsFeedback: 60, tauFeedback: 0.006487346213972566, tauApicalFeedback: 0.2725371146036905,
                     sigmaFeedback: 0.0018360352597175634, sigmaOutputFeedback: 0)
    case .train:
      // T: 500 for DFC-SS, 1000 for DFC (`steps(for:)`); the MNIST K_L stays trainable; non-converged samples included.
      return Trained(lr: 9.88774546189883e-05, lambda: 0.011058354511931722, epsilon: 3.89555509345032e-08, alpha: 4.3429514175241264e-05,
                     dt: 0.001, steps: 1000, proactive: false, includeNonConverged: true, freezeOutput: false, pretrainingEpochs: 20,
                     lrFeedback: 4.445847462337203e-05, lrFeedbackInit: 0.0006709473906496064, epsilonFeedback: 2.762631546435506e-07,
                     feedbackWeightDecay: 0.001, alphaFeedback: 0.9203526803210136, kpFeedback: 0.14321143403721703,
                     dtFeedback: 0.0012744699972870549, stepsFeedback: 44, tauFeedback: 0.01321911426052852, tauApicalFeedback: 0.14811459525530168,
                     sigmaFeedback: 0.05570975783231214, sigmaOutputFeedback: 0.05570975783231214)
    }
  }

  /// The "(fixed)" variants (§3.4): weight-product K, frozen, no feedback learning; λ = 0.1. (dt, T, include
  /// non-converged) differ between DFC and DFC-SS; DFC-SSA (fixed) uses DFC's, which only its logged λ_max reads.
  struct Fixed { var lr: Double, epsilon: Double, alpha: Double, dfc: (dt: Double, steps: Int, include: Bool), ss: (dt: Double, steps: Int, include: Bool) }
  static func fixed(_ c: Column) -> Fixed {
    switch c {
    case .mnist: return Fixed(lr: 6.043454783083358e-05, epsilon: 1.3326841152257578e-08, alpha: 0.00024658638831547176,
                              dfc: (0.02, 500, false), ss: (0.02, 500, false))
    case .fmnist: return Fixed(lr: 5.423883572845198e-05, epsilon: 1.4648080760625163e-10, alpha: 0.7985041176538932,
                               dfc: (0.001, 1500, true), ss: (0.0005, 3000, true))
    case .ae: return Fixed(lr: 5.519455735010572e-06, epsilon: 1.0634245994198083e-07, alpha: 0.00018844333984677306,
                           dfc: (0.0005, 2000, true), ss: (0.001, 1000, false))
    case .train: return Fixed(lr: 8.756385365027279e-05, epsilon: 4.517147913426628e-08, alpha: 0.0003335356558452598,
                              dfc: (0.001, 1000, true), ss: (0.0005, 2000, true))
    }
  }

  /// The SSA configs' unused dt, T and τ (§3.3): only τ and k_p = 0 enter the logged λ_max.
  static func ssaController(_ c: Column, alpha: Double) -> ControllerSettings {
    ControllerSettings(alpha: alpha, kp: 0, dt: c == .train ? 0.0007443486448352245 : 0.001, steps: 300, tau: 0.005)
  }

  public static func sizes(_ c: Column) -> [Int] { c == .ae ? [784, 256, 32, 256, 784] : [784, 256, 256, 256, 10] }

  /// The full protocol of one cell (§3): the experiment every scale starts from.
  public static func experiment(_ r: Row, _ c: Column) -> DFCExperiment {
    let data: DFCData = c == .ae ? .autoencoder(.mnist) : .images(c.dataset)
    let loss: DFCLoss = c == .ae ? .meanSquaredError : .crossEntropy
    // The feedback entries of BP, DFA and the fixed rows are unused; they take the trained row's values.
    let t = trained(c)
    var fb = ControllerSettings(alpha: t.alphaFeedback, kp: t.kpFeedback, dt: t.dtFeedback, steps: t.stepsFeedback, tau: t.tauFeedback,
                                tauApical: t.tauApicalFeedback)
    fb.sigma = t.sigmaFeedback; fb.sigmaOutput = t.sigmaOutputFeedback
    let feedback = FeedbackLearningSettings(controller: fb, freezeOutput: t.freezeOutput)
    var controller: ControllerSettings, lambda: Double, optimizer: Optimizer, include = false
    switch r {
    case .bp, .dfa:
      controller = ControllerSettings(alpha: 0, kp: 0, dt: 0.001, steps: 1, tau: 0.001)
      lambda = 0.001; optimizer = baseline(r, c)
    case .dfc, .dfcSS:
      // The train-loss column simulates 1000 steps for DFC and 500 for DFC-SS.
      let steps = c == .train && r == .dfcSS ? 500 : t.steps
      controller = ControllerSettings(alpha: t.alpha, kp: 2, dt: t.dt, steps: steps, tau: 0.2, proactive: t.proactive)
      lambda = t.lambda; optimizer = adam(t.lr, t.epsilon); include = t.includeNonConverged
    case .dfcSSA:
      controller = ssaController(c, alpha: t.alpha)
      lambda = t.lambda; optimizer = adam(t.lr, t.epsilon)
    case .dfcFixed, .dfcSSFixed, .dfcSSAFixed:
      let f = fixed(c), sim = r == .dfcSSFixed ? f.ss : f.dfc
      controller = r == .dfcSSAFixed ? ControllerSettings(alpha: f.alpha, kp: 0, dt: sim.dt, steps: sim.steps, tau: 0.2)
        : ControllerSettings(alpha: f.alpha, kp: 2, dt: sim.dt, steps: sim.steps, tau: 0.2, proactive: true)
      lambda = 0.1; optimizer = adam(f.lr, f.epsilon); include = r == .dfcSSAFixed ? false : sim.include
    }
    var e = DFCExperiment(
      name: "dfc-table1-\(c.rawValue)-\(r.rawValue)", data: data, sizes: sizes(c), hidden: .tanh, variant: r.variant, loss: loss,
      lambda: lambda, optimizer: optimizer, controller: controller, feedback: feedback,
      feedbackOptimizer: adam(t.lrFeedback, t.epsilonFeedback), feedbackInitOptimizer: adam(t.lrFeedbackInit, t.epsilonFeedback),
      epochs: c.epochs)
    if c == .ae { e.hiddenActivations = [.tanh, .linear, .tanh] }
    e.clipping = r == .bp ? .none : .dfcPerTensor
    e.includeNonConverged = include
    e.feedbackInit = r.fixed ? .weightProduct : .xavier
    e.trainFeedback = r.trainedFeedback
    e.feedbackWeightDecay = t.feedbackWeightDecay
    e.pretrainingEpochs = r.trainedFeedback ? t.pretrainingEpochs : 0
    e.extraFeedbackEpochs = 2                               // X = 3 feedback epochs per epoch
    e.referenceDamping = 1                                  // γ of the E.5 MN reference (§5.6)
    // No logs at full scale: a log (the MN, GN and BP references, Condition 1 and the layer norms of every sample)
    // costs about as much as 50 training minibatches, and the E.5 figures at full scale come from the pipeline
    // configs, not from these runs. The smaller scales log (E.5 at quick draws on them); never λ_max, which
    // Table 1's figures do not show and which costs one eigenproblem of size N + n_L per sample.
    e.logInterval = 0
    e.logEigenvalues = false
    return e
  }
}
