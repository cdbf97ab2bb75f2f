import Foundation

/// `reproduce <paper> --table official`: the suite's seeds beside what the paper's own code produced on the same
/// short protocol, run on a 2-core CPU (the spec's `official-runs.md`; each paper's README lists its values). The
/// official value is shown in its own place, never as the paper's number.
public enum OfficialComparison {
  public static let verdictRule = "'within seed range' iff the official code's value lies between the smallest and the largest of the suite's seeds, widened by a round-off allowance of 1e-3 × |official value| (the official codes log in float32 with other summation orders: BP's alignment, exactly 1 in the suite, is 0.9997–0.99999 there); otherwise 'outside seed range' with its distance from the suite's mean in suite standard deviations; the official codes draw from their own random streams, so only a statistical agreement is expected"

  /// One cell: the suite's per-seed values and the official code's value. `official` nil: the official run has
  /// no such value.
  /// A seed whose value is not finite (bioflax's gradient alignment is 0/0 when a layer's update is zero, e.g.
  /// with every hidden ReLU dead) is left out of the range and named in the note.
  public static func row(method: String, column: String, official: Double?, values all: [Double], source: String, note: String? = nil) -> TableRow {
    let values = all.filter(\.isFinite)
    let left = all.count - values.count
    let notes = [note, left > 0 ? "\(left) of \(all.count) seeds not finite (left out)" : nil].compactMap { $0 }
    var row = TableRow(method: method, column: column, reference: nil, values: values, tolerance: 0, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    guard let o = official else { row.verdict = values.isEmpty ? "not run" : "no official value"; return row }
    row.official = Reference(value: o, source: source)
    row.verdict = verdict(official: o, values: values)
    return row
  }

  public static func verdict(official o: Double, values: [Double]) -> String {
    guard let lo = values.min(), let hi = values.max() else { return "not run" }
    let allowance = roundOffAllowance * abs(o)
    if lo - allowance <= o && o <= hi + allowance { return "within seed range" }
    let s = Summary(values)
    return s.std > 0 ? String(format: "outside seed range (%.1f sd)", abs(o - s.mean) / s.std) : "outside seed range"
  }

  public static let roundOffAllowance = 1e-3

  /// A value derived from official numbers (a ratio, a percentage), rounded to `digits` significant digits: the
  /// precision of the logged values it comes from, without float artefacts such as 97.57000000000001.
  public static func derived(_ x: Double, digits: Int = 5) -> Double {
    guard x != 0, x.isFinite else { return x }
    let scale = pow(10, Double(digits) - (log10(abs(x))).rounded(.up))
    return (x * scale).rounded() / scale
  }

  /// The table's checks. (1) If the official value were one more draw of the suite's distribution, it would fall
  /// within the range of n seeds with probability (n − 1)/(n + 1) (2/3 for 5 seeds), so the fraction of cells within
  /// range should be at least that minus 2 binomial standard errors. (2) No cell is significantly outside the
  /// suite's distribution: the prediction interval of one more draw, t = (official − mean)/(s √(1 + 1/n)) with n − 1
  /// degrees of freedom, two-sided p below 0.05 / (number of cells) (Bonferroni).
  public static func checks(_ rows: [TableRow], seeds n: Int) -> [Check] {
    let compared = rows.filter { $0.official != nil && $0.reproduced != nil && $0.reproduced!.n > 1 }
    guard !compared.isEmpty, n > 1 else { return [] }
    let within = compared.filter { $0.verdict == "within seed range" }.count
    let p = Double(n - 1) / Double(n + 1), se = (p * (1 - p) / Double(compared.count)).squareRoot()
    let fraction = Double(within) / Double(compared.count)
    let threshold = 0.05 / Double(compared.count)
    let tested = compared.compactMap { r -> (TableRow, Double)? in
      let s = r.reproduced!, o = r.official!.value
      guard s.std > 0, abs(o - s.mean) > roundOffAllowance * abs(o) else { return nil }
      let t = (o - s.mean) / (s.std * (1 + 1 / Double(s.n)).squareRoot())
      return (r, StudentT.twoSidedP(t, degreesOfFreedom: Double(s.n - 1)))
    }
    let significant = tested.filter { $0.1 < threshold }
    let smallest = tested.min { $0.1 < $1.1 }
    return [
      Check(name: "the official values fall within the suite's seed range as often as one more seed would",
            holds: fraction >= p - 2 * se,
            detail: String(format: "%d of %d cells (%.0f %%); one more seed of the same distribution: %.0f %% (lower limit %.0f %%)", within, compared.count,
                           100 * fraction, 100 * p, 100 * (p - 2 * se))),
      Check(name: "no official value significantly outside the suite's seed distribution (prediction interval, Bonferroni)", holds: significant.isEmpty,
            detail: (significant.isEmpty ? "none below p = \(String(format: "%.2g", threshold))" : significant.map { String(format: "%@ %@: p = %.2g", $0.0.method, $0.0.column, $0.1) }.joined(separator: "; "))
              + (smallest.map { String(format: "; smallest p: %@ %@, %.2g", $0.0.method, $0.0.column, $0.1) } ?? "")),
    ]
  }
}

/// Student's t distribution: the two-sided tail probability P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, 1/2), with the regularised
/// incomplete beta function by its continued fraction (Lentz's method).
public enum StudentT {
  public static func twoSidedP(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    incompleteBeta(nu / (nu + t * t), a: nu / 2, b: 0.5)
  }

  /// I_x(a, b).
  public static func incompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
    let logPowers: Double = a * log(x) + b * log(1 - x)
    let front = exp(logGammas + logPowers)
    // The continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry otherwise.
    if x > (a + 1) / (a + b + 2) { return 1 - incompleteBeta(1 - x, a: b, b: a) }
    let tiny = 1e-300
    var c = 1.0, d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var f = d
    for m in 1...300 {
      let m = Double(m)
      let even: Double = m * (b - m) * x, evenDenominator: Double = (a + 2 * m - 1) * (a + 2 * m)
      var numerator = even / evenDenominator
      d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
      c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
      d = 1 / d; f *= d * c
      let odd: Double = -(a + m) * (a + b + m) * x, oddDenominator: Double = (a + 2 * m) * (a + 2 * m + 1)
      numerator = odd / oddDenominator
      d = 1 + numerator * d; if abs(d) < tiny { d = tiny }
      c = 1 + numerator / c; if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      f *= delta
      if abs(delta - 1) < 1e-15 { break }
    }
    return front * f / a
  }
}

extension String {
  var nonEmpty: String? { isEmpty ? nil : self }
}
