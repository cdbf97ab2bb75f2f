import Datasets
import Experiments
import Foundation
import Learning

/// Figures S2–S4 of App. C.2/C.3 (DFC README; reconstructed from configs_figC2C3/fig_S{2,3,4}_{linear,tanh}.py):
/// feedback learning alone on a 20-10-5 student (tanh or identity hidden layers) of the 20 → 5 teacher, 25
/// pre-training epochs of SGD (lr 0.1, wd 0.01), σ 0.01, dt_fb 0.001, T_fb 300, τ_fb 0.005, τ_A,fb 0.3, Xavier K with
/// K_L = I trainable; a log every 5 minibatches. S2: k_p,fb 0, α_fb 0.5, the angle to Jᵀ(JJᵀ + γI)⁻¹ per γ (γ enters
/// only the metric: one run per activation). S3: k_p,fb 0.3, α_fb swept. S4: α_fb 0.1, k_p,fb swept.
enum DFCFigureC2C3 {
  static let gammas = [0, 0.1, 1, 5, 10, 100, 1000]
  static let alphas = [0, 0.001, 0.01, 0.1, 0.5, 1]
  static let gains = [0, 0.01, 0.1, 0.5, 1]

  static func experiment(linear: Bool, alpha: Double, kp: Double, dampings: [Double], scale: Scale) -> DFCExperiment {
    var c = ControllerSettings(alpha: alpha, kp: kp, dt: 0.001, steps: 300, tau: 0.005, tauApical: 0.3)
    c.sigma = 0.01; c.sigmaOutput = 0.01
    var e = DFCExperiment(
      name: "dfc-c2c3-\(linear ? "linear" : "tanh")-a\(alpha)-kp\(kp)", data: .teacher(inputs: 20, outputs: 5, seed: 42), sizes: [20, 10, 5],
      hidden: linear ? .linear : .tanh, variant: .steadyState, loss: .meanSquaredError, lambda: 0.05, optimizer: .sgd(learningRate: 0.05, momentum: 0),
      controller: DFCToyProtocol.controller, feedback: FeedbackLearningSettings(controller: c),
      feedbackOptimizer: .sgd(learningRate: 0.1, momentum: 0), feedbackInitOptimizer: .sgd(learningRate: 0.1, momentum: 0), epochs: 0)
    e.feedbackWeightDecay = 0.01
    e.pretrainingEpochs = scale == .smoke ? 1 : 25
    e.initSeed = 42
    e.feedbackLogInterval = 5
    e.feedbackLogDampings = dampings
    e.referenceDamping = 5
    return e
  }

  static func run(_ context: ArtefactContext) throws -> [URL] {
    var plan: [(figure: String, linear: Bool, value: Double, experiment: DFCExperiment)] = []
    for linear in [true, false] {
      plan.append(("S2", linear, 0, experiment(linear: linear, alpha: 0.5, kp: 0, dampings: gammas, scale: context.scale)))
      for a in alphas { plan.append(("S3", linear, a, experiment(linear: linear, alpha: a, kp: 0.3, dampings: [5], scale: context.scale))) }
      for k in gains { plan.append(("S4", linear, k, experiment(linear: linear, alpha: 0.1, kp: k, dampings: [5], scale: context.scale))) }
    }
    let (records, wall) = try context.runs(plan.map { Cell($0.experiment, seed: 1) }, paper: "dfc")
    var urls: [URL] = []
    for figure in ["S2", "S3", "S4"] {
      let members = zip(plan, records).filter { $0.0.figure == figure }
      var header = ["log_index"], columns: [[Double]] = []
      var long = "activation,sweep_value,log_index,angle_pinv,angle_JT,cond2\n"
      var checks: [Check] = []
      for (p, r) in members {
        let log = r.controlled?.feedback ?? [], act = p.linear ? "linear" : "tanh"
        if figure == "S2" {
          for (k, g) in gammas.enumerated() { header.append("\(act) gamma \(g)"); columns.append(log.map { $0.dampedInverseAngles?[k] ?? .nan }) }
        } else {
          header += ["\(act) \(p.value) pinv", "\(act) \(p.value) JT", "\(act) \(p.value) cond2"]
          columns += [log.map { $0.dampedInverseAngles?[0] ?? .nan }, log.map { $0.jacobianTransposeAngle ?? .nan }, log.map { $0.conditionTwo ?? .nan }]
        }
        for (i, q) in log.enumerated() {
          long += "\(act),\(figure == "S2" ? "" : "\(p.value)"),\(i),\((q.dampedInverseAngles ?? []).map { String(format: "%.6g", $0) }.joined(separator: ";")),\(q.jacobianTransposeAngle ?? .nan),\(q.conditionTwo ?? .nan)\n"
        }
      }
      let length = columns.map(\.count).max() ?? 0
      let rows = (0..<length).map { i in [Double(i)] + columns.map { i < $0.count ? $0[i] : .nan } }
      func final(_ h: String) -> Double { columns[header.firstIndex(of: h)! - 1].last { $0.isFinite } ?? .nan }
      let smoke = context.scale == .smoke
      switch figure {
      case "S2":
        for (p, r) in members {
          let act = p.linear ? "linear" : "tanh", log = r.controlled?.feedback ?? []
          let finals = gammas.map { final("\(act) gamma \($0)") }
          let best = gammas[finals.indices.min { finals[$0] < finals[$1] }!]
          let c2 = (log.first?.conditionTwo ?? .nan, log.last?.conditionTwo ?? .nan)
          checks.append(Check(name: "S2 \(act): Condition 2 rises to ≥ 0.95 (P14)", holds: smoke ? nil : c2.1 >= 0.95,
                              detail: String(format: "%.3f → %.3f (re-implementation: 0.57 → 0.984 tanh, 0.55 → 0.983 linear)", c2.0, c2.1)))
          checks.append(Check(name: "S2 \(act): the final angle is smallest at γ ∈ {5, 10} and < 15° (P14)", holds: smoke ? nil : [5.0, 10].contains(best) && finals.min()! < 15,
                              detail: zip(gammas, finals).map { String(format: "γ %g: %.1f°", $0, $1) }.joined(separator: ", ")))
        }
      case "S3":
        for linear in [true, false] {
          let act = linear ? "linear" : "tanh", finals = alphas.map { final("\(act) \($0) pinv") }
          let spread = (finals.max() ?? .nan) - (finals.min() ?? .nan)
          checks.append(Check(name: "S3 \(act): at k_p,fb 0.3 the result hardly depends on α_fb (spread of the final angle < 3°)", holds: smoke ? nil : spread < 3,
                              detail: zip(alphas, finals).map { String(format: "α %g: %.1f°", $0, $1) }.joined(separator: ", ") + " (re-implementation: 7.2–7.8°)"))
        }
      default:
        // The anchor (§4.4) is after 5 epochs: every k_p,fb reaches the same alignment eventually, the larger gains sooner.
        let at = 40                                    // 5 epochs × 8 logs (40 minibatches, a log every 5)
        for linear in [true, false] {
          let act = linear ? "linear" : "tanh"
          let early = gains.map { g -> Double in let c = columns[header.firstIndex(of: "\(act) \(g) pinv")! - 1]; return c.indices.contains(at) ? c[at] : c.last ?? .nan }
          let finals = gains.map { final("\(act) \($0) pinv") }
          let ordered = early[4] < early[2] && early[2] < early[0]
          checks.append(Check(name: "S4 \(act): after 5 epochs a larger k_p,fb aligns better (k_p,fb 1 < 0.1 < 0)", holds: smoke || !linear ? nil : ordered,
                              detail: zip(gains, early).map { String(format: "k_p %g: %.1f°", $0, $1) }.joined(separator: ", ")
                                + "; final " + finals.map { String(format: "%.1f°", $0) }.joined(separator: ", ")
                                + (linear ? " (re-implementation, 5 epochs: 22.9° / 12.8° / 5.2° at 0 / 0.1 / 1)" : "")))
        }
      }
      let colours = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725", "#f98e09", "#d62728"]
      func col(_ h: String) -> Int { header.firstIndex(of: h)! + 1 }
      let name = context.fileName("fig\(figure)")
      var script: String
      if figure == "S2" {
        script = "set multiplot layout 1,2 title 'DFC Fig. S2 (reconstructed): angle between Q and Jᵀ(JJᵀ + γI)⁻¹ during feedback learning (k_p,fb 0, α_fb 0.5)'\n"
        script += "set xlabel 'logged iteration (every 5 minibatches)'\nset ylabel 'angle [°]'\nset key top right font ',9'\nset yrange [0:*]\n"
        for act in ["linear", "tanh"] {
          script += "set title '\(act)'\nplot " + gammas.enumerated().map { k, g in "'\(name)_wide.csv' using 1:\(col("\(act) gamma \(g)")) with lines lw 2 lc rgb '\(colours[k])' title 'γ = \(g)'" }.joined(separator: ", \\\n     ") + "\n"
        }
      } else {
        let values = figure == "S3" ? alphas : gains, symbol = figure == "S3" ? "α_fb" : "k_p,fb"
        script = "set multiplot layout 2,3 title 'DFC Fig. \(figure) (reconstructed): feedback learning for several \(symbol)'\n"
        script += "set xlabel 'logged iteration (every 5 minibatches)'\nset key font ',8'\n"
        for act in ["linear", "tanh"] {
          for (what, label) in [("pinv", "∠(Q, Jᵀ(JJᵀ + 5I)⁻¹) [°]"), ("JT", "∠(Q, Jᵀ) [°]"), ("cond2", "Condition 2")] {
            script += "set title '\(act): \(label)'\n" + (what == "cond2" ? "set yrange [*:1]\n" : "set yrange [0:*]\n")
            script += "plot " + values.enumerated().map { k, v in "'\(name)_wide.csv' using 1:\(col("\(act) \(v) \(what)")) with lines lw 2 lc rgb '\(colours[k])' title '\(symbol) = \(v)'" }.joined(separator: ", \\\n     ") + "\n"
          }
        }
      }
      script += "unset multiplot\n"
      urls += try writeFigure(paper: "dfc", name: name, title: "feedback learning, App. C (\(figure))", context: context, header: header, rows: rows,
                              script: script, checks: checks, runs: members.map { $0.1 }, seeds: [1], wallSeconds: wall,
                              size: figure == "S2" ? (1300, 500) : (1500, 850), dataName: "\(name)_wide", extraFiles: ["\(name).csv": long])
    }
    return urls
  }
}
