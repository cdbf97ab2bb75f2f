import Datasets
import Experiments
import Foundation
import Learning
import Numerics

/// Figure 2 (DFC README; run_toy_exp_fig2.py): how many feedback matrices satisfy Conditions 2 and 3.
/// A 5-2-2 net (tanh hidden, Xavier, seed 42) and one input x ~ N(0, I_5), so J is 2×4. Accepted Q = JᵀP with
/// P ~ N(0, 1)^{2×2} whose JQ has eigenvalues of positive real part (C3 at α = 0), flattened and unit-normalised;
/// with them Jᵀ, J^† and 100 damped pseudo-inverses Jᵀ(JJᵀ + γI)⁻¹, γ = 10^−5 … 10^2. A 2-component PCA of the
/// union, a Gaussian KDE (Scott's bandwidth) of the Q cloud on a 100 × 100 grid.
enum DFCFigure2 {
  static func run(_ context: ArtefactContext) throws -> [URL] {
    let start = Clock.wall
    let name = context.fileName("fig2")
    let count = context.scale == .smoke ? 200 : 2000
    var rng = Random(seed: 42, stream: "dfc-fig2")
    let net = DFCNetwork<Double>.initial(sizes: [5, 2, 2], hidden: .tanh, feedbackInit: .xavier, rng: &rng)
    let x = (0..<5).map { _ in rng.normal() }
    let ws = DFCWorkspace(net, capacity: 1)
    x.withUnsafeBufferPointer { ws.forward(net, $0.baseAddress!, rows: 1) }
    ws.computeJacobian(net, at: ws.feedforwardV)
    let j = ws.jacobian(of: 0, width: net.stateWidth)                   // 2 × 4
    let jt = j.transposed
    func unit(_ m: Matrix<Double>) -> [Double] { let n: Double = norm(m.storage); return m.storage.map { $0 / n } }
    // Condition 2 for Q: ‖P Q‖_F/‖Q‖_F with P the projector on row(J).
    let projector = matmul(jt, matmul(try LUFactorization(matmul(j, jt)).inverse, j))
    var qs: [[Double]] = [], conditionTwo: [Double] = [], minRealEig: [Double] = []
    var drawn = 0
    while qs.count < count {
      let p: Matrix<Double> = rng.normalMatrix(rows: 2, cols: 2)
      let q = matmul(jt, p)
      drawn += 1
      let e = try eigenvalues(matmul(j, q))
      guard e.real.allSatisfy({ $0 > 0 }) else { continue }
      qs.append(unit(q))
      conditionTwo.append((norm(matmul(projector, q).storage) as Double) / norm(q.storage))
      minRealEig.append(e.real.min()!)
    }
    let gammas = (0..<100).map { pow(10, -5 + 7 * Double($0) / 99) }
    let damped = gammas.map { g -> [Double] in
      var m = matmul(j, jt)
      for k in 0..<2 { m[k, k] += g }
      return unit(matmul(jt, try! LUFactorization(m).inverse))
    }
    let pinv = unit(matmul(jt, try LUFactorization(matmul(j, jt)).inverse))
    let jtUnit = unit(jt)
    // PCA on the union: the top two eigenvectors of the covariance.
    let all = qs + damped + [pinv, jtUnit]
    let mean = (0..<8).map { c in all.map { $0[c] }.reduce(0, +) / Double(all.count) }
    var cov = Matrix<Double>(rows: 8, cols: 8)
    for v in all { for a in 0..<8 { for b in 0..<8 { cov[a, b] += (v[a] - mean[a]) * (v[b] - mean[b]) / Double(all.count - 1) } } }
    let eig = try symmetricEigen(cov)
    let order = eig.values.indices.sorted { eig.values[$0] > eig.values[$1] }
    func project(_ v: [Double]) -> (Double, Double) {
      let c = (0..<8).map { v[$0] - mean[$0] }
      let pc = order.prefix(2).map { k in (0..<8).reduce(0.0) { $0 + c[$1] * eig.vectors[$1, k] } }
      return (pc[0], pc[1])
    }
    var rows: [[Double]] = []                                          // kind (0 Q, 1 Jᵀ, 2 J^†, 3 damped), γ, pc1, pc2
    for q in qs { let p = project(q); rows.append([0, .nan, p.0, p.1]) }
    let pj = project(jtUnit), pp = project(pinv)
    rows.append([1, .nan, pj.0, pj.1]); rows.append([2, 0, pp.0, pp.1])
    for (g, v) in zip(gammas, damped) { let p = project(v); rows.append([3, g, p.0, p.1]) }
    // KDE of the Q cloud, Scott's factor n^(−1/6) on the data covariance.
    let pts = rows.filter { $0[0] == 0 }.map { ($0[2], $0[3]) }
    let n = Double(pts.count), factor = pow(n, -1.0 / 6)
    let m1 = pts.map(\.0).reduce(0, +) / n, m2 = pts.map(\.1).reduce(0, +) / n
    var c11 = 0.0, c12 = 0.0, c22 = 0.0
    for (a, b) in pts { c11 += (a - m1) * (a - m1); c12 += (a - m1) * (b - m2); c22 += (b - m2) * (b - m2) }
    c11 = c11 / (n - 1) * factor * factor; c12 = c12 / (n - 1) * factor * factor; c22 = c22 / (n - 1) * factor * factor
    let det = c11 * c22 - c12 * c12, i11 = c22 / det, i12 = -c12 / det, i22 = c11 / det
    let xs = rows.map { $0[2] }, ys = rows.map { $0[3] }
    let (x0, x1) = (xs.min()!, xs.max()!), (y0, y1) = (ys.min()!, ys.max()!)
    let (gx0, gx1) = (x0 - 0.1 * (x1 - x0), x1 + 0.1 * (x1 - x0)), (gy0, gy1) = (y0 - 0.1 * (y1 - y0), y1 + 0.1 * (y1 - y0))
    var kde = "pc1,pc2,density\n"
    for a in 0..<100 {
      for b in 0..<100 {
        let gx = gx0 + (gx1 - gx0) * Double(a) / 99, gy = gy0 + (gy1 - gy0) * Double(b) / 99
        var dsum = 0.0
        for (px, py) in pts {
          let dx = gx - px, dy = gy - py
          dsum += exp(-0.5 * (i11 * dx * dx + 2 * i12 * dx * dy + i22 * dy * dy))
        }
        kde += String(format: "%.6g,%.6g,%.6g\n", gx, gy, dsum / (n * 2 * .pi * det.squareRoot()))
      }
      kde += "\n"
    }
    var points = "kind,gamma,pc1,pc2\n"
    for r in rows { points += "\(["Q", "JT", "Jpinv", "damped"][Int(r[0])]),\(r[1].isNaN ? "" : String(format: "%.6g", r[1])),\(r[2]),\(r[3])\n" }
    // Checks (§5.3).
    func angle(_ a: [Double], _ b: [Double]) -> Double { DFCMetrics.angle(a, b) }
    var checks: [Check] = []
    checks.append(Check(name: "every accepted Q satisfies Condition 2 (ratio 1 to 1e-12) and Condition 3 (min Re eig(JQ) > 0)",
                        holds: conditionTwo.allSatisfy { abs($0 - 1) < 1e-12 } && minRealEig.allSatisfy { $0 > 0 },
                        detail: String(format: "%d accepted of %d drawn; max |ratio − 1| %.1e", qs.count, drawn, conditionTwo.map { abs($0 - 1) }.max() ?? .nan)))
    let at = { (g: Double) in damped[gammas.firstIndex { $0 >= g * 0.999 }!] }
    checks.append(Check(name: "the damped pseudo-inverse approaches J^† as γ → 0", holds: angle(at(1e-5), pinv) < angle(at(1e-2), pinv),
                        detail: String(format: "angle to J^†: %.3g° at γ = 1e-5, %.3g° at γ = 1e-2", angle(at(1e-5), pinv), angle(at(1e-2), pinv))))
    checks.append(Check(name: "the damped pseudo-inverse turns towards Jᵀ as γ grows", holds: angle(at(100), jtUnit) < angle(at(1), jtUnit),
                        detail: String(format: "angle to Jᵀ: %.3g° at γ = 1, %.3g° at γ = 100", angle(at(1), jtUnit), angle(at(100), jtUnit))))
    var script = "set title 'DFC Fig. 2: \(qs.count) random Q satisfying Conditions 2 and 3 (5-2-2 net), PCA of unit-norm Q'\n"
    script += "set xlabel 'PC1'\nset ylabel 'PC2'\nset xtics -0.5,0.5\nset ytics -0.5,0.5\nset size ratio -1\n"
    script += "set palette defined (0 '#f7fbff', 1 '#c6dbef', 2 '#6baed6', 3 '#2171b5', 4 '#08306b')\nset palette maxcolors 5\nset cblabel 'probability density'\n"
    script += "set xrange [\(gx0):\(gx1)]\nset yrange [\(gy0):\(gy1)]\nset key below\n"
    script += "plot '\(name)_kde.csv' using 1:2:3 with image notitle, \\\n"
    script += "     '\(name)_points.csv' using ((strcol(1) eq 'Q') ? $3 : 1/0):4 with points pt 7 ps 0.3 lc rgb '#1f4e9a' title 'Q (C2, C3)', \\\n"
    script += "     '' using ((strcol(1) eq 'damped') ? $3 : 1/0):4 with points pt 2 ps 0.8 lc rgb '#ff8c00' title 'Jᵀ(JJᵀ+γI)⁻¹, γ 1e-5 … 1e2', \\\n"
    script += "     '' using ((strcol(1) eq 'JT') ? $3 : 1/0):4 with points pt 2 ps 2.5 lw 3 lc rgb '#d62728' title 'Jᵀ', \\\n"
    script += "     '' using ((strcol(1) eq 'Jpinv') ? $3 : 1/0):4 with points pt 2 ps 2.5 lw 3 lc rgb '#2ca02c' title 'J^†'\n"
    return try writeFigure(paper: "dfc", name: name, title: "feedback matrices satisfying Conditions 2 and 3, PCA", context: context,
                           header: ["kind", "gamma", "pc1", "pc2"], rows: rows, script: script, checks: checks, runs: [], seeds: [42],
                           wallSeconds: Clock.wall - start, size: (900, 800), dataName: "\(name)_numeric",
                           extraFiles: ["\(name)_points.csv": points, "\(name)_kde.csv": kde])
  }
}
