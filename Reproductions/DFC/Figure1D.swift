import Datasets
import Experiments
import Foundation
import Learning
import Numerics

/// Figure 1D (DFC README): one controlled relaxation. A 15-10-10-1 student of the teacher (n_out = 1)
/// whose feedback was pre-trained 50 epochs with Fig. 3's TrainFB settings; then the forward-phase simulation
/// of the first training minibatch with k_p 1, α 0.0015, dt 0.005, τ 0.2, T = 2000 (10 τ_u), no noise.
/// The first three samples: r_L(t) against r_L* (dashed) and the control u(t).
enum DFCFigure1D {
  static func run(_ context: ArtefactContext) throws -> [URL] {
    let start = Clock.wall
    let name = context.fileName("fig1d")
    // Pre-training only: a DFC experiment with no forward epochs (its run record keeps the network's provenance).
    var e = DFCToyProtocol.experiment(.steadyState, trainedFeedback: true, scale: context.scale, outputs: 1, name: "dfc-fig1d-pretraining")
    e.epochs = 0
    e.trainLimit = nil
    if context.scale == .smoke { e.pretrainingEpochs = 2 }
    let p = SyntheticRegression.dfcTeacher(as: Double.self, inputs: 15, outputs: 1)
    let trained = try DFCRunner.pretrainedNetwork(e, seed: 1, problem: p)
    var s = ControllerSettings(alpha: 0.0015, kp: 1, dt: 0.005, steps: 2000, tau: 0.2)
    s.proactive = false
    let B = 128, ws = DFCWorkspace(trained.net, capacity: B)
    var rows: [[Double]] = []
    p.train.features.storage.withUnsafeBufferPointer { px in
      p.train.targets!.storage.withUnsafeBufferPointer { py in
        ws.forward(trained.net, px.baseAddress!, rows: B)
        ws.setOutputTarget(trained.net, y: py.baseAddress!, loss: .meanSquaredError, lambda: DFCToyProtocol.lambda)
        ws.simulate(trained.net, px.baseAddress!, s, observe: { t in
          for b in 0..<3 { rows.append([Double(b), Double(t), Double(t) * s.dt, ws.outputRates[b], ws.target[b], ws.u[b]]) }
        })
      }
    }
    rows.sort { ($0[0], $0[1]) < ($1[0], $1[1]) }            // one block per sample, so that gnuplot draws lines
    // Checks: the steady state e = αu, and the error shrinks.
    var checks: [Check] = []
    for b in 0..<3 {
      let first = rows.first { $0[0] == Double(b) }!, last = rows.last { $0[0] == Double(b) }!
      let feedforward = abs(first[3])
      let residual = abs(last[3] - (last[4] - s.alpha * last[5])) / max(feedforward, 1e-12)
      let e0 = abs(first[4] - first[3]), eT = abs(last[4] - last[3])
      checks.append(Check(name: "sample \(b + 1): |r_L − (r_L* − αu)|/|r_L^-| < 1e-4 at the end, and error(1999) < 0.25 error(0)",
                          holds: residual < 1e-4 && eT < 0.25 * e0,
                          detail: String(format: "residual %.2e; error %.4g → %.4g", residual, e0, eT)))
    }
    var script = "set multiplot layout 1,3 title 'DFC Fig. 1D: one controlled relaxation (15-10-10-1, feedback pre-trained \(plural(e.pretrainingEpochs, "epoch")); k_p 1, α 0.0015, T 2000)'\n"
    script += "set xlabel 'timestep'\nset xtics 500\nset ylabel 'r_L (blue), r_L* (dashed)'\nset y2label 'u (red)'\nset ytics nomirror\nset y2tics\nset key center right font ',9'\n"
    for b in 0..<3 {
      script += "set title 'sample \(b + 1)'\n"
      script += "plot '\(name).csv' using ($1==\(b) && $2>0 ? $2 : 1/0):4 with lines lw 2 lc rgb '#1f77b4' title 'r_L', \\\n"
      script += "     '' using ($1==\(b) && $2>0 ? $2 : 1/0):5 with lines lw 1.5 dt 2 lc rgb '#000000' title 'r_L*', \\\n"
      script += "     '' using ($1==\(b) && $2>0 ? $2 : 1/0):6 axes x1y2 with lines lw 1.5 lc rgb '#d62728' title 'u'\n"
    }
    script += "unset multiplot\n"
    return try writeFigure(paper: "dfc", name: name, title: "output and control during one controlled relaxation", context: context,
                           header: ["sample", "step", "time_tau_u", "r_L", "r_L_target", "u"], rows: rows, script: script, checks: checks,
                           runs: [trained.record], seeds: [1], wallSeconds: Clock.wall - start, size: (1500, 450))
  }
}
